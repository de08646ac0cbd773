/** Ozon envelope helpers: rpcStatus errors, page limits and opaque last_id/cursor tokens. */
import { int } from '../shared/body.js';
import type { SimResponse } from '../shared/server.js';

export const rpc = (status: number, code: number, message: string): SimResponse => ({ status, body: { code, message, details: [] } });

export const badRequest = (message: string): SimResponse => rpc(400, 3, message);

/** `limit` of a listing request when it is within 1..1000. */
export function limitOf(body: Record<string, unknown>): number | undefined {
  const limit = int(body.limit);
  return limit !== undefined && limit >= 1 && limit <= 1000 ? limit : undefined;
}

export function encodeLastId(index: number): string {
  return Buffer.from(`ozon:${index}`).toString('base64');
}

/** -1 for the first page, the last index returned before, or undefined for a token we never issued. */
export function decodeLastId(value: unknown): number | undefined {
  if (value === undefined || value === '') return -1;
  if (typeof value !== 'string') return undefined;
  const match = /^ozon:(\d+)$/.exec(Buffer.from(value, 'base64').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** Ids of a request list: strings per the spec, numbers tolerated; undefined when absent or empty. */
export function idList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value.map(String) : undefined;
}
