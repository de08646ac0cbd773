/**
 * The real service as a child process (`node --import tsx src/main.ts`), for tests about what
 * happens when a process dies: spawn it with an environment, wait for "Stockline is listening",
 * talk GraphQL to it, and kill it (SIGKILL: no cleanup at all; SIGTERM: graceful stop).
 *
 * Node runs main.ts itself (no npm or tsx wrapper process), so a signal reaches the service and
 * not a parent that would leave it orphaned. Every child started here is remembered;
 * `killAllChildren()` in afterAll ends whatever is still alive, even when a test failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { GqlResult } from './app.js';
import { registerGraphQLSecrets } from './graphql-secrets.js';
import { openLogSink, registerSecrets } from './secret-audit.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildService {
  proc: ChildProcess;
  pid: number;
  /** http://127.0.0.1:port, from the "Stockline is listening" log line. */
  url: string;
  /** Everything the child wrote to stdout and stderr so far. */
  output(): string;
  /** The JSON log lines written so far, parsed (other lines skipped). */
  logs(): Array<Record<string, any>>;
  /** Resolves when the child has exited. */
  exited: Promise<ChildExit>;
  /** Resolves once the output matches `pattern` (already written output counts). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  /** Sends the signal and waits for the exit. */
  kill(signal: NodeJS.Signals, timeoutMs?: number): Promise<ChildExit>;
}

export interface ChildServiceOptions {
  /** Variables given to the child on top of PATH and HOME (nothing else leaks in from the test's env). */
  env: Record<string, string>;
  /** Bearer token for `gql`. */
  token?: string;
  /** How long to wait for "Stockline is listening"; default 120 s. */
  startTimeoutMs?: number;
}

const children = new Set<ChildProcess>();

/**
 * The environment of a test's service process: any free port on loopback, JSON logs, no sandbox
 * simulators, no scheduler, a rate limit no test reaches. Callers add the database, the tokens
 * and keys they share between processes, and their own settings.
 */
export function serviceEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    SANDBOX: 'false',
    LOG_LEVEL: 'info',
    API_RATE_LIMIT_PER_MINUTE: '100000',
    API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000',
    HTTP_QUEUE_TIMEOUT_MS: '60000',
    SCHEDULER_ENABLED: 'false',
    ...overrides,
  };
}

/** Spawns the service and waits until it listens. */
export async function startChildService(options: ChildServiceOptions): Promise<ChildService> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env };
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  // Its output is its log: the run's audit greps it for the secrets tests created (secret-audit.ts).
  registerSecrets([options.token, options.env.ADMIN_TOKEN, options.env.CREDENTIALS_KEY]);
  const sink = openLogSink(`child-${proc.pid}`);
  proc.once('close', () => sink?.close()); // after 'exit', once the pipes are drained
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    sink?.write(chunk.toString());
    for (const listener of listeners) listener();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  let exitInfo: ChildExit | null = null;
  const exited = new Promise<ChildExit>((resolve) => {
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      exitInfo = { code, signal };
      resolve(exitInfo);
      for (const listener of listeners) listener();
    });
  });

  const waitForOutput = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = out.match(pattern);
        if (m) {
          done();
          resolve(m);
        } else if (exitInfo) {
          done();
          reject(new Error(`child ${proc.pid} exited (${exitInfo.code ?? exitInfo.signal}) before printing ${pattern}; output:\n${tail(out)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} from child ${proc.pid}; output:\n${tail(out)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  let url: string;
  try {
    const [, listening] = await waitForOutput(/"url":"(http:\/\/[^"]+)\/graphql"[^\n]*"msg":"Stockline is listening"/, options.startTimeoutMs ?? 120_000);
    url = listening!;
  } catch (error) {
    proc.kill('SIGKILL');
    throw error;
  }

  return {
    proc,
    pid: proc.pid!,
    url,
    output: () => out,
    logs: () =>
      out.split('\n').flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          return [JSON.parse(line) as Record<string, any>];
        } catch {
          return [];
        }
      }),
    exited,
    waitForOutput,
    async gql(query, variables) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as object;
      registerGraphQLSecrets(query, variables, body);
      return { status: res.status, ...body } as GqlResult;
    },
    async kill(signal, timeoutMs = 60_000) {
      if (exitInfo) return exitInfo;
      proc.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`child ${proc.pid} did not exit within ${timeoutMs} ms of ${signal}; output:\n${tail(out)}`)), timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** SIGKILLs every child still alive and waits for them to go (afterAll, also after failures). */
export async function killAllChildren(): Promise<void> {
  const alive = [...children];
  await Promise.all(
    alive.map(
      (proc) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          proc.once('exit', () => resolve());
          proc.kill('SIGKILL');
        }),
    ),
  );
  children.clear();
}

function tail(text: string, max = 6000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}
