/**
 * One process at a time on an embedded database directory. PGlite takes no lock of its own
 * (0.4; electric-sql/pglite#1106): a second process (`stockline token create` beside a running
 * service) opens the same files, and one of the two loses its writes or corrupts the directory.
 *
 * The lock is a file beside the database, `DATA_DIR/pglite.lock`, naming its holder: pid, the
 * kernel's start time of that process (/proc/<pid>/stat field 22) and boot id, and a random id.
 * A holder counts as alive only if a process with that pid exists now AND started at that time on
 * this boot: after a crash and a container restart, pid 1 (or any reused pid) is alive again but it
 * is another process, so its lock is stale and is taken over. Nothing has to be refreshed while the
 * lock is held (PGlite can block the event loop for seconds, which would expire a heartbeat lock
 * such as proper-lockfile's). Where /proc is missing (macOS) only the pid is checked.
 *
 * A pid means nothing to a process in another pid namespace (a second container on the same
 * volume: `docker compose run --rm app stockline migrate` beside the running one sees the holder's
 * pid as absent, or as some process of its own). So the holder also listens on a Unix socket beside
 * the lock, `DATA_DIR/pglite.lock.sock`: the kernel accepts a connection to it for as long as the
 * holder lives, in whatever namespace, and refuses it once the holder is gone (a socket file left by
 * a crash refuses). A holder counts as alive when either its pid or its socket says so. Not covered:
 * hosts sharing DATA_DIR over a network file system (a socket is local to one kernel), and a
 * DATA_DIR whose socket path is too long for a Unix socket (then the pid alone decides).
 */
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, openSync, readFileSync, closeSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { processRunning } from '../shared/process-running.js';

/** The lock file of the embedded database in `dataDir` (DATA_DIR). */
export const lockFilePath = (dataDir: string) => join(resolve(dataDir), 'pglite.lock');

const holderSchema = z.object({
  id: z.string(),
  pid: z.number().int().positive(),
  /** Clock ticks since boot (/proc/<pid>/stat), or null where there is no /proc. */
  startTime: z.string().nullable(),
  bootId: z.string().nullable(),
  /** ISO time the lock was taken, for messages. */
  since: z.string(),
  command: z.string(),
});
export type LockHolder = z.infer<typeof holderSchema>;

/** The directory is held by a live process; `holder` says which. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      holder
        ? `the embedded database in ${dataDir} is in use by another process (pid ${holder.pid}, started ${holder.since}: ${holder.command}). ` +
            'Only one process may open it at a time.'
        : `the embedded database in ${dataDir} is being locked by another process right now; try again.`,
    );
  }
}

export interface DataDirLock {
  /** Removes the lock file if it is still this holder's. Idempotent. */
  release(): void;
}

export interface LockOptions {
  /** Told when a stale lock (its process gone) is taken over. */
  onTakeover?: (message: string, holder: LockHolder | null) => void;
}

/** Takes the lock of the embedded database in `dataDir`, or throws DataDirLockedError. */
export async function lockDataDir(dataDir: string, options: LockOptions = {}): Promise<DataDirLock> {
  const path = lockFilePath(dataDir);
  mkdirSync(resolve(dataDir), { recursive: true });
  const me: LockHolder = {
    id: randomUUID(),
    pid: process.pid,
    startTime: processStartTime(process.pid),
    bootId: bootId(),
    since: new Date().toISOString(),
    command: process.argv.slice(1).join(' ').slice(0, 200),
  };
  // A few rounds: a holder may release, or another process take over, between our steps.
  for (let round = 0; round < 3; round++) {
    if (createExclusive(path, JSON.stringify(me))) return holdLock(path, me.id);
    const holder = readHolder(path);
    if (holder === 'missing') continue;
    if (holder && (isAlive(holder) || (await socketAnswers(path)))) throw new DataDirLockedError(resolve(dataDir), holder);
    // Stale (or unreadable: no process of ours writes it partially). Takeovers go one at a time,
    // so that two newcomers cannot both remove the stale file and then each other's.
    const outcome = takeOver(path, holder);
    if (outcome === 'busy') throw new DataDirLockedError(resolve(dataDir), null);
    if (outcome === 'removed') {
      options.onTakeover?.(
        holder ? `took over the lock of process ${holder.pid} (started ${holder.since}), which is no longer running` : `took over an unreadable lock file ${path}`,
        holder,
      );
    }
  }
  throw new DataDirLockedError(resolve(dataDir), null);
}

/** Locks this process holds: a normal exit (process.exit included) releases them; a crash leaves them, stale, for the next one. */
const held = new Set<() => void>();

function holdLock(path: string, id: string): DataDirLock {
  if (!process.listeners('exit').includes(releaseAll)) process.on('exit', releaseAll);
  const socket = listenAsHolder(path);
  function release() {
    held.delete(release);
    socket?.close();
    const holder = readHolder(path);
    if (holder && holder !== 'missing' && holder.id === id) unlinkSync(path);
  }
  held.add(release);
  return { release };
}

function releaseAll() {
  for (const release of held) release();
}

/** Writes `content` at `path` only if nothing is there, never leaving a half-written file under that name. */
function createExclusive(path: string, content: string): boolean {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(temporary, content);
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

function readHolder(path: string): LockHolder | null | 'missing' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A takeover mutex held for milliseconds; one left by a process that died in them expires. */
const TAKEOVER_EXPIRES_MS = 10_000;

/** Removes the stale lock `stale` under the takeover mutex: 'removed', 'retry' (it changed meanwhile) or 'busy' (another takeover runs). */
function takeOver(path: string, stale: LockHolder | null): 'removed' | 'retry' | 'busy' {
  const mutex = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(mutex, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = Date.now() - (statSync(mutex, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age <= TAKEOVER_EXPIRES_MS) return 'busy';
    unlinkSync(mutex);
    return 'retry';
  }
  try {
    // Still the lock judged stale, not one a faster newcomer wrote since?
    const current = readHolder(path);
    if (current === 'missing' || (current?.id ?? null) !== (stale?.id ?? null)) return 'retry';
    unlinkSync(path);
    return 'removed';
  } finally {
    closeSync(fd);
    unlinkSync(mutex);
  }
}

/** Where the holder listens; null when the path is too long for a Unix socket (108 bytes on Linux, 104 on macOS). */
function socketPath(lockPath: string): string | null {
  const path = `${lockPath}.sock`;
  return Buffer.byteLength(path) < 100 ? path : null;
}

/**
 * The holder's sign of life for processes that cannot see its pid: a listening Unix socket the
 * kernel closes when the process ends. Bound before listen() returns; it keeps nothing running.
 */
function listenAsHolder(lockPath: string): Server | null {
  const path = socketPath(lockPath);
  if (!path) return null;
  // A file left by a crashed holder (this process holds the lock now, so nothing live is behind it).
  try {
    unlinkSync(path);
  } catch {}
  const server = createServer((connection) => connection.destroy());
  server.on('error', () => {}); // no socket (a file system without them): the pid alone decides
  server.listen(path);
  server.unref();
  return server;
}

/** Whether a process is listening on the lock's socket: alive, whichever pid namespace it is in. */
function socketAnswers(lockPath: string): Promise<boolean> {
  const path = socketPath(lockPath);
  if (!path) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.once('connect', () => done(true));
    // Refused or missing: nobody listens. No answer in time: something holds it, so count it alive.
    socket.once('error', () => done(false));
    socket.setTimeout(2000, () => done(true));
  });
}

function isAlive(holder: LockHolder): boolean {
  const boot = bootId();
  if (boot === null) return processRunning(holder.pid); // no /proc: the pid is all there is to go by
  if (holder.bootId !== boot) return false; // the machine rebooted since (or the lock came from elsewhere)
  const started = processStartTime(holder.pid);
  // No such process, or another one under the same pid (a restarted container's pid 1).
  return started !== null && (holder.startTime === null || started === holder.startTime);
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null without /proc. */
function processStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}
