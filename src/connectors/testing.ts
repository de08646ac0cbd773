/**
 * Helpers for tests that drive connectors (also meant for the sync-engine tests): collect a
 * paged listing, capture a connector's log lines, and quick retries for fault tests.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { ConnectorContext, Page } from './connector.js';

/** Retries fast enough for fault-injection tests; still exponential with jitter. */
export const QUICK_RETRIES: ConnectorContext = { retries: 6, retryBaseDelayMs: 20, retryMaxDelayMs: 2_000, timeoutMs: 5_000 };

export async function collectPages<T>(pages: AsyncIterable<Page<T>>): Promise<{ items: T[]; pages: Page<T>[] }> {
  const all: Page<T>[] = [];
  for await (const page of pages) all.push(page);
  return { items: all.flatMap((p) => p.items), pages: all };
}

/** A debug-level pino logger that keeps its JSON lines in memory. */
export function captureLogger(): { lines: string[]; logger: pino.Logger } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}
