/**
 * The `generateBatchReport` background task: renders one batch as PDF or XLSX into a stored file,
 * emits `batch.report_generated`, and mails the link when an address was given and SMTP is set up.
 *
 * Safe to run again (a crashed worker's task is retried): each step records a checkpoint, so a
 * retry reuses the stored file, and the event is recorded in the same transaction as the
 * checkpoint that says it was (exactly once). Only the mail can repeat, if a worker dies between
 * sending it and recording that it did.
 */
import { z } from 'zod';
import { transact } from '../../db/transaction.js';
import type { AppServices } from '../../core/services.js';
import { TaskUserError, type TaskContext, type TaskKind } from '../tasks/task-kinds.js';
import { loadBatchReport, reportFilename } from './batch-report.data.js';
import { PDF_CONTENT_TYPE, renderBatchReportPdf } from './batch-report.pdf.js';
import { renderBatchReportXlsx, XLSX_CONTENT_TYPE } from './batch-report.xlsx.js';
import { createMailer, type MailOutcome, type ReportMailer } from './report-mailer.js';

export const BATCH_REPORT_KIND = 'generateBatchReport';
export const reportFormats = ['PDF', 'XLSX'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const batchReportInput = z.object({
  batchId: z.uuid('must be a valid id'),
  format: z.enum(reportFormats),
  email: z.email('must be a valid e-mail address').max(254).nullish(),
});
export type BatchReportInput = z.infer<typeof batchReportInput>;

export interface BatchReportResult {
  fileId: string;
  /** Download link (GET with a bearer token). */
  url: string;
  filename: string;
  contentType: string;
  size: number;
  format: ReportFormat;
  batchId: string;
  batchNumber: number;
  units: number;
  /** The mail of the link: null when no address was given; `sent: false` with a reason when SMTP is not configured or refused. */
  mail: MailOutcome | null;
}

interface Checkpoint {
  fileId: string;
  filename: string;
  contentType: string;
  size: number;
  batchNumber: number;
  units: number;
  /** `batch.report_generated` was recorded (with this checkpoint, in one transaction). */
  emitted?: boolean;
  mail?: MailOutcome;
}

/** The mailer of these services; none configured means mails are skipped (and reported so). */
const mailerOf = (services: AppServices): ReportMailer => services.mailer ?? createMailer({ SMTP_URL: undefined, SMTP_FROM: 'Stockline <stockline@localhost>' });

async function renderAndStore(ctx: TaskContext<BatchReportInput>): Promise<Checkpoint> {
  const { batchId, format } = ctx.input;
  const data = await loadBatchReport(ctx.services.prisma, batchId, {
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress(done, total),
  });
  if (!data) throw new TaskUserError(`No batch with id ${batchId} (it was deleted after the report was asked for)`);
  await ctx.progress(0, data.totals.units);
  const [ext, contentType] = format === 'PDF' ? (['pdf', PDF_CONTENT_TYPE] as const) : (['xlsx', XLSX_CONTENT_TYPE] as const);
  const body = format === 'PDF' ? renderBatchReportPdf(data) : renderBatchReportXlsx(data);
  const filename = reportFilename(data.batch, ext);
  const file = await ctx.saveFile(filename, contentType, body);
  const checkpoint: Checkpoint = { fileId: file.id, filename, contentType, size: file.size, batchNumber: data.batch.batchNumber, units: data.totals.units };
  await ctx.saveCheckpoint(checkpoint);
  return checkpoint;
}

/** An earlier attempt's file, if it is still there. */
async function earlierFile(ctx: TaskContext<BatchReportInput>): Promise<Checkpoint | null> {
  const saved = ctx.checkpoint as Checkpoint | null;
  if (!saved?.fileId) return null;
  const file = await ctx.services.prisma.storedFile.findFirst({ where: { id: saved.fileId, taskId: ctx.taskId } });
  return file ? saved : null;
}

/** The `generateBatchReport` task kind (declared in src/registry.ts). */
export const batchReportTask: TaskKind<BatchReportInput, BatchReportResult> = {
  description: 'A PDF or XLSX report of one batch: every field, its work center, its units with their aggregation',
  input: batchReportInput,
  async run(ctx) {
    const { batchId, format, email } = ctx.input;
    let state = (await earlierFile(ctx)) ?? (await renderAndStore(ctx));
    const url = ctx.fileUrl(state.fileId);

    if (!state.emitted) {
      const next: Checkpoint = { ...state, emitted: true };
      await transact(ctx.services, ctx.actor.name, async (tx, emit) => {
        emit('batch.report_generated', { taskId: ctx.taskId, batchId, batchNumber: state.batchNumber, format, fileId: state.fileId });
        await ctx.saveCheckpoint(next, tx);
      });
      state = next;
    }

    let mail: MailOutcome | null = null;
    if (email) {
      mail = state.mail ?? (await mailerOf(ctx.services).mailReportLink({ to: email, batchNumber: state.batchNumber, url, format }));
      if (!state.mail) {
        if (!mail.sent) ctx.logger.warn({ to: email, reason: mail.reason }, 'report link not mailed');
        await ctx.saveCheckpoint({ ...state, mail });
      }
    }

    return {
      fileId: state.fileId,
      url,
      filename: state.filename,
      contentType: state.contentType,
      size: state.size,
      format,
      batchId,
      batchNumber: state.batchNumber,
      units: state.units,
      mail,
    };
  },
};
