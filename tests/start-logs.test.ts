/**
 * What a newcomer sees in the terminal of `npm start`: human-readable log lines on a terminal
 * (JSON when the output is piped, for log collectors; LOG_FORMAT overrides either way), and the
 * development ADMIN token printed after the start-up lines, not scrolled away among them.
 *
 * The terminal is a real pseudo-terminal: util-linux `script` runs the service on one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { copyPgliteTemplate } from './helpers/template-database.js';
import { registerSecrets } from './helpers/secret-audit.js';

const ROOT = join(import.meta.dirname, '..');
const dirs: string[] = [];
const running = new Set<ChildProcess>();

/** A copy of the run's migrated template (quicker), or with `fresh` an empty directory: a first start. */
async function dataDir(fresh = false): Promise<string> {
  const dir = (!fresh && (await copyPgliteTemplate('start-logs'))) || (await mkdtemp(join(tmpdir(), 'stockline-start-logs-')));
  dirs.push(dir);
  return dir;
}

/** The service with nothing configured but a free port and its own embedded database (sandbox and scheduler on, as `npm start`). */
async function start(options: { tty: boolean; fresh?: boolean; env?: Record<string, string> }) {
  const env = { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', PORT: '0', HOST: '127.0.0.1', DATA_DIR: await dataDir(options.fresh), ...options.env };
  const command = [process.execPath, '--import', 'tsx', 'src/main.ts'];
  // `script -q -e -c CMD /dev/null`: CMD on a pseudo-terminal, its output copied to our pipe.
  const proc = options.tty
    ? spawn('script', ['-q', '-e', '-c', command.join(' '), '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true })
    : spawn(command[0]!, command.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(proc);
  let out = '';
  proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const waitFor = (pattern: RegExp, ms = 120_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = out.match(pattern);
        if (m) {
          clearInterval(timer);
          clearTimeout(limit);
          resolve(m);
        }
      }, 50);
      const limit = setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`));
      }, ms);
    });
  return { proc, output: () => out, waitFor };
}

const TOKEN_BLOCK = /Development ADMIN token[^\n]*\r?\n\s*\r?\n\s*(stk_[A-Za-z0-9_-]+)/;

afterEach(() => {
  // The whole group: with `script`, the service is its child.
  for (const proc of running) {
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {}
  }
  running.clear();
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('start-up output', () => {
  it('on a terminal: human-readable lines, no JSON, and the token printed after "Stockline is listening"', { timeout: 180_000 }, async () => {
    const service = await start({ tty: true });
    const [, token] = await service.waitFor(TOKEN_BLOCK);
    registerSecrets([token]);
    const out = service.output();
    expect(out).not.toMatch(/^\{"level":/m);
    expect(out).toMatch(/INFO.*Stockline is listening/);
    expect(out).toMatch(/INFO.*scheduler started/);
    expect(out.indexOf('Stockline is listening')).toBeLessThan(out.indexOf('Development ADMIN token'));
    expect(out.indexOf('scheduler started')).toBeLessThan(out.indexOf('Development ADMIN token'));
  });

  it('piped, on a first start: JSON lines, every start-up line before the token', { timeout: 180_000 }, async () => {
    const service = await start({ tty: false, fresh: true });
    const [, token] = await service.waitFor(TOKEN_BLOCK);
    registerSecrets([token]);
    const out = service.output();
    const before = out.slice(0, out.indexOf('Development ADMIN token'));
    const messages = before
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line).msg as string);
    // A new embedded database starts from a migrated template (src/db/pglite-template.ts): nothing to apply.
    expect(messages).toContain('database migrations up to date');
    expect(messages).toContain('scheduler started');
    expect(messages).toContain('Stockline is listening');
  });

  it('LOG_FORMAT overrides the detection both ways', { timeout: 180_000 }, async () => {
    const json = await start({ tty: true, env: { LOG_FORMAT: 'json' } });
    registerSecrets([(await json.waitFor(TOKEN_BLOCK))[1]]);
    expect(json.output()).toMatch(/^\{"level":30,.*"msg":"Stockline is listening"/m);

    const pretty = await start({ tty: false, env: { LOG_FORMAT: 'pretty' } });
    registerSecrets([(await pretty.waitFor(TOKEN_BLOCK))[1]]);
    expect(pretty.output()).toMatch(/INFO.*Stockline is listening/);
    expect(pretty.output()).not.toMatch(/^\{"level":/m);
  });
});
