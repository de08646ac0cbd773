import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import type { DomainEvent } from '../../src/events/event-types.js';
import { filePath } from '../../src/modules/files/file.store.js';
import { createMailer, SMTP_NOT_CONFIGURED } from '../../src/modules/reports/report-mailer.js';
import { seedReportBatch } from './report-seed.js';
import { startSmtpServer } from './smtp.js';
import type { EventBus } from '../../src/events/event-bus.js';

const PUBLIC_URL = 'https://stockline.example.com';
const GENERATE = `mutation($i: GenerateBatchReportInput!) { generateBatchReport(input: $i) {
  task { id kind status } errors { code message field } } }`;
const TASK = `query($id: ID!) { task(id: $id) { id status error result files { id filename contentType size } } }`;

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let operator: string;
let seeded: Awaited<ReturnType<typeof seedReportBatch>>;
const events: DomainEvent[] = [];
let listening: ReturnType<EventBus['subscribe']> | undefined;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ SMTP_URL: smtp.url('reports'), SMTP_FROM: 'Stockline <reports@stockline.test>', PUBLIC_URL });
  operator = await t.tokenFor('OPERATOR');
  seeded = await seedReportBatch(t, { units: 120, aggregateEvery: 4, batchNumber: 4711 });
  listening = t.app.services.events.subscribe(['batch.report_generated']);
  void (async () => {
    for await (const event of listening!) events.push(event);
  })();
});
afterAll(async () => {
  await listening?.return(undefined);
  await t?.close();
  await smtp?.close();
});

async function finished(taskId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = dataOf(await t.gql(TASK, { id: taskId })).task;
    if (task.status === 'SUCCESS' || task.status === 'FAILURE') return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${task.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function download(url: string, token: string | null = operator) {
  const { pathname } = new URL(url);
  return fetch(`${t.url}${pathname}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

describe('generateBatchReport', () => {
  it('queues a PDF report; once done the file is a PDF of the batch, the event is emitted and the link is mailed', async () => {
    const r = dataOf(await t.gql(GENERATE, { i: { batchId: seeded.batch.id, format: 'PDF', email: 'operator@example.com' } }, operator)).generateBatchReport;
    expect(r.errors).toEqual([]);
    expect(r.task).toMatchObject({ kind: 'generateBatchReport', status: 'PENDING' });

    const task = await finished(r.task.id);
    expect(task.status).toBe('SUCCESS');
    const [file] = task.files;
    expect(file).toMatchObject({ filename: 'batch-4711-2026-11-20.pdf', contentType: 'application/pdf' });
    expect(task.result).toMatchObject({
      fileId: file.id,
      url: `${PUBLIC_URL}/files/${file.id}`,
      filename: 'batch-4711-2026-11-20.pdf',
      format: 'PDF',
      batchId: seeded.batch.id,
      batchNumber: 4711,
      units: 120,
      size: file.size,
      mail: { to: 'operator@example.com', sent: true },
    });

    // The mail: to the given address, naming the batch, linking the file.
    const [mail] = await smtp.waitForMessages(1);
    expect(mail!.to).toEqual(['operator@example.com']);
    expect(mail!.subject).toBe('Stockline: the report of batch 4711 is ready');
    const link = /https:\/\/stockline\.example\.com\/files\/[0-9a-f-]{36}/.exec(mail!.decoded)?.[0];
    expect(link).toBe(`${PUBLIC_URL}/files/${file.id}`);

    // The link downloads the very file stored, a PDF holding the batch number and its units.
    const res = await download(link!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const body = Buffer.from(await res.arrayBuffer());
    const stored = await t.app.services.prisma.storedFile.findUniqueOrThrow({ where: { id: file.id } });
    expect(body.equals(await readFile(filePath(t.app.services, stored)))).toBe(true);
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(body)), { mergePages: true });
    expect(text).toContain('4711');
    expect(text).toContain(seeded.workCenter.identifier);
    expect(seeded.codes.filter((c) => !text.includes(c))).toEqual([]);
    expect((await download(link!, null)).status).toBe(401);

    // batch.report_generated, once.
    const emitted = events.filter((e) => e.payload.taskId === r.task.id);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.payload).toEqual({ taskId: r.task.id, batchId: seeded.batch.id, batchNumber: 4711, format: 'PDF', fileId: file.id });
  });

  it('queues an XLSX report without mail: the workbook holds the batch row and every unit', async () => {
    const before = smtp.messages.length;
    const r = dataOf(await t.gql(GENERATE, { i: { batchId: seeded.batch.id, format: 'XLSX' } }, operator)).generateBatchReport;
    expect(r.errors).toEqual([]);
    const task = await finished(r.task.id);
    expect(task.status).toBe('SUCCESS');
    expect(task.result).toMatchObject({ format: 'XLSX', filename: 'batch-4711-2026-11-20.xlsx', mail: null });
    const res = await download(task.result.url);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    expect(workbook.getWorksheet('Batch')!.getRow(2).getCell(2).value).toBe(4711);
    const units = workbook.getWorksheet('Units')!;
    expect(units.rowCount).toBe(121);
    const codes: string[] = [];
    units.eachRow((row, n) => void (n > 1 && codes.push(String(row.getCell(2).value))));
    expect(codes).toEqual(seeded.codes);
    expect(smtp.messages.length).toBe(before);
    expect(events.filter((e) => e.payload.taskId === r.task.id)).toHaveLength(1);
  });

  it('with an address but no SMTP configured, the report is made and the result says the mail was not sent', async () => {
    const services = t.app.services;
    const configured = services.mailer;
    services.mailer = createMailer({ SMTP_URL: undefined, SMTP_FROM: 'x <x@y.z>' });
    try {
      const r = dataOf(await t.gql(GENERATE, { i: { batchId: seeded.batch.id, format: 'PDF', email: 'someone@example.com' } }, operator)).generateBatchReport;
      const task = await finished(r.task.id);
      expect(task.status).toBe('SUCCESS');
      expect(task.result.mail).toEqual({ to: 'someone@example.com', sent: false, reason: SMTP_NOT_CONFIGURED });
    } finally {
      services.mailer = configured;
    }
  });

  it('run again after a crash (its checkpoint kept), reuses the stored file and neither re-emits nor re-mails', async () => {
    const mailed = smtp.messages.length;
    const r = dataOf(await t.gql(GENERATE, { i: { batchId: seeded.batch.id, format: 'PDF', email: 'again@example.com' } }, operator)).generateBatchReport;
    const first = await finished(r.task.id);
    expect(first.status).toBe('SUCCESS');
    await smtp.waitForMessages(mailed + 1);
    expect(smtp.messages.at(-1)!.to).toEqual(['again@example.com']);
    const mailsBefore = smtp.messages.length;
    const prisma = t.app.services.prisma;
    const filesBefore = await prisma.storedFile.count({ where: { taskId: r.task.id } });

    // As a worker that died after the last step, before recording SUCCESS, would leave it.
    const { mail, fileId, filename, contentType, size, batchNumber, units } = first.result;
    await prisma.backgroundTask.update({
      where: { id: r.task.id },
      data: { status: 'PENDING', finishedAt: null, expiresAt: null, result: { checkpoint: { fileId, filename, contentType, size, batchNumber, units, emitted: true, mail } } },
    });
    t.app.services.taskRunner?.kick();
    const second = await finished(r.task.id);
    expect(second.status).toBe('SUCCESS');
    expect(second.result).toEqual(first.result);
    expect(await prisma.storedFile.count({ where: { taskId: r.task.id } })).toBe(filesBefore);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.messages.length).toBe(mailsBefore);
    expect(events.filter((e) => e.payload.taskId === r.task.id)).toHaveLength(1);
  });

  it('refuses an unknown batch (NOT_FOUND) and a bad address (VALIDATION), queueing nothing', async () => {
    const tasksBefore = await t.app.services.prisma.backgroundTask.count();
    const cases = [
      [{ batchId: '00000000-0000-4000-8000-000000000000', format: 'PDF' }, 'NOT_FOUND', ['input', 'batchId']],
      [{ batchId: 'not-an-id', format: 'XLSX' }, 'NOT_FOUND', ['input', 'batchId']],
      [{ batchId: seeded.batch.id, format: 'PDF', email: 'not an address' }, 'VALIDATION', ['input', 'email']],
    ] as const;
    for (const [input, code, field] of cases) {
      const r = dataOf(await t.gql(GENERATE, { i: input }, operator)).generateBatchReport;
      expect(r.task).toBeNull();
      expect(r.errors).toEqual([expect.objectContaining({ code, field })]);
    }
    expect(await t.app.services.prisma.backgroundTask.count()).toBe(tasksBefore);
  });

  it('needs an OPERATOR', async () => {
    const r = await t.gql(GENERATE, { i: { batchId: seeded.batch.id, format: 'PDF' } }, await t.tokenFor('VIEWER'));
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.data?.generateBatchReport ?? null).toBeNull();
  });
});
