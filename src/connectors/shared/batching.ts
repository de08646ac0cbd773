/** Helpers for pushes: fixed-size batches and per-item results in input order. */
import type { ErrorKind, PushResult } from '../connector.js';
import { errorKindOf } from './errors.js';

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const ok = (): PushResult => ({ ok: true });

export const failed = (error: string, errorKind: ErrorKind = 'VALIDATION'): PushResult => ({
  ok: false,
  error,
  errorKind,
});

/** The result every item of a batch gets when the whole request failed. */
export function failedFromError(error: unknown): PushResult {
  return failed(error instanceof Error ? error.message : 'unknown error', errorKindOf(error));
}
