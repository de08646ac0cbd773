import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { PROTOTYPE_KEYS } from '../../shared/prototype-keys.js';
import { formatBytes } from './file.store.js';
import { OversizedUpload } from './upload-limit.js';

type FormDataWithLimits = FormData & { get(name: string): FormDataEntryValue | null };
type LimitedRequest = Request & {
  formData(opts?: { formDataLimits: Record<string, number> }): Promise<FormDataWithLimits>;
  /** @whatwg-node/node-fetch keeps the fields parsed so far here; used only to answer an oversized upload. */
  _formData?: FormDataWithLimits | null;
};

const badRequest = (message: string) => createGraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
const badPath = (reason: string) => badRequest(`Multipart "map" ${reason}`);
/** An array index as JSON would write it: no sign, no leading zero, no "length". */
const INDEX = /^(?:0|[1-9]\d{0,8})$/;

/** Whether `key` names an own slot of `container` (an object key, or an index of an array). */
const ownSlot = (container: object, key: string) => (Array.isArray(container) ? INDEX.test(key) : !PROTOTYPE_KEYS.has(key)) && Object.hasOwn(container, key);

/**
 * Sets `value` at a dotted path of the client's own JSON. As the spec expects, the path must end at
 * a value the client sent as null (a file's placeholder): never a key that is not there, an array's
 * length or any other value (the query, say).
 */
function setPath(operations: object, path: unknown, value: unknown) {
  if (typeof path !== 'string') throw badPath('paths must be strings');
  const keys = path.split('.');
  const shown = path.slice(0, 100);
  if (keys.some((key) => PROTOTYPE_KEYS.has(key))) throw badPath(`names a path through a prototype key: ${shown}`);
  let current = operations as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    const next = ownSlot(current, key) ? current[key] : undefined;
    if (next === null || typeof next !== 'object') throw badPath(`names a path that is not in "operations": ${shown}`);
    current = next as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (!ownSlot(current, last) || current[last] !== null) throw badPath(`must name a null placeholder in "operations": ${shown}`);
  current[last] = value;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function readJsonField(form: FormDataWithLimits, name: string, required: boolean): unknown {
  const value = form.get(name);
  if (value == null) {
    if (required) throw badRequest(`Missing multipart form field "${name}"`);
    return null;
  }
  if (typeof value !== 'string') throw badRequest(`Multipart form field "${name}" must be a string`);
  try {
    return JSON.parse(value);
  } catch {
    throw badRequest(`Multipart form field "${name}" must be valid JSON`);
  }
}

/** Puts each mapped part (or its stand-in) where `map` says in `operations` (GraphQL multipart request spec). */
function assemble(form: FormDataWithLimits, fileFor: (part: string) => unknown) {
  const operations = readJsonField(form, 'operations', true);
  if (typeof operations !== 'object' || operations === null) throw badRequest('Multipart "operations" must be an object or an array of them');
  const map = readJsonField(form, 'map', false) ?? {};
  if (!isPlainObject(map)) throw badPath('must be an object of file parts and their paths');
  for (const [part, paths] of Object.entries(map)) {
    if (!Array.isArray(paths)) throw badPath(`must give a list of paths for each file part`);
    const file = fileFor(part);
    for (const path of paths) setPath(operations, path, file);
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
