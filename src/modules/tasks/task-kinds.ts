/**
 * The registry of background task kinds. To add a kind, define it beside its domain and declare it
 * under its name in `taskKinds` (src/registry.ts, installed by buildApp(), so every process knows
 * it whether or not it builds the GraphQL schema):
 *
 *   export const batchReportTask: TaskKind<BatchReportInput, BatchReportResult> = {
 *     description: 'A PDF or XLSX report of one batch',
 *     input: z.object({ batchId: z.uuid(), format: z.enum(['PDF', 'XLSX']) }),
 *     async run(ctx) {
 *       await ctx.progress(0, 2);
 *       const file = await ctx.saveFile('batch-17.pdf', 'application/pdf', pdfStream); // Buffer or stream
 *       await ctx.progress(2, 2);
 *       ctx.services.events ... // publish with transact(...) so webhooks see it
 *       return { fileId: file.id, url: ctx.fileUrl(file.id) };   // becomes task.result (JSON)
 *     },
 *   };
 *
 * and create tasks with `createTask(services, actor, { kind, input })` (task.service.ts), which
 * returns at once; the task runner (ROLE worker/all) claims it and calls `run`.
 *
 * Contract for `run`: it receives ids, not objects; it must be safe to run again (a crashed
 * worker's task is retried after its lease, up to 3 attempts; `ctx.checkpoint` holds what an
 * earlier attempt saved with `ctx.saveCheckpoint`); it checks `ctx.signal` between pages and
 * throws when aborted (shutdown: the task goes back to the queue). Throw `TaskUserError` (or a
 * DomainError) for a failure whose message users may see; anything else is logged and reported
 * as an unexpected failure.
 */
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import type { Actor, AppServices } from '../../core/services.js';
import type { StoredFile } from '../../generated/prisma/client.js';
import type { Tx } from '../../db/transaction.js';
import type { FileBody } from '../files/file.store.js';

export interface TaskContext<Input = unknown> {
  readonly taskId: string;
  readonly kind: string;
  /** The input given at creation, parsed by the kind's `input` schema. */
  readonly input: Input;
  /** Who created the task (its token's name and role then), for change records and events. */
  readonly actor: Actor;
  /** 1 on the first run, 2+ when a crashed or stopped attempt is retried. */
  readonly attempt: number;
  readonly services: AppServices;
  /** Aborted when the worker stops (or lost the task's lease): stop between pages and throw. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** What an earlier attempt saved with `saveCheckpoint`, or null. */
  readonly checkpoint: unknown;
  /** Reports progress (task status PROGRESS with current/total/percent; subscribers get an event). Call per page or chunk, not per row. */
  progress(current: number, total?: number | null): Promise<void>;
  /** Saves resumable state; pass the transaction that did the work so both commit together. */
  saveCheckpoint(state: unknown, tx?: Tx): Promise<void>;
  /** Streams a file to storage, attached to this task (it expires with the task's result). */
  saveFile(filename: string, contentType: string, body: FileBody): Promise<StoredFile>;
  /** Files attached to this task before it ran (e.g. an import's upload). */
  files(): Promise<StoredFile[]>;
  /** The download link of a stored file (PUBLIC_URL or this instance's URL + /files/<id>). */
  fileUrl(fileId: string): string;
}

export interface TaskKind<Input = unknown, Result = unknown> {
  /** One line for operators and logs. */
  description: string;
  /** Validates the stored input before `run` (a bad input fails the task at once). */
  input: ZodType<Input>;
  /** Does the work; its return value (JSON-serializable) becomes the task's `result`. */
  run(ctx: TaskContext<Input>): Promise<Result>;
}

/** A failure whose message is safe (and useful) to show users as the task's `error`. */
export class TaskUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskUserError';
  }
}

const kinds = new Map<string, TaskKind<any, any>>();

/** Declares a task kind; the same name with another definition is a programming error (the same one again is a no-op). */
export function registerTaskKind<Input, Result>(kind: string, definition: TaskKind<Input, Result>): void {
  if (kinds.get(kind) === definition) return;
  if (kinds.has(kind)) throw new Error(`Task kind "${kind}" is already registered`);
  kinds.set(kind, definition);
}

/** Declares every kind of `declared`, by name (src/registry.ts). */
export function registerTaskKinds(declared: Readonly<Record<string, TaskKind<any, any>>>): void {
  for (const [kind, definition] of Object.entries(declared)) registerTaskKind(kind, definition);
}

export function taskKind(kind: string): TaskKind | undefined {
  return kinds.get(kind);
}

/** Kinds this process can run: the runner only claims these (so a rolling deploy never fails a newer kind). */
export function registeredTaskKinds(): string[] {
  return [...kinds.keys()];
}
