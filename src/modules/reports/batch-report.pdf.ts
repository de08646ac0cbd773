/**
 * The batch report as PDF (pdfkit): the batch with every field, its work center, unit totals, then
 * every unit in a table over as many A4 pages as needed. Pages are written out as they fill
 * (pdfkit keeps no finished page), units are pulled a page at a time, and the writer waits for the
 * reader: a batch of 100,000 units is never held in memory, nor is its PDF.
 *
 * Text uses DejaVu Sans when the system has it (any script: Cyrillic nomenclature, …), else the
 * built-in Helvetica, where characters outside Latin-1 are shown as "?". The units table uses
 * Helvetica either way (laying out an embedded font costs ~5x more per row); a unit code outside
 * Latin-1 is the exception and gets the Unicode font. 100,000 units render in about 10 s.
 */
import { existsSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import type PDFDocumentClass from 'pdfkit';
import { onFirstUse } from '../../shared/on-first-use.js';
import { aggregationShare, isoDay, isoTime, waitForReader, type BatchReportData } from './batch-report.data.js';

/** pdfkit, loaded on the first PDF report rather than at start. */
const pdfkit = onFirstUse<typeof PDFDocumentClass>('pdfkit');

export const PDF_CONTENT_TYPE = 'application/pdf';

const FONT_CANDIDATES = {
  regular: ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/dejavu/DejaVuSans.ttf', '/usr/share/fonts/TTF/DejaVuSans.ttf'],
  bold: ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf', '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf'],
};

export interface PdfFonts {
  /** Path of a TrueType font for body text. */
  regular: string;
  bold: string;
}

export interface RenderPdfOptions {
  /** TrueType fonts to use; default DejaVu Sans if installed, else Helvetica (Latin-1 only). */
  fonts?: PdfFonts | null;
}

let systemFonts: PdfFonts | null | undefined;
function defaultFonts(): PdfFonts | null {
  if (systemFonts === undefined) {
    const regular = FONT_CANDIDATES.regular.find((p) => existsSync(p));
    const bold = FONT_CANDIDATES.bold.find((p) => existsSync(p));
    systemFonts = regular ? { regular, bold: bold ?? regular } : null;
  }
  return systemFonts;
}

// Layout (points, A4 = 595.28 x 841.89).
const MARGIN = 40;
const PAGE_BOTTOM = 841.89 - MARGIN - 4;
const COLUMNS = [
  { title: '#', width: 50 },
  { title: 'Unit code', width: 215 },
  { title: 'Aggregated', width: 60 },
  { title: 'Aggregated at', width: 95 },
  { title: 'Added at', width: 95 },
] as const;
const TABLE_FONT_SIZE = 8;
const FONT = { body: 'body', bold: 'bold' };
const TABLE_FONT = { body: 'Helvetica', bold: 'Helvetica-Bold' };
const LATIN1 = /^[\u0000-\u00ff]*$/u;
type Fonts = { body: string; bold: string };
const ROW_PADDING = 3;

/**
 * Renders the report as a PDF stream. Errors while reading units destroy the stream with that
 * error; destroying the stream stops the reading.
 */
export function renderBatchReportPdf(data: BatchReportData, options: RenderPdfOptions = {}): Readable {
  const fonts = options.fonts === undefined ? defaultFonts() : options.fonts;
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  const PDFDocument = pdfkit();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: false,
    // pdfkit caches the layout of every distinct word for good: with 100,000 unit codes that is the memory we must not hold.
    fontLayoutCache: false,
    info: {
      Title: `Batch ${data.batch.batchNumber} report`,
      Subject: `Batch ${data.batch.batchNumber} of ${isoDay(data.batch.batchDate)}, work center ${data.workCenter.identifier}`,
      Producer: 'Stockline',
      Creator: 'Stockline',
      CreationDate: data.generatedAt,
    },
  });
  // The standard fonts go by their own names: pdfkit re-parses a standard font on every switch to an alias of it.
  if (fonts) {
    doc.registerFont(FONT.body, fonts.regular);
    doc.registerFont(FONT.bold, fonts.bold);
  }
  const f: Fonts = fonts ? FONT : TABLE_FONT;
  // Without an embedded Unicode font, the standard fonts only encode Latin-1 (WinAnsi).
  const text = fonts ? (s: string) => s : (s: string) => s.replace(/[^\u0000-\u00ff]/gu, '?');
  doc.on('data', (chunk: Buffer) => {
    if (!out.destroyed) out.write(chunk);
  });
  doc.on('end', () => out.end());

  void (async () => {
    writeHeader(doc, f, data, text);
    let index = 0;
    let pageNo = 1;
    let y = startUnitsTable(doc, f, doc.y + 10, data, pageNo, text, false);
    doc.font(TABLE_FONT.body).fontSize(TABLE_FONT_SIZE);
    const lineHeight = doc.currentLineHeight(true);
    for await (const page of data.units) {
      for (const unit of page) {
        index++;
        // Table cells use the standard Helvetica (several times faster than laying out an embedded
        // font, which matters at 100,000 rows); a code outside Latin-1 gets the Unicode font.
        const codeFont = fonts && !LATIN1.test(unit.code) ? f.body : TABLE_FONT.body;
        const cells = [String(index), text(unit.code), unit.aggregated ? 'Yes' : 'No', isoTime(unit.aggregatedAt), isoTime(unit.createdAt)];
        // Only the code may wrap (the other cells are short and fixed); measure it alone, and only when long.
        doc.font(codeFont).fontSize(TABLE_FONT_SIZE);
        const codeWidth = COLUMNS[1].width - 4;
        const codeHeight = codeFont === TABLE_FONT.body && doc.widthOfString(cells[1]!) <= codeWidth ? lineHeight : doc.heightOfString(cells[1]!, { width: codeWidth });
        const height = codeHeight + ROW_PADDING * 2;
        if (y + height > PAGE_BOTTOM) {
          doc.addPage();
          pageNo++;
          y = startUnitsTable(doc, f, MARGIN, data, pageNo, text, true);
        }
        drawRow(doc, y, cells, TABLE_FONT.body, codeFont);
        y += height;
      }
      if (!(await waitForReader(out))) return; // the reader went away: stop reading units
    }
    if (index === 0) {
      doc.font(f.body).fontSize(10).text('This batch has no units.', MARGIN, y + 6);
    }
    doc.end();
  })().catch((error: unknown) => {
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return out;
}

type Text = (s: string) => string;

function writeHeader(doc: PDFKit.PDFDocument, f: Fonts, data: BatchReportData, text: Text) {
  const { batch, workCenter, totals } = data;
  doc.font(f.bold).fontSize(18).text(text(`Batch report: batch ${batch.batchNumber}`));
  doc.font(f.body).fontSize(9).fillColor('#555').text(`Generated ${isoTime(data.generatedAt)} by Stockline`).fillColor('black');
  doc.moveDown(0.8);

  section(doc, f, 'Batch');
  keyValues(doc, f, text, [
    ['Batch number', String(batch.batchNumber)],
    ['Batch date', isoDay(batch.batchDate)],
    ['Task', batch.taskDescription],
    ['Nomenclature', batch.nomenclature],
    ['EKN code', batch.eknCode],
    ['Shift', batch.shift],
    ['Team', batch.team],
    ['Shift start', isoTime(batch.shiftStart)],
    ['Shift end', isoTime(batch.shiftEnd)],
    ['Status', batch.closed ? 'Closed' : 'Open'],
    ['Closed at', isoTime(batch.closedAt) || '-'],
    ['Created at', isoTime(batch.createdAt)],
    ['Updated at', isoTime(batch.updatedAt)],
    ['Batch id', batch.id],
  ]);

  section(doc, f, 'Work center');
  keyValues(doc, f, text, [
    ['Identifier', workCenter.identifier],
    ['Name', workCenter.name],
    ['Work center id', workCenter.id],
  ]);

  section(doc, f, 'Units');
  const share = aggregationShare(totals);
  keyValues(doc, f, text, [
    ['Units', String(totals.units)],
    ['Aggregated', String(totals.aggregated)],
    ['Not aggregated', String(totals.notAggregated)],
    ['Aggregation rate', share === null ? '-' : `${(share * 100).toFixed(1)} %`],
  ]);
}

function section(doc: PDFKit.PDFDocument, f: Fonts, title: string) {
  doc.moveDown(0.4);
  doc.font(f.bold).fontSize(12).text(title, MARGIN);
  const y = doc.y + 1;
  doc.moveTo(MARGIN, y).lineTo(595.28 - MARGIN, y).lineWidth(0.5).strokeColor('#999').stroke().strokeColor('black');
  doc.moveDown(0.3);
}

function keyValues(doc: PDFKit.PDFDocument, f: Fonts, text: Text, rows: [string, string][]) {
  for (const [key, value] of rows) {
    const y = doc.y;
    doc.font(f.bold).fontSize(9).text(key, MARGIN, y, { width: 110 });
    doc.font(f.body).fontSize(9).text(text(value), MARGIN + 115, y, { width: 595.28 - 2 * MARGIN - 115 });
    doc.y = Math.max(doc.y, y + 12);
  }
}

/** The units table's title (on later pages: which batch and page) and column heads; returns the first row's y. */
function startUnitsTable(doc: PDFKit.PDFDocument, f: Fonts, top: number, data: BatchReportData, pageNo: number, text: Text, continued: boolean): number {
  let y = top;
  if (continued) {
    doc.font(f.body).fontSize(8).fillColor('#555');
    doc.text(text(`Batch ${data.batch.batchNumber} (${isoDay(data.batch.batchDate)}), work center ${data.workCenter.identifier}: units, page ${pageNo}`), MARGIN, y);
    doc.fillColor('black');
    y = doc.y + 4;
  }
  drawRow(doc, y, COLUMNS.map((c) => c.title), TABLE_FONT.bold, TABLE_FONT.bold);
  y += TABLE_FONT_SIZE + ROW_PADDING * 2 + 2;
  doc.moveTo(MARGIN, y - 1).lineTo(595.28 - MARGIN, y - 1).lineWidth(0.5).strokeColor('#999').stroke().strokeColor('black');
  return y;
}

function drawRow(doc: PDFKit.PDFDocument, y: number, cells: string[], font: string, codeFont: string) {
  let x = MARGIN;
  cells.forEach((cell, i) => {
    const width = COLUMNS[i]!.width - 4;
    // The unit code wraps when long; the other cells are short and stay on one line.
    doc.font(i === 1 ? codeFont : font).fontSize(TABLE_FONT_SIZE);
    doc.text(cell, x, y + ROW_PADDING, i === 1 ? { width } : { width, lineBreak: false });
    x += COLUMNS[i]!.width;
  });
}
