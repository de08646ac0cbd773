import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

// Issue 17 item 1: a document the service has seen is neither parsed nor validated again. HTTP and
// WebSocket operations both go through Yoga's envelop (websocket.ts asks it for parse and
// validate), so the same parse and validate are checked here: a cache hit hands back the very
// object the first call made, where parsing or validating again makes a new one.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const QUERY = 'query Cached($first: Int) { workCenters(first: $first) { totalCount edges { node { identifier } } } }';

describe('parse and validate caches', () => {
  it('parses and validates a document once, for every request that sends it', () => {
    const first = t.app.yoga.getEnveloped({} as never);
    const again = t.app.yoga.getEnveloped({} as never);
    const document = first.parse(QUERY);
    expect(again.parse(QUERY)).toBe(document);
    const errors = first.validate(first.schema, document);
    expect(errors).toEqual([]);
    expect(again.validate(again.schema, document)).toBe(errors);
  });

  it('keeps a refusal too: an invalid document is answered from the cache with the same errors', () => {
    const { parse, validate, schema } = t.app.yoga.getEnveloped({} as never);
    const document = parse('{ workCenters(first: 1) { nope } }');
    const errors = validate(schema, document);
    expect(errors.map((e: { message: string }) => e.message)).toEqual([expect.stringContaining('"nope"')]);
    expect(validate(schema, document)).toBe(errors);
  });
});
