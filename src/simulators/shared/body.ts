/**
 * Request body parsing the way marketplaces tolerate it: JSON, or form data with or without a
 * `data[...]` bracket wrapper, or a form field holding JSON (eMAG clients send all three).
 */
export type BodyResult = { ok: true; value: unknown; vars: number } | { ok: false; message: string };

export function parseBody(raw: string, contentType: string | undefined): BodyResult {
  if (raw.trim() === '') return { ok: true, value: undefined, vars: 0 };
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) return parseForm(raw);
  try {
    return { ok: true, value: JSON.parse(raw), vars: 0 };
  } catch {
    if (type.includes('json')) return { ok: false, message: 'body is not valid JSON' };
    return parseForm(raw);
  }
}

/** `data[0][id]=1&data[0][stock][0][value]=3` → `{ data: [{ id: '1', stock: [{ value: '3' }] }] }`. */
function parseForm(raw: string): BodyResult {
  const params = new URLSearchParams(raw);
  const root: Record<string, unknown> = {};
  let vars = 0;
  for (const [key, value] of params) {
    vars += 1;
    const path = key.split(/\[|\]\[|\]/).filter((part, i) => part !== '' || i === 0);
    let node: Record<string, unknown> = root;
    path.forEach((part, depth) => {
      if (depth === path.length - 1) {
        node[part] = maybeJson(value);
        return;
      }
      const existing = node[part];
      if (typeof existing !== 'object' || existing === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    });
  }
  return { ok: true, value: arrayify(root), vars };
}

function maybeJson(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

/** Objects whose keys are 0..n-1 become arrays. */
function arrayify(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, arrayify(v)] as const);
  const numeric = entries.length > 0 && entries.every(([k], i) => k === String(i));
  return numeric ? entries.map(([, v]) => v) : Object.fromEntries(entries);
}

/** A number from a JSON number or a numeric form string. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function int(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

export function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
