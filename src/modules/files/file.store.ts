/**
 * Files produced or received by background tasks: bytes on disk under the files directory
 * (DATA_DIR/files), one `StoredFile` row each. Instances that serve `/files/:id` and workers
 * that write files must share that directory (a volume) when they run on different machines.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppServices } from '../../core/services.js';
import type { StoredFile } from '../../generated/prisma/client.js';
import { settingsOf } from '../tasks/task.settings.js';

/** What can be stored: whole bytes, or a stream of them (never buffered here). */
export type FileBody = Buffer | Uint8Array | string | Readable | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/** The body was larger than allowed; nothing was kept. */
export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the ${formatBytes(maxBytes)} limit`);
    this.name = 'FileTooLargeError';
  }
}

export const formatBytes = (n: number) => (n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KB` : `${n} bytes`);

function toReadable(body: FileBody): Readable {
  if (body instanceof Readable) return body;
  if (typeof body === 'string' || body instanceof Uint8Array) return Readable.from([typeof body === 'string' ? Buffer.from(body) : body]);
  // Async-iterable first: upload streams from the fetch ponyfill are not Node's own ReadableStream class.
  if (Symbol.asyncIterator in body) return Readable.from(body as AsyncIterable<Uint8Array>);
  return Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
}

export interface StoreFileOptions {
  filename: string;
  contentType: string;
  /** The task the file belongs to (it expires with the task). */
  taskId?: string | null;
  /** Refuse (FileTooLargeError) once more bytes than this arrive. */
  maxBytes?: number;
  expiresAt?: Date | null;
  /** Preassigned id (the row is created with it). */
  id?: string;
  signal?: AbortSignal;
}

/**
 * Streams `body` to disk, then records it. The bytes go to `<id>.part` first and are renamed only
 * once complete, so a crash or a refusal never leaves a file that looks whole.
 */
export async function storeFile(services: AppServices, body: FileBody, options: StoreFileOptions): Promise<StoredFile> {
  const { filesDir } = settingsOf(services);
  await mkdir(filesDir, { recursive: true });
  const id = options.id ?? randomUUID();
  const partial = join(filesDir, `${id}.part`);
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (options.maxBytes !== undefined && size > options.maxBytes) return done(new FileTooLargeError(options.maxBytes));
      done(null, chunk);
    },
  });
  try {
    await pipeline(toReadable(body), counter, createWriteStream(partial), options.signal ? { signal: options.signal } : {});
    await rename(partial, join(filesDir, id));
  } catch (error) {
    await unlink(partial).catch(() => undefined);
    throw error;
  }
  try {
    return await services.prisma.storedFile.create({
      data: { id, taskId: options.taskId ?? null, filename: options.filename, contentType: options.contentType, size, path: id, expiresAt: options.expiresAt ?? null },
    });
  } catch (error) {
    await unlink(join(filesDir, id)).catch(() => undefined);
    throw error;
  }
}

/** The path of a stored file's bytes. */
export function filePath(services: AppServices, file: Pick<StoredFile, 'path'>): string {
  return join(settingsOf(services).filesDir, file.path);
}

export function openFile(services: AppServices, file: Pick<StoredFile, 'path'>): Readable {
  return createReadStream(filePath(services, file));
}

/** A servable file: known, not expired, and its bytes still on disk. */
export async function findServableFile(services: AppServices, id: string): Promise<StoredFile | null> {
  const file = await services.prisma.storedFile.findUnique({ where: { id } });
  if (!file || (file.expiresAt && file.expiresAt.getTime() <= Date.now())) return null;
  const exists = await stat(filePath(services, file)).then((s) => s.isFile(), () => false);
  return exists ? file : null;
}

/** Removes the bytes of these files (rows are the caller's business). Missing bytes are fine. */
export async function unlinkFiles(services: AppServices, files: Pick<StoredFile, 'path'>[]): Promise<void> {
  await Promise.all(files.map((f) => unlink(filePath(services, f)).catch(() => undefined)));
}

/** The download link of a file: PUBLIC_URL (or the given origin, or this instance's URL) + /files/<id>. */
export function fileUrl(services: AppServices, fileId: string, origin?: string | null): string {
  const settings = settingsOf(services);
  const base = settings.publicUrl ?? origin ?? settings.instanceUrl ?? '';
  return `${base.replace(/\/+$/, '')}/files/${fileId}`;
}
