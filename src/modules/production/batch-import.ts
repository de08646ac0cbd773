/** Starting an import (the mutation's side): the upload checked, stored, and its `importBatches` task queued. */
import type { StoredFile } from '../../generated/prisma/client.js';
import { FileTooLargeError, formatBytes, storeFile, unlinkFiles } from '../files/file.store.js';
import { OversizedUpload } from '../files/upload-limit.js';
import { settingsOf } from '../tasks/task.settings.js';
import { createTask } from '../tasks/task.service.js';
import { taskError } from '../tasks/task.errors.js';
import { withoutIllFormed } from '../../core/well-formed-text.js';
import type { Actor, AppServices } from '../../core/services.js';
import { contentTypes, type BatchFileFormat } from './batch-export.js';

const XLSX_TYPES = /spreadsheetml|ms-excel\.sheet|application\/zip/i;

/** The format named by the file: extension first, then content type, then the first bytes. */
export async function detectFormat(file: Pick<File, 'name' | 'type' | 'arrayBuffer'>): Promise<BatchFileFormat | null> {
  const name = (file.name ?? '').toLowerCase();
  if (name.endsWith('.csv') || name.endsWith('.txt')) return 'CSV';
  if (name.endsWith('.xlsx')) return 'XLSX';
  if (name.endsWith('.xls')) return null; // the old binary Excel format is not read
  if (/text\/csv|text\/plain|application\/csv/i.test(file.type ?? '')) return 'CSV';
  if (XLSX_TYPES.test(file.type ?? '')) return 'XLSX';
  // Neither says: look at the first bytes (the upload is in memory already, at most UPLOAD_MAX_BYTES).
  const head = new Uint8Array(await file.arrayBuffer()).subarray(0, 4096);
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'XLSX';
  return head.includes(0) ? null : 'CSV';
}

/** A client's file name or type without what the database cannot store (NUL) or is not text (lone surrogates). */
const storable = (text: string | undefined) => withoutIllFormed(text ?? '');

export interface StartImportInput {
  file: File | OversizedUpload;
  format?: BatchFileFormat | null;
  updateExisting?: boolean | null;
  atomic?: boolean | null;
}

/**
 * Stores the upload and queues its import. Refused (typed TaskError, nothing stored) when the file
 * is over UPLOAD_MAX_BYTES, by its declared size or by the bytes that actually arrive, empty, or in
 * a format that is not CSV or XLSX.
 */
export async function startImportBatches(services: AppServices, actor: Actor, input: StartImportInput) {
  const { uploadMaxBytes, resultTtlMs } = settingsOf(services);
  const { file } = input;
  const tooLarge = () => taskError('FILE_TOO_LARGE', `The file is larger than the ${formatBytes(uploadMaxBytes)} upload limit; nothing was imported`, ['input', 'file']);
  if (file instanceof OversizedUpload || file.size > uploadMaxBytes) throw tooLarge();
  if (file.size === 0) throw taskError('EMPTY_FILE', 'The file is empty', ['input', 'file']);
  const format = input.format ?? (await detectFormat(file));
  if (!format) throw taskError('UNSUPPORTED_FORMAT', `Cannot tell the format of "${file.name}": upload a .csv or .xlsx file, or give format`, ['input', 'format']);
  let stored: StoredFile;
  try {
    stored = await storeFile(services, file.stream(), {
      filename: storable(file.name) || `import.${format.toLowerCase()}`,
      contentType: storable(file.type) || contentTypes[format],
      maxBytes: uploadMaxBytes,
      // Until the task claims it; finishing the task sets the final expiry.
      expiresAt: new Date(Date.now() + resultTtlMs),
    });
  } catch (error) {
    if (error instanceof FileTooLargeError) throw tooLarge();
    throw error;
  }
  try {
    return await createTask(services, actor, {
      kind: 'importBatches',
      input: { fileId: stored.id, format, updateExisting: input.updateExisting ?? false, atomic: input.atomic ?? false },
      fileIds: [stored.id],
    });
  } catch (error) {
    await services.prisma.storedFile.delete({ where: { id: stored.id } }).catch(() => undefined);
    await unlinkFiles(services, [stored]);
    throw error;
  }
}
