/**
 * The suite greps its own logs for every secret it created (issue 12, finding 5).
 *
 * tests/helpers/secret-audit.setup.ts (vitest globalSetup) makes a directory for the run and passes
 * it to the forked workers in STOCKLINE_TEST_AUDIT_DIR. In the workers the shared helpers record
 * each secret they create or send (tokens, credentials, webhook secrets) in secrets/<pid>.jsonl and
 * write each app's log lines to logs/; at teardown `findLeaks` reads both and the run fails on any
 * secret found in a log. Outside such a run (a bench, a single script) every call here does nothing.
 */
import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const AUDIT_DIR_ENV = 'STOCKLINE_TEST_AUDIT_DIR';
/** Shorter values ("p", "1234") would match ordinary log text; real secrets are longer. */
const MIN_LENGTH = 8;

const auditDir = () => process.env[AUDIT_DIR_ENV] || undefined;
const registered = new Set<string>();

export function prepareAuditDir(dir: string): void {
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
}

/** Records values a test created or sent as secrets (strings of fewer than 8 characters are skipped). */
export function registerSecrets(values: Iterable<unknown>): void {
  const dir = auditDir();
  if (!dir) return;
  const fresh = [...values].filter((v): v is string => typeof v === 'string' && v.length >= MIN_LENGTH && !registered.has(v));
  if (fresh.length === 0) return;
  fresh.forEach((v) => registered.add(v));
  appendFileSync(join(dir, 'secrets', `${process.pid}.jsonl`), fresh.map((v) => `${JSON.stringify(v)}\n`).join(''));
}

export interface LogSink {
  write(chunk: string): void;
  close(): void;
}

let sinks = 0;

/** A file of this run's log dir for one app's (or child process's) log lines; null outside an audited run. */
export function openLogSink(label: string): LogSink | null {
  const dir = auditDir();
  if (!dir) return null;
  let fd: number | null = openSync(join(dir, 'logs', `${process.pid}-${++sinks}-${label.replace(/[^\w-]/g, '_')}.log`), 'a');
  return {
    // Synchronous: a worker that exits right after its last test loses nothing.
    write: (chunk) => void (fd !== null && writeSync(fd, chunk)),
    close: () => {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

export interface Leak {
  file: string;
  /** The secret's first characters and length, never the whole value. */
  secret: string;
  /** The log text around it, the secret itself replaced. */
  excerpt: string;
}

/** Characters 4..7 of a string at `at` as one number: a secret is looked for only where its own four match. */
const KEY_AT = 4;
const keyOf = (text: string, at: number) =>
  (((text.charCodeAt(at) & 0xff) << 24) | ((text.charCodeAt(at + 1) & 0xff) << 16) | ((text.charCodeAt(at + 2) & 0xff) << 8) | (text.charCodeAt(at + 3) & 0xff)) >>> 0;

/**
 * Every registered secret found in a log file of the run. One pass per file: thousands of
 * secrets times tens of megabytes of logs would take minutes with one indexOf per secret.
 */
export function findLeaks(dir: string): Leak[] {
  const candidates = new Map<number, string[]>();
  for (const file of readdirSync(join(dir, 'secrets'))) {
    for (const line of readFileSync(join(dir, 'secrets', file), 'utf8').split('\n')) {
      if (!line) continue;
      const secret = JSON.parse(line) as string;
      const key = keyOf(secret, KEY_AT);
      const list = candidates.get(key) ?? [];
      if (!list.includes(secret)) list.push(secret);
      candidates.set(key, list);
    }
  }
  const leaks: Leak[] = [];
  for (const file of readdirSync(join(dir, 'logs'))) {
    const text = readFileSync(join(dir, 'logs', file), 'utf8');
    const found = new Set<string>();
    for (let at = KEY_AT; at + 4 <= text.length; at++) {
      const list = candidates.get(keyOf(text, at));
      if (!list) continue;
      for (const secret of list) if (!found.has(secret) && text.startsWith(secret, at - KEY_AT)) found.add(secret);
    }
    for (const secret of found) {
      const at = text.indexOf(secret);
      const excerpt = text.slice(Math.max(0, at - 200), at + secret.length + 200).replaceAll(secret, '<SECRET>');
      leaks.push({ file, secret: `${secret.slice(0, 4)}… (${secret.length} characters)`, excerpt });
    }
  }
  return leaks;
}
