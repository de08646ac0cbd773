import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { formatBytes } from './file.store.js';

/**
 * Stands in for an upload that went over the limit: its bytes were never kept (the parser stopped
 * reading at the limit), so the mutation can still answer with its typed FILE_TOO_LARGE error.
 */
export class OversizedUpload {
  constructor(
    readonly name: string,
    readonly type: string,
    /** The limit it exceeded. */
    readonly maxBytes: number,
  ) {}
}

type FormDataWithLimits = FormData & { get(name: string): FormDataEntryValue | null };
type LimitedRequest = Request & {
  formData(opts?: { formDataLimits: Record<string, number> }): Promise<FormDataWithLimits>;
  /** @whatwg-node/node-fetch keeps the fields parsed so far here; used only to answer an oversized upload. */
  _formData?: FormDataWithLimits | null;
};

/** Keys that lead into an object's prototype: a request may never name them. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const badPath = (reason: string) => createGraphQLError(`Multipart "map" ${reason}`, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

/** Sets `value` at a dotted path of the client's own JSON, walking own properties only. */
function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  if (typeof path !== 'string') throw badPath('paths must be strings');
  const keys = path.split('.');
  if (keys.some((key) => PROTOTYPE_KEYS.has(key))) throw badPath(`names a path through a prototype key: ${path.slice(0, 100)}`);
  let current: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(current, key) ? current[key] : undefined;
    if (next === null || typeof next !== 'object') throw badPath(`names a path that is not in "operations": ${path.slice(0, 100)}`);
    current = next as Record<string, unknown>;
  }
  current[keys.at(-1)!] = value;
}

function readJsonField(form: FormDataWithLimits, name: string, required: boolean): unknown {
  const value = form.get(name);
  if (value == null) {
    if (required) throw createGraphQLError(`Missing multipart form field "${name}"`, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
    return null;
  }
  if (typeof value !== 'string') throw createGraphQLError(`Multipart form field "${name}" must be a string`, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
  try {
    return JSON.parse(value);
  } catch {
    throw createGraphQLError(`Multipart form field "${name}" must be valid JSON`, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
  }
}

/** Puts each mapped part (or its stand-in) where `map` says in `operations` (GraphQL multipart request spec). */
function assemble(form: FormDataWithLimits, fileFor: (part: string) => unknown) {
  const operations = readJsonField(form, 'operations', true) as Record<string, unknown>;
  const map = (readJsonField(form, 'map', false) ?? {}) as Record<string, string[]>;
  for (const [part, paths] of Object.entries(map)) {
    const file = fileFor(part);
    for (const path of Array.isArray(paths) ? paths : []) setPath(operations, path, file);
  }
  return operations as never;
}

/**
 * Multipart uploads (GraphQL multipart request spec) with a size cap: the parser stops reading a
 * file part past `maxBytes`, so an oversized upload never sits in memory. The operation still runs,
 * with an `OversizedUpload` in place of the file, and the mutation refuses it with a typed error.
 * Where the partial parse cannot be recovered the request is refused whole (413, FILE_TOO_LARGE).
 */
export function useUploadLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      if (request.method !== 'POST' || !/^multipart\/form-data/i.test(request.headers.get('content-type') ?? '')) return;
      setRequestParser(async (req) => {
        const limited = req as LimitedRequest;
        let form: FormDataWithLimits;
        try {
          form = await limited.formData({ formDataLimits: { fileSize: maxBytes, files: 10, fieldSize: 1024 * 1024 } });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (!/File size limit exceeded/i.test(message)) {
            throw createGraphQLError(`POST body sent invalid multipart data: ${message}`, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
          }
          const partial = limited._formData;
          if (partial && typeof partial.get('operations') === 'string') {
            // The part that hit the limit is either missing or kept truncated at exactly maxBytes.
            return assemble(partial, (part) => {
              const value = partial.get(part) as File | string | null;
              if (value && typeof value === 'object' && value.size < maxBytes) return value;
              return new OversizedUpload(value && typeof value === 'object' ? value.name : part, value && typeof value === 'object' ? value.type : '', maxBytes);
            });
          }
          throw createGraphQLError(`The upload is larger than the ${formatBytes(maxBytes)} limit; nothing was stored`, {
            extensions: { code: 'FILE_TOO_LARGE', http: { status: 413 } },
          });
        }
        return assemble(form, (part) => form.get(part));
      });
    },
  };
}
