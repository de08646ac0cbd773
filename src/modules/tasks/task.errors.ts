import { DomainError } from '../../core/domain-error.js';

/** Stable codes of refusals when starting a task; the task was not created. */
export const taskErrorCodes = ['VALIDATION', 'NOT_FOUND', 'FILE_TOO_LARGE', 'UNSUPPORTED_FORMAT', 'EMPTY_FILE'] as const;

export type TaskErrorCode = (typeof taskErrorCodes)[number];

export const taskError = (code: TaskErrorCode, message: string, field: string[] | null = null) => new DomainError<TaskErrorCode>(code, message, field);

/** The batch a task would work on does not exist (input.batchId). */
export const taskBatchNotFound = (id: string) => taskError('NOT_FOUND', `No batch with id ${id}`, ['input', 'batchId']);
