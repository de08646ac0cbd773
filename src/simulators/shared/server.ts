/**
 * The HTTP core every channel simulator plugs into: routing, body parsing, the order of checks
 * (outage → rate limit → injected faults → auth → handler), latency, and statistics. Channels
 * supply routes and their own error envelopes; nothing vendor-specific lives here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseBody } from './body.js';
import type { Faults } from './faults.js';
import type { RateLimits } from './limits.js';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** Number of form variables (eMAG caps them at 4000). */
  formVars: number;
  params: Record<string, string>;
  /** Who the request claims to be (an auth header value); rate limits are kept per account. */
  account: string;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  /** Sent as is instead of JSON (malformed answers). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** Path with `:name` segments. */
  path: string;
  /** Rate-limit groups this route draws on, narrowest first. */
  groups: string[];
  handle: (request: SimRequest) => SimResponse | Promise<SimResponse>;
}

export interface ChannelProtocol {
  routes: Route[];
  /** Which account the request claims to be, before checking it. */
  accountOf: (request: IncomingMessage) => string;
  /** undefined when the credentials are right, else the vendor's auth failure answer. */
  authenticate: (request: SimRequest) => SimResponse | undefined;
  /** The vendor's answer to bad credentials (used by the authFailure fault). */
  unauthorized: () => SimResponse;
  tooManyRequests: (group: string, retryAfterMs: number, request: SimRequest) => SimResponse;
  serverError: (status: number) => SimResponse;
  notFound: () => SimResponse;
  badRequest: (message: string) => SimResponse;
  /** Extra headers on answers that passed the limiter (remaining budget). */
  limitHeaders?: (group: string, request: SimRequest) => Record<string, string>;
}

export interface EndpointStats {
  requests: number;
  violations: number;
  /** ms since epoch of the first and the latest request. */
  firstAt: number;
  lastAt: number;
}

export interface SimulatorStats {
  requests: number;
  /** Requests that arrived while their rate limit was exhausted (answered 429). */
  violations: number;
  injected: { errors: number; tooManyRequests: number; resets: number; malformed: number; outage: number; authFailures: number };
  byEndpoint: Record<string, EndpointStats>;
  byGroup: Record<string, EndpointStats>;
  /** ms since epoch of the first and the latest request. */
  firstRequestAt: number | null;
  lastRequestAt: number | null;
}

export function emptyStats(): SimulatorStats {
  return {
    requests: 0,
    violations: 0,
    injected: { errors: 0, tooManyRequests: 0, resets: 0, malformed: 0, outage: 0, authFailures: 0 },
    byEndpoint: {},
    byGroup: {},
    firstRequestAt: null,
    lastRequestAt: null,
  };
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

const MAX_BODY = 16 * 1024 * 1024;

export class SimulatorServer {
  private readonly server: Server;
  private readonly routes: CompiledRoute[];
  private readonly sockets = new Set<Socket>();
  private statistics = emptyStats();

  constructor(
    private readonly protocol: ChannelProtocol,
    private readonly limits: RateLimits,
    private readonly faults: Faults,
  ) {
    this.routes = protocol.routes.map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(segment.slice(1));
          return '([^/]+)';
        })
        .join('/');
      return { ...route, pattern: new RegExp(`^${source}/?$`), names };
    });
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.send(res, { status: 500, body: { error: String(error) } });
        else res.destroy();
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // Keep-alive connections are reused by fetch; keep them open a little longer than undici's default.
    this.server.keepAliveTimeout = 10_000;
  }

  async listen(port: number, host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  stats(): SimulatorStats {
    return structuredClone(this.statistics);
  }

  resetStats(): void {
    this.statistics = emptyStats();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = (req.method ?? 'GET').toUpperCase();
    const match = this.match(method, url.pathname);
    const latency = this.faults.latency();
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const stats = this.statistics;
    const now = Date.now();
    stats.requests += 1;
    stats.firstRequestAt ??= now;
    stats.lastRequestAt = now;

    if (!match) {
      this.count(`${method} ${url.pathname}`, [], false);
      this.send(res, this.protocol.notFound());
      return;
    }
    const { route, params } = match;
    const parsed = raw === undefined ? { ok: false as const, message: 'body too large' } : parseBody(raw, req.headers['content-type']);
    const request: SimRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: parsed.ok ? parsed.value : undefined,
      formVars: parsed.ok ? parsed.vars : 0,
      params,
      account: this.protocol.accountOf(req),
    };

    if (this.faults.inOutage(now)) {
      stats.injected.outage += 1;
      this.count(`${route.method} ${route.path}`, route.groups, false);
      this.send(res, this.protocol.serverError(503));
      return;
    }
    const verdict = this.limits.check(request.account, route.groups);
    this.count(`${route.method} ${route.path}`, route.groups, !verdict.ok, verdict.ok ? undefined : verdict.group);
    if (!verdict.ok) {
      stats.violations += 1;
      this.send(res, this.protocol.tooManyRequests(verdict.group, verdict.retryAfterMs, request));
      return;
    }
    const fault = this.faults.draw();
    if (fault === 'reset') {
      stats.injected.resets += 1;
      req.socket.destroy();
      return;
    }
    if (fault === 'error') {
      stats.injected.errors += 1;
      this.send(res, this.protocol.serverError([500, 502, 503][stats.injected.errors % 3] as number));
      return;
    }
    if (fault === 'tooManyRequests') {
      stats.injected.tooManyRequests += 1;
      this.send(res, this.protocol.tooManyRequests(route.groups[0] ?? 'default', this.faults.retryAfterMs(), request));
      return;
    }
    if (this.faults.authFails()) {
      stats.injected.authFailures += 1;
      this.send(res, this.protocol.unauthorized());
      return;
    }
    const denied = this.protocol.authenticate(request);
    if (denied) {
      this.send(res, denied);
      return;
    }
    if (!parsed.ok) {
      this.send(res, this.protocol.badRequest(parsed.message));
      return;
    }
    const answer = await route.handle(request);
    const headers = { ...(this.protocol.limitHeaders?.(route.groups[0] ?? 'default', request) ?? {}), ...(answer.headers ?? {}) };
    this.send(res, { ...answer, headers });
  }

  /** Marks the current answer of a listing page as malformed in the stats. */
  noteMalformed(): void {
    this.statistics.injected.malformed += 1;
  }

  private count(endpoint: string, groups: string[], violation: boolean, violatedGroup?: string): void {
    const stats = this.statistics;
    const now = Date.now();
    const bump = (entry: EndpointStats, violated: boolean) => {
      entry.requests += 1;
      entry.lastAt = now;
      if (violated) entry.violations += 1;
    };
    bump((stats.byEndpoint[endpoint] ??= { requests: 0, violations: 0, firstAt: now, lastAt: now }), violation);
    for (const group of groups) {
      bump((stats.byGroup[group] ??= { requests: 0, violations: 0, firstAt: now, lastAt: now }), violation && group === violatedGroup);
    }
  }

  private match(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1] ?? '');
      });
      return { route, params };
    }
    return undefined;
  }

  private send(res: ServerResponse, answer: SimResponse): void {
    const payload = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    const headers: Record<string, string | number> = { ...(answer.headers ?? {}) };
    if (payload !== '' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    headers['content-length'] = Buffer.byteLength(payload);
    res.writeHead(answer.status, headers);
    res.end(payload);
  }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
