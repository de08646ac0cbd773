/** Child processes for benches: Stockline as `src/main.ts` runs it, and bench/profile/bare-yoga.ts, each on a free port. */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildServer {
  url: string;
  /** CPU time (user + system) the process has used so far, in ms (Linux /proc). */
  cpuMs(): number;
  stop(): Promise<void>;
}

const TICK_MS = 1000 / 100; // USER_HZ, 100 on Linux

/** utime + stime of a process from /proc/<pid>/stat: unlike wall time, what other processes on a busy machine take is not in it. */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited with ${child.exitCode}`);
    const ok = await fetch(url).then((r) => r.status < 500, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url}: not up after 120 s`);
}

/** Stops a child with SIGINT (Stockline shuts down cleanly and a --cpu-prof profile is written), SIGKILL after 30 s. */
function stopper(child: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', () => (clearTimeout(force), resolve()));
      child.kill('SIGINT');
    });
}

/** Starts a TypeScript entry of this repo under tsx with `nodeArgs` (e.g. --cpu-prof) and `env`, and waits for `healthPath`. */
export async function startChild(entry: string, env: Record<string, string>, nodeArgs: string[], healthPath: string): Promise<ChildServer> {
  const port = await freePort();
  const child = fork(entry, [], {
    cwd: root,
    execArgv: ['--import', 'tsx', ...nodeArgs],
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = stopper(child);
  try {
    await waitForHealth(`${base}${healthPath}`, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `${base}/graphql`, cpuMs: () => cpuMsOf(child.pid!), stop };
}
