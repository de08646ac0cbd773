/** zod at the boundary: a response that does not match is a MalformedResponseError of its page. */
import type { z } from 'zod';
import type { Channel } from '../connector.js';
import { MalformedResponseError } from './errors.js';
import type { RawResponse } from './http-client.js';

export interface ParseContext {
  channel: Channel;
  operation: string;
  page?: number | string;
}

export function parseBody<S extends z.ZodType>(schema: S, response: RawResponse, context: ParseContext): z.output<S> {
  let json: unknown;
  try {
    json = response.text === '' ? undefined : JSON.parse(response.text);
  } catch {
    throw new MalformedResponseError('response is not JSON', { ...context, status: response.status });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    // Paths and messages only: values could be anything the server sent.
    const issues = result.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new MalformedResponseError(
      `response does not match the expected shape (${issues[0] ?? 'invalid'})`,
      { ...context, status: response.status },
      issues,
    );
  }
  return result.data;
}

/** Best-effort JSON for error bodies, where a non-JSON answer is not itself an error. */
export function tryJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
