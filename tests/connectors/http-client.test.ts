/**
 * The shared transport on its own, against a scripted local server: which answers are retried,
 * Retry-After and X-Ratelimit-Retry, timeouts, typed errors, and redaction of echoed secrets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, MalformedResponseError, RemoteError, TimeoutError } from '../../src/connectors/index.js';
import { backoffDelay, retryAfterFromHeaders } from '../../src/connectors/shared/backoff.js';
import { decodeCursor, encodeCursor } from '../../src/connectors/shared/cursor.js';
import { fromUnits, mulUnits, toDecimal, toUnits } from '../../src/connectors/shared/decimal.js';
import { HttpClient } from '../../src/connectors/shared/http-client.js';
import { parseBody } from '../../src/connectors/shared/parse.js';
import { RequestBudget } from '../../src/connectors/shared/rate-limit.js';
import { Redactor } from '../../src/connectors/shared/redact.js';
import { captureLogger } from '../../src/connectors/testing.js';
import { z } from 'zod';

const SECRET = 'super-secret-token-123';

type Script = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

describe('HttpClient', () => {
  let server: Server;
  let base: string;
  const scripts = new Map<string, { script: Script; attempts: number[] }>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const entry = scripts.get(req.url ?? '');
      if (!entry) {
        res.writeHead(404).end();
        return;
      }
      entry.attempts.push(Date.now());
      entry.script(req, res, entry.attempts.length);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function route(path: string, script: Script): number[] {
    const attempts: number[] = [];
    scripts.set(path, { script, attempts });
    return attempts;
  }

  function client(logger = captureLogger().logger, timeoutMs = 2_000): HttpClient {
    return new HttpClient({
      channel: 'STOREFRONT',
      budgets: { default: new RequestBudget({ key: `http-${Math.random()}`, rule: { limit: 1000, periodMs: 1000 } }) },
      redactor: new Redactor([SECRET]),
      logger,
      headers: () => ({ authorization: `Bearer ${SECRET}` }),
      retries: 3,
      baseDelayMs: 10,
      maxDelayMs: 1_000,
      timeoutMs,
    });
  }

  const get = (http: HttpClient, path: string) => http.request({ method: 'GET', url: `${base}${path}`, budgets: ['default'], operation: `GET ${path}` });

  it('retries 5xx and then succeeds', async () => {
    const attempts = route('/flaky', (_req, res, n) => {
      if (n < 3) res.writeHead(503).end('{"error":"busy"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const response = await get(client(), '/flaky');
    expect(response.status).toBe(200);
    expect(attempts).toHaveLength(3);
  });

  it('honours Retry-After and X-Ratelimit-Retry on 429', async () => {
    const attempts = route('/slow-down', (_req, res, n) => {
      if (n === 1) res.writeHead(429, { 'retry-after': '0.3' }).end();
      else if (n === 2) res.writeHead(429, { 'x-ratelimit-retry': '0.2' }).end();
      else res.writeHead(200).end('{}');
    });
    await get(client(), '/slow-down');
    expect(attempts).toHaveLength(3);
    expect((attempts[1] as number) - (attempts[0] as number)).toBeGreaterThanOrEqual(290);
    expect((attempts[2] as number) - (attempts[1] as number)).toBeGreaterThanOrEqual(190);
  });

  it('never retries auth or validation failures', async () => {
    const auth = route('/auth', (_req, res) => res.writeHead(401).end('{"error":"no"}'));
    await expect(get(client(), '/auth')).rejects.toBeInstanceOf(AuthError);
    expect(auth).toHaveLength(1);
    const invalid = route('/invalid', (_req, res) => res.writeHead(422).end('{"error":"bad"}'));
    await expect(get(client(), '/invalid')).rejects.toSatisfy((e: unknown) => e instanceof RemoteError && !e.retryable);
    expect(invalid).toHaveLength(1);
  });

  it('times out a call whose answer does not come, and retries it', async () => {
    // The retry's answer comes at once, but must fit in the timeout on a loaded machine too: 1 s.
    const attempts = route('/hang', (_req, res, n) => {
      if (n === 1) setTimeout(() => res.writeHead(200).end('{}'), 5_000);
      else res.writeHead(200).end('{}');
    });
    const response = await get(client(undefined, 1_000), '/hang');
    expect(response.status).toBe(200);
    expect(attempts).toHaveLength(2);
    route('/hang-always', (_req, res) => void setTimeout(() => res.writeHead(200).end('{}'), 1_000));
    await expect(get(client(undefined, 100), '/hang-always')).rejects.toBeInstanceOf(TimeoutError);
  });

  it('retries connection resets', async () => {
    const attempts = route('/reset', (req, res, n) => {
      if (n === 1) req.socket.destroy();
      else res.writeHead(200).end('{}');
    });
    expect((await get(client(), '/reset')).status).toBe(200);
    expect(attempts).toHaveLength(2);
  });

  it('scrubs a secret the server echoes back from errors and logs', async () => {
    route('/echo', (req, res) => res.writeHead(400).end(JSON.stringify({ error: `bad header ${req.headers.authorization}` })));
    const { lines, logger } = captureLogger();
    const error = await get(client(logger), '/echo').then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.message).toContain('[REDACTED]');
    expect(error.message).not.toContain(SECRET);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});

describe('parseBody', () => {
  const response = (text: string) => ({ status: 200, headers: new Headers(), text });
  it('turns a shape mismatch or non-JSON into MalformedResponseError with the page', () => {
    const schema = z.object({ items: z.array(z.object({ id: z.number() })) });
    expect(() => parseBody(schema, response('{"items":[{"id":"x"}]}'), { channel: 'OZON', operation: 'POST /x', page: 3 })).toThrow(
      MalformedResponseError,
    );
    try {
      parseBody(schema, response('<html>'), { channel: 'OZON', operation: 'POST /x', page: 4 });
    } catch (error) {
      expect((error as MalformedResponseError).page).toBe(4);
    }
    expect(parseBody(schema, response('{"items":[]}'), { channel: 'OZON', operation: 'POST /x' })).toEqual({ items: [] });
  });
});

describe('helpers', () => {
  it('decimal arithmetic is exact', () => {
    expect(toDecimal('42.0100')).toBe('42.01');
    expect(toDecimal(499.9)).toBe('499.90');
    expect(toDecimal('0.005')).toBe('0.01');
    expect(toDecimal('-8.4034', 4)).toBe('-8.4034');
    expect(fromUnits(mulUnits(toUnits('0.1'), toUnits('3')))).toBe('0.30');
    expect(fromUnits(toUnits('0.1') + toUnits('0.2'))).toBe('0.30');
  });

  it('backoff is full jitter under an exponential ceiling, with Retry-After as a floor', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(0, options, undefined, () => 0.999)).toBeLessThan(100);
    expect(backoffDelay(3, options, undefined, () => 0.999)).toBeLessThan(800);
    expect(backoffDelay(10, options, undefined, () => 0.999)).toBeLessThan(1_000);
    expect(backoffDelay(0, options, 2_000, () => 0.5)).toBeGreaterThanOrEqual(2_000);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(retryAfterFromHeaders(new Headers({ 'x-ratelimit-retry': '1.5' }))).toBe(1_500);
    const at = Date.now() + 3_000;
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': new Date(at).toUTCString() }), at - 3_000)).toBeGreaterThan(1_000);
  });

  it('cursors round-trip and reject garbage', () => {
    const isPage = (p: unknown): p is { page: number } => typeof (p as { page?: unknown }).page === 'number';
    expect(decodeCursor(encodeCursor({ p: { page: 3 }, i: 2 }), isPage)).toEqual({ p: { page: 3 }, i: 2 });
    expect(() => decodeCursor('not-a-cursor', isPage)).toThrow('invalid cursor');
  });
});
