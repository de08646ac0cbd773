/**
 * Text read from an XLSX upload is the text written: a character of two, three or four UTF-8 bytes
 * that straddles the boundary of two decompressed chunks of the sheet must not turn into U+FFFD.
 * exceljs' stream reader decoded each chunk on its own (seen on a clean-clone run of the 1,000-batch
 * round trip: "ёжик" came back as "ё��ик", depending on where the chunks fell).
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { readRows } from '../../src/modules/production/batch-import.parse.js';

const ExcelJS = createRequire(import.meta.url)('exceljs') as typeof import('exceljs');

it('reads back every character of long Cyrillic, Romanian, dash and emoji text, wherever the chunks fall', async () => {
  // Cells long enough to span several 16 KB chunks, each shifted by one more byte of ASCII, so every
  // offset of each multi-byte character meets a chunk boundary somewhere.
  const words = ['ёжик Вода 0,5 л', 'țară șină ăâî', 'a — b', 'Ящик 📦'];
  const texts = Array.from({ length: 12 }, (_, i) => 'x'.repeat(i) + words[i % words.length]!.repeat(1500));
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Batches');
  for (const text of texts) sheet.addRow([text]);
  const file = Buffer.from(await workbook.xlsx.writeBuffer());

  const read: unknown[] = [];
  for await (const row of readRows(Readable.from([file]), 'XLSX', () => {})) read.push(row.cells[0]);
  expect(read.filter((text) => String(text).includes('\uFFFD'))).toEqual([]);
  expect(read).toEqual(texts);
});
