/**
 * exceljs, required on first use (on-first-use.ts), with its XML reader decoding UTF-8 across chunks.
 *
 * exceljs 4.4's lib/utils/parse-sax.js hands saxes each decompressed chunk of a workbook part decoded
 * on its own (one shared TextDecoder, without `stream: true`), so a character of two to four bytes
 * that straddles two chunks became two U+FFFD in every streamed read: Cyrillic, Romanian and emoji text
 * in an uploaded XLSX came back damaged, depending on where zlib's 16 KB chunks fell
 * (tests/production/xlsx-text.test.ts). Before exceljs is required, that module is put in the require
 * cache as the same generator with a decoder of its own per part, streaming across chunks.
 */
import { createRequire, Module } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type * as ExcelJS from 'exceljs';

const require = createRequire(import.meta.url);

type SaxEvent = { eventType: 'opentag' | 'text' | 'closetag'; value: unknown };

/** exceljs' parse-sax contract: an async iterable of chunks in, batches of saxes events out. */
function parseSaxAcrossChunks(SaxesParser: new () => { on(event: string, fn: (value: unknown) => void): void; write(text: string): void }) {
  return async function* parseSax(iterable: AsyncIterable<Buffer | string> & { pipe?: unknown }): AsyncGenerator<SaxEvent[]> {
    const source = typeof iterable.pipe === 'function' && !(Symbol.asyncIterator in iterable) ? (iterable as unknown as NodeJS.ReadableStream).pipe(new PassThrough()) : iterable;
    const parser = new SaxesParser();
    const decoder = new StringDecoder('utf8');
    let error: unknown;
    let events: SaxEvent[] = [];
    parser.on('error', (e) => (error = e));
    for (const eventType of ['opentag', 'text', 'closetag'] as const) parser.on(eventType, (value) => events.push({ eventType, value }));
    for await (const chunk of source as AsyncIterable<Buffer | string>) {
      parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
      if (error) throw error;
      yield events;
      events = [];
    }
    const rest = decoder.end();
    if (rest) {
      parser.write(rest);
      if (error) throw error;
      yield events;
    }
  };
}

let loaded: typeof ExcelJS | undefined;

export function excel(): typeof ExcelJS {
  if (loaded) return loaded;
  const root = dirname(require.resolve('exceljs/package.json'));
  const parseSaxPath = join(root, 'lib', 'utils', 'parse-sax.js');
  // Something (a test writing a fixture) may have loaded exceljs with the original reader: start afresh.
  for (const path of Object.keys(require.cache)) if (path.startsWith(root + sep)) delete require.cache[path];
  const { SaxesParser } = createRequire(parseSaxPath)('saxes') as { SaxesParser: Parameters<typeof parseSaxAcrossChunks>[0] };
  const replacement = new Module(parseSaxPath);
  replacement.filename = parseSaxPath;
  replacement.loaded = true;
  replacement.exports = parseSaxAcrossChunks(SaxesParser);
  require.cache[parseSaxPath] = replacement;
  return (loaded = require('exceljs') as typeof ExcelJS);
}
