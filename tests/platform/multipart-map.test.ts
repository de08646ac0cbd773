import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** An anonymous GraphQL multipart request: `operations` and `map` as given (raw JSON), one file part "a". */
async function multipart(operations: string, map: Record<string, unknown>) {
  const form = new FormData();
  form.set('operations', operations);
  form.set('map', JSON.stringify(map));
  form.set('a', new Blob(['1']), 'a.txt');
  const res = await fetch(`${t.url}/graphql`, { method: 'POST', body: form });
  return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
}

const operations = JSON.stringify({ query: '{ __typename }', variables: { file: null, files: [null, null], text: 'abc', nested: { file: null } } });

describe('multipart map (GraphQL multipart request spec)', () => {
  it.each(['variables.file', 'variables.files.1', 'variables.nested.file'])('puts a file where %s is null', async (path) => {
    const { status, body } = await multipart(operations, { a: [path] });
    expect(body).toEqual({ data: { __typename: 'Query' } });
    expect(status).toBe(200);
  });

  it.each([
    ['the length of an array', operations, 'variables.files.length'],
    ['a non-index key of an array', operations, 'variables.files.x'],
    ['an index past the end of an array', operations, 'variables.files.2'],
    ['a non-canonical index', operations, 'variables.files.01'],
    ['the query', operations, 'query'],
    ['a value that is not null', operations, 'variables.text'],
    ['a key that is not there', operations, 'variables.missing'],
    ['a path through a string', operations, 'variables.text.length'],
    ['operations that are null', 'null', 'query'],
    ['operations that are a number', '123', 'x'],
    ['operations that are a string', '"abc"', '0'],
  ])('refuses a path to %s with 400 BAD_REQUEST', async (_what, ops, path) => {
    const { status, body } = await multipart(ops, { a: [path] });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(status).toBe(400);
  });

  it.each([
    ['a map that is an array', ['variables.file']],
    ['paths that are not a list', { a: 'variables.file' }],
    ['a path that is not a string', { a: [1] }],
  ])('refuses %s with 400 BAD_REQUEST', async (_what, map) => {
    const { status, body } = await multipart(operations, map as Record<string, unknown>);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(status).toBe(400);
  });
});
