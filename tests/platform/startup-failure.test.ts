import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '../helpers/child-service.js';
import { closedPort } from '../helpers/ports.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs the service to its end (it must not start) and returns its exit code and output. */
function runUntilExit(env: Record<string, string>, timeoutMs = 60_000) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the service neither started nor exited within ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    proc.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// A port that is certainly closed: bound by this test, then released.
let port: number;
beforeAll(async () => {
  port = await closedPort();
});

describe('a service that cannot start', () => {
  it('exits 1 with the reason when the database is unreachable', async () => {
    const { code, output } = await runUntilExit(serviceEnv({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/stockline` }));
    expect(code).toBe(1);
    expect(output).toMatch(/failed to start[^\n]*Can't reach database server/);
  }, 90_000);
});
