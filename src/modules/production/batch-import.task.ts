/**
 * `importBatches` task: a CSV or XLSX file with the export's columns, parsed as a stream (rows are
 * handled in chunks and never all held), each row checked with the same rules as `createBatch`.
 * Non-atomic: good rows are written chunk by chunk (each chunk and the task's checkpoint commit
 * together, so a retried task carries on where the crashed one stopped). Atomic: the whole file is
 * checked first and then written in one transaction, or nothing is.
 */
import { z } from 'zod';
import type { Tx } from '../../db/transaction.js';
import { transact } from '../../db/transaction.js';
import { TaskUserError, type TaskContext, type TaskKind } from '../tasks/task-kinds.js';
import { openFile } from '../files/file.store.js';
import { batchFileFormats, type BatchFileFormat } from './batch-export.js';
import { checkFormat, chunks, readHeader, readRows, UnreadableFile } from './batch-import.parse.js';
import type { ImportRowError } from './batch-import.rows.js';
import { Importer, MAX_REPORTED_ERRORS, type Tally } from './batch-import.writer.js';

export const importBatchesInput = z.object({
  fileId: z.uuid(),
  format: z.enum(batchFileFormats),
  updateExisting: z.boolean().default(false),
  atomic: z.boolean().default(false),
});

export type ImportBatchesInput = z.infer<typeof importBatchesInput>;

export interface ImportBatchesResult {
  fileId: string;
  format: BatchFileFormat;
  rows: number;
  created: number;
  updated: number;
  failed: number;
  atomic: boolean;
  errors: ImportRowError[];
  /** More rows failed than `errors` lists. */
  errorsTruncated: boolean;
}

interface Checkpoint {
  row: number;
  rows: number;
  created: number;
  updated: number;
  failed: number;
  errors: ImportRowError[];
}

export async function runImportBatches(ctx: TaskContext<ImportBatchesInput>): Promise<ImportBatchesResult> {
  try {
    return await importBatches(ctx);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    const done = ctx.input.atomic ? 'nothing was imported' : 'batches of the rows read before it may have been imported; fix the file and import it again with updateExisting';
    throw new TaskUserError(`The file could not be read as ${ctx.input.format}: ${error.message}; ${done}`);
  }
}

async function importBatches(ctx: TaskContext<ImportBatchesInput>): Promise<ImportBatchesResult> {
  const { fileId, format, atomic } = ctx.input;
  const file = await ctx.services.prisma.storedFile.findUnique({ where: { id: fileId } });
  if (!file) throw new TaskUserError('The uploaded file is gone (it expired or was removed); upload it again');
  await checkFormat(file, format, ctx.services);

  const resumed = (!atomic ? ctx.checkpoint : null) as Checkpoint | null;
  const tally: Tally = {
    rows: resumed?.rows ?? 0,
    created: resumed?.created ?? 0,
    updated: resumed?.updated ?? 0,
    failed: resumed?.failed ?? 0,
    errors: resumed?.errors ?? [],
    failedRows: new Set(),
  };
  const importer = new Importer(ctx, tally);
  const total = atomic ? file.size * 2 : file.size;
  let bytes = 0;
  let columns: (string | null)[] = [];
  // One read of the file; progress counts file bytes (an atomic import reads the file twice).
  const pass = (offset: number) => {
    bytes = offset;
    return chunks(ctx, readRows(openFile(ctx.services, file), format, (n) => (bytes += n)), (raw) => (columns = readHeader(raw)));
  };
  await ctx.progress(0, total);

  if (!atomic) {
    for await (const chunk of pass(0)) {
      const fresh = chunk.filter((raw) => !resumed || raw.row > resumed.row);
      for (const raw of chunk) if (resumed && raw.row <= resumed.row) importer.remember(raw, columns);
      if (fresh.length === 0) continue;
      const checked = fresh.flatMap((raw) => importer.check(raw, columns) ?? []);
      tally.rows += fresh.length;
      const before = { created: tally.created, updated: tally.updated };
      try {
        await ctx.services.prisma.$transaction(
          async (tx) => {
            if (checked.length) await importer.apply(tx, checked, true);
            await ctx.saveCheckpoint({ row: fresh.at(-1)!.row, rows: tally.rows, created: tally.created, updated: tally.updated, failed: tally.failed, errors: tally.errors } satisfies Checkpoint, tx);
          },
          { timeout: 120_000, maxWait: 30_000 },
        );
      } catch (error) {
        Object.assign(tally, before); // the chunk was rolled back
        throw error;
      }
      await ctx.progress(Math.min(bytes, total), total);
    }
  } else {
    // Pass 1 checks everything (the file, then the database) without writing.
    for await (const chunk of pass(0)) {
      const checked = chunk.flatMap((raw) => importer.check(raw, columns) ?? []);
      tally.rows += chunk.length;
      if (checked.length) await importer.apply(ctx.services.prisma as unknown as Tx, checked, false);
      await ctx.progress(Math.min(bytes, file.size), total);
    }
    if (tally.failed === 0 && tally.rows > 0) {
      // Pass 2 writes it all in one transaction; a row refused now (a concurrent change) undoes it all.
      const written: Tally = { rows: 0, created: 0, updated: 0, failed: 0, errors: [], failedRows: new Set() };
      const second = new Importer(ctx, written);
      const committed = await ctx.services.prisma
        .$transaction(
          async (tx) => {
            for await (const chunk of pass(file.size)) {
              const checked = chunk.flatMap((raw) => second.check(raw, columns) ?? []);
              if ((await second.apply(tx, checked, true)) > 0 || checked.length < chunk.length) throw new AtomicRollback();
            }
            return true;
          },
          { timeout: 30 * 60_000, maxWait: 30_000 },
        )
        .catch((error) => {
          if (error instanceof AtomicRollback) return false;
          throw error;
        });
      if (committed) Object.assign(tally, { created: written.created, updated: written.updated });
      else Object.assign(tally, { failed: written.failed, errors: written.errors });
    }
  }

  const result: ImportBatchesResult = {
    fileId,
    format,
    rows: tally.rows,
    created: tally.created,
    updated: tally.updated,
    failed: tally.failed,
    atomic,
    errors: [...tally.errors].sort((a, b) => a.row - b.row),
    errorsTruncated: tally.failed > tally.errors.length && tally.errors.length >= MAX_REPORTED_ERRORS,
  };
  await transact(ctx.services, ctx.actor.name, async (_tx, emit) =>
    emit('batch.import_completed', { taskId: ctx.taskId, created: result.created, updated: result.updated, failed: result.failed, rows: result.rows, atomic }),
  );
  return result;
}

class AtomicRollback extends Error {}

/** The `importBatches` task kind (declared in src/registry.ts). */
export const importBatchesTask: TaskKind<ImportBatchesInput, ImportBatchesResult> = {
  description: 'Batches from an uploaded CSV or XLSX file (the exportBatches columns)',
  input: importBatchesInput,
  run: runImportBatches,
};
