import { builder } from '../../graphql/builder.js';
import { runMutation } from '../../graphql/payload.js';
import { TaskPayload } from '../tasks/task.schema.js';
import { generateBatchReport } from './report.service.js';

const ReportFormat = builder.enumType('ReportFormat', {
  description: 'File format of a batch report.',
  values: {
    PDF: { description: 'A printable PDF (A4): the batch, its work center, totals and a table of every unit.' },
    XLSX: { description: 'An Excel workbook: sheet "Batch" (one row, every field, work center and totals) and sheet "Units" (one row per unit).' },
  } as const,
});

const GenerateBatchReportInput = builder.inputType('GenerateBatchReportInput', {
  description: 'Which batch to report on, and how.',
  fields: (t) => ({
    batchId: t.id({ description: 'The batch id.' }),
    format: t.field({ type: ReportFormat, description: 'PDF or XLSX.' }),
    email: t.string({
      required: false,
      description: 'Mail the download link here once the report is ready (when the server has SMTP configured; the task result says whether it was sent).',
    }),
  }),
});

builder.mutationFields((t) => ({
  generateBatchReport: t.field({
    type: TaskPayload,
    authScopes: { operator: true },
    description:
      'Queues a report of one batch (every field, its work center, its units with their aggregation). Follow the task with task(id) or taskProgress; once SUCCESS its result holds the file id and download url, and batch.report_generated is emitted. An unknown batch is NOT_FOUND and queues nothing.',
    args: { input: t.arg({ type: GenerateBatchReportInput, description: 'The batch, the format and where to mail the link.' }) },
    resolve: (_r, { input }, ctx) =>
      runMutation('task', () => generateBatchReport(ctx, ctx.actor!, { batchId: String(input.batchId), format: input.format, email: input.email ?? null })),
  }),
}));
