import type { BackgroundTask } from '../../generated/prisma/client.js';
import type { Actor, AppServices } from '../../core/services.js';
import { taskBatchNotFound } from '../tasks/task.errors.js';
import { createTask } from '../tasks/task.service.js';
import { BATCH_REPORT_KIND, batchReportInput } from './batch-report.task.js';

export interface GenerateBatchReportInput {
  batchId: string;
  format: 'PDF' | 'XLSX';
  email?: string | null;
}

/**
 * Queues a batch report. The input is checked first (a bad e-mail is a VALIDATION error on
 * input.email) and the batch must exist (NOT_FOUND on input.batchId): a refusal queues nothing.
 */
export async function generateBatchReport(services: AppServices, actor: Actor, input: GenerateBatchReportInput): Promise<BackgroundTask> {
  const email = input.email?.trim() || null;
  const parsed = batchReportInput.safeParse({ ...input, email });
  if (!parsed.success) {
    const badId = parsed.error.issues.find((i) => i.path[0] === 'batchId');
    // An id that is not a UUID names no batch.
    if (badId) throw taskBatchNotFound(input.batchId);
    throw parsed.error;
  }
  const batch = await services.prisma.batch.findUnique({ where: { id: parsed.data.batchId }, select: { id: true } });
  if (!batch) throw taskBatchNotFound(input.batchId);
  return createTask(services, actor, { kind: BATCH_REPORT_KIND, input: { batchId: batch.id, format: parsed.data.format, email } });
}
