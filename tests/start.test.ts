import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backend, createScratchDatabase } from './helpers/app.js';

// The newcomer's path: `npm start` with nothing configured (PGlite in an empty DATA_DIR), or with
// DATABASE_URL on the PostgreSQL run, then GraphQL over HTTP with the printed token, then SIGTERM.
const dataDir = mkdtempSync(join(tmpdir(), 'stockline-start-'));
let child: ChildProcess | undefined;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | null = null;
afterAll(async () => {
  child?.kill('SIGKILL');
  await scratch?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function waitFor(proc: ChildProcess, pattern: RegExp, ms: number) {
  return new Promise<RegExpMatchArray>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`)), ms);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
  });
}

describe('npm start', () => {
  it('starts with no configuration, applies migrations, prints an admin token, serves GraphQL, and stops on SIGTERM', { timeout: 240_000 }, async () => {
    scratch = backend === 'postgres' ? await createScratchDatabase() : null;
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env: Record<string, string> = { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir };
    // With DATABASE_URL the sandbox is off by default (instances sharing a database would fight over it); one process may ask for it.
    if (scratch) Object.assign(env, { DATABASE_URL: scratch.url, SANDBOX: 'true' });
    child = spawn('npm', ['start', '--silent'], { cwd: join(import.meta.dirname, '..'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child!.on('exit', (code, signal) => resolve({ code, signal })));
    const shuttingDown = waitFor(child, /shutting down/, 180_000);
    const [, token] = await waitFor(child, /ADMIN token[^\n]*\n\s*\n\s*(stk_[A-Za-z0-9_-]+)/, 90_000);

    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: expect.stringMatching(/^(OK|DEGRADED)$/), database: 'up' });
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { createWorkCenter(input: { identifier: "S1", name: "Start" }) { workCenter { identifier } } } ' }),
    });
    expect(await res.json()).toEqual({ data: { createWorkCenter: { workCenter: { identifier: 'S1' } } } });
    const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('<title>Stockline</title>');
    if (!scratch) expect(existsSync(join(dataDir, 'pglite'))).toBe(true);

    // The sandbox's first syncs (queued by the scheduler at start) land: a newcomer sees real data at
    // at once. The stop comes while the others may still run: they are handed back, and it exits cleanly.
    const statuses = async () => {
      const r = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ syncRuns(first: 20) { edges { node { status } } } }' }),
      });
      return ((await r.json()) as any).data.syncRuns.edges.map((e: any) => e.node.status as string) as string[];
    };
    const until = Date.now() + 90_000;
    while (!(await statuses()).includes('SUCCESS')) {
      if (Date.now() > until) throw new Error('no sandbox account synced within 90 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await statuses()).toHaveLength(5);

    // npm forwards the signal to the service (node itself, no tsx CLI in between), which drains and exits.
    child.kill('SIGTERM');
    await shuttingDown;
    const { code, signal } = await exited;
    expect(code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}`).toBe(true);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
