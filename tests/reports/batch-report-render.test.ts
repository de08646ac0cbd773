import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { loadBatchReport, type BatchReportData } from '../../src/modules/reports/batch-report.data.js';
import { renderBatchReportPdf } from '../../src/modules/reports/batch-report.pdf.js';
import { renderBatchReportXlsx } from '../../src/modules/reports/batch-report.xlsx.js';
import { createMailer, SMTP_NOT_CONFIGURED } from '../../src/modules/reports/report-mailer.js';
import { seedReportBatch, streamToBuffer } from './report-seed.js';
import { startSmtpServer } from './smtp.js';

let t: TestApp;
let seeded: Awaited<ReturnType<typeof seedReportBatch>>;

beforeAll(async () => {
  t = await startTestApp({ ROLE: 'api' });
  // Cyrillic names: the PDF embeds a Unicode font.
  seeded = await seedReportBatch(t, { units: 250, aggregateEvery: 5, batchNumber: 4711, workCenterName: 'Линия розлива 1', nomenclature: 'Вода 0,5 л', closed: true });
});
afterAll(() => t?.close());

async function pdfText(buffer: Buffer) {
  const pdf = await getDocumentProxy(new Uint8Array(buffer));
  return extractText(pdf, { mergePages: true });
}

describe('batch report data', () => {
  it('reads the batch and totals at once and the units lazily, a page per statement', async () => {
    t.resetQueries();
    const data = (await loadBatchReport(t.app.services.prisma, seeded.batch.id, { pageSize: 100 }))!;
    expect(data.totals).toEqual({ units: 250, aggregated: 50, notAggregated: 200 });
    const unitPages = () => t.queries.filter((sql) => /FROM "(public"\.")?Unit"/.test(sql) && /ORDER BY/i.test(sql));
    expect(unitPages()).toHaveLength(0);
    const sizes: number[] = [];
    for await (const page of data.units) sizes.push(page.length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(unitPages()).toHaveLength(3);
  });

  it('is null for an unknown batch', async () => {
    expect(await loadBatchReport(t.app.services.prisma, '00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});

describe('renderBatchReportPdf', () => {
  it('is a valid PDF whose text holds the batch number, every field, the work center and every unit code', async () => {
    const data = (await loadBatchReport(t.app.services.prisma, seeded.batch.id, { pageSize: 64 }))!;
    const buffer = await streamToBuffer(renderBatchReportPdf(data));
    expect(buffer.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(buffer.subarray(-8).toString('latin1')).toContain('%%EOF');
    const { totalPages, text } = await pdfText(buffer);
    expect(totalPages).toBeGreaterThan(1);
    for (const expected of ['4711', '2026-11-20', 'Bottle 0.5 l, shift task', 'Вода 0,5 л', 'EKN-001', 'Team A', 'Closed', seeded.workCenter.identifier, 'Линия розлива 1', seeded.batch.id]) {
      expect(text).toContain(expected);
    }
    const missing = seeded.codes.filter((code) => !text.includes(code));
    expect(missing).toEqual([]);
  });

  it('renders a batch without units', async () => {
    const empty = await seedReportBatch(t, { units: 0 });
    const data = (await loadBatchReport(t.app.services.prisma, empty.batch.id))!;
    const { totalPages, text } = await pdfText(await streamToBuffer(renderBatchReportPdf(data)));
    expect(totalPages).toBe(1);
    expect(text).toContain(String(empty.batch.batchNumber));
    expect(text).toContain('This batch has no units.');
  });

  it('falls back to the built-in Helvetica without a Unicode font (non-Latin-1 characters become "?")', async () => {
    const data = (await loadBatchReport(t.app.services.prisma, seeded.batch.id))!;
    const { text } = await pdfText(await streamToBuffer(renderBatchReportPdf(data, { fonts: null })));
    expect(text).toContain('4711');
    expect(text).toContain(seeded.codes[249]!);
    expect(text).toContain('????? ??????? 1');
  });

  it('fails the stream when reading units fails', async () => {
    const data = (await loadBatchReport(t.app.services.prisma, seeded.batch.id))!;
    data.units = (async function* () {
      yield [{ code: 'X', aggregated: false, aggregatedAt: null, createdAt: new Date() }];
      throw new Error('database went away');
    })();
    await expect(streamToBuffer(renderBatchReportPdf(data))).rejects.toThrow('database went away');
  });
});

describe('renderBatchReportXlsx', () => {
  it('opens with exceljs: the batch row with every field and totals, and one row per unit', async () => {
    const data = (await loadBatchReport(t.app.services.prisma, seeded.batch.id, { pageSize: 64 }))!;
    const buffer = await streamToBuffer(renderBatchReportXlsx(data));
    expect(buffer.subarray(0, 2).toString('latin1')).toBe('PK');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Batch', 'Units']);

    const batchSheet = workbook.getWorksheet('Batch')!;
    expect(batchSheet.rowCount).toBe(2);
    const headers = (batchSheet.getRow(1).values as unknown[]).slice(1);
    const row = Object.fromEntries(headers.map((h, i) => [h, batchSheet.getRow(2).getCell(i + 1).value]));
    expect(row).toMatchObject({
      'Batch id': seeded.batch.id,
      'Batch number': 4711,
      'Task description': 'Bottle 0.5 l, shift task',
      Shift: 'Day',
      Team: 'Team A',
      Nomenclature: 'Вода 0,5 л',
      'EKN code': 'EKN-001',
      Closed: true,
      'Work center id': seeded.workCenter.id,
      'Work center identifier': seeded.workCenter.identifier,
      'Work center name': 'Линия розлива 1',
      Units: 250,
      'Aggregated units': 50,
      'Not aggregated units': 200,
      'Aggregation rate': 0.2,
    });
    expect((row['Batch date'] as Date).toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect((row['Shift start (UTC)'] as Date).toISOString()).toBe('2026-11-20T08:00:00.000Z');
    expect((row['Closed at (UTC)'] as Date).toISOString()).toBe('2026-11-20T20:05:00.000Z');

    const units = workbook.getWorksheet('Units')!;
    expect(units.rowCount).toBe(251);
    const codes: string[] = [];
    let aggregated = 0;
    units.eachRow((r, n) => {
      if (n === 1) return;
      codes.push(String(r.getCell(2).value));
      if (r.getCell(3).value === true) aggregated++;
    });
    expect(codes).toEqual(seeded.codes);
    expect(aggregated).toBe(50);
  });
});

describe('report mailer', () => {
  it('without SMTP_URL skips the mail and says so', async () => {
    const mailer = createMailer({ SMTP_URL: undefined, SMTP_FROM: 'Stockline <stockline@localhost>' });
    expect(mailer.configured).toBe(false);
    expect(await mailer.mailReportLink({ to: 'op@example.com', batchNumber: 1, url: 'http://x/files/1' })).toEqual({ to: 'op@example.com', sent: false, reason: SMTP_NOT_CONFIGURED });
  });

  it('sends the link through a local SMTP server (with AUTH), from SMTP_FROM', async () => {
    const smtp = await startSmtpServer();
    try {
      const mailer = createMailer({ SMTP_URL: smtp.url('reports'), SMTP_FROM: 'Stockline Reports <reports@stockline.test>' });
      const url = 'https://stockline.example.com/files/6f1c2d3e-0000-4000-8000-000000000001';
      const outcome = await mailer.mailReportLink({ to: 'operator@example.com', batchNumber: 4711, url, format: 'PDF' });
      expect(outcome).toMatchObject({ to: 'operator@example.com', sent: true });
      const [mail] = await smtp.waitForMessages(1);
      expect(mail!.to).toEqual(['operator@example.com']);
      expect(mail!.from).toBe('reports@stockline.test');
      expect(mail!.user).toBe('reports');
      expect(mail!.subject).toBe('Stockline: the report of batch 4711 is ready');
      expect(mail!.decoded).toContain(url);
      expect(mail!.decoded).toContain(`href="${url}"`);
    } finally {
      await smtp.close();
    }
  });

  it('reports a refused mail instead of throwing', async () => {
    const smtp = await startSmtpServer();
    await smtp.close();
    const mailer = createMailer({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'Stockline <stockline@localhost>' });
    const outcome = await mailer.mailReportLink({ to: 'operator@example.com', batchNumber: 1, url: 'http://x/files/1' });
    expect(outcome.sent).toBe(false);
    expect(outcome.reason).toMatch(/^not sent: /);
  });
});

describe('streaming', () => {
  // A batch of 200,000 units (random codes: compressing poorly) that only exists as it is read: counts the pages pulled.
  function hugeBatch(base: BatchReportData) {
    const counter = { pages: 0, finished: false };
    const units = (async function* () {
      try {
        for (let p = 0; p < 200; p++) {
          counter.pages++;
          yield Array.from({ length: 1000 }, () => ({ code: randomBytes(16).toString('hex'), aggregated: p % 2 === 0, aggregatedAt: null, createdAt: new Date() }));
        }
      } finally {
        counter.finished = true;
      }
    })();
    return { data: { ...base, totals: { units: 200_000, aggregated: 100_000, notAggregated: 100_000 }, units }, counter };
  }

  for (const [name, render] of [['PDF', renderBatchReportPdf], ['XLSX', renderBatchReportXlsx]] as const) {
    it(`${name}: pulls units only as fast as the reader reads, and stops reading when the reader goes away`, async () => {
      const base = (await loadBatchReport(t.app.services.prisma, seeded.batch.id))!;
      const { data, counter } = hugeBatch(base);
      const stream = render(data);
      // Nobody reads: once it has started, the writer must stop after a few pages instead of rendering all 200.
      await waitFor(() => counter.pages > 0, { what: 'the writer to pull its first page' });
      await new Promise((r) => setTimeout(r, 1500));
      const pulledWhileIdle = counter.pages;
      expect(pulledWhileIdle).toBeLessThan(100);
      expect(stream.readableLength + (stream as unknown as { writableLength: number }).writableLength).toBeLessThan(2 * 1024 * 1024);
      // Reading a little lets it go on a little.
      for (let i = 0; i < 5; i++) {
        stream.read();
        await new Promise((r) => setTimeout(r, 50));
      }
      stream.destroy();
      await new Promise((r) => setTimeout(r, 300));
      const atStop = counter.pages;
      await new Promise((r) => setTimeout(r, 500));
      expect(counter.pages).toBe(atStop);
      expect(counter.pages).toBeLessThan(200);
    });
  }
});
