import { DomainError } from '../../core/domain-error.js';

/** Stable codes of refusals when starting a task; the task was not created. */
export const taskErrorCodes = ['VALIDATION', 'NOT_FOUND', 'FILE_TOO_LARGE', 'UNSUPPORTED_FORMAT', 'EMPTY_FILE'] as const;

export type TaskErrorCode = (typeof taskErrorCodes)[number];

/** When each code is returned (the enum values' descriptions in the schema). */
export const taskErrorMeanings = {
  VALIDATION: 'An input value breaks a rule; `field` names it.',
  NOT_FOUND: 'The batch the task would work on does not exist.',
  FILE_TOO_LARGE: 'The uploaded file is over the upload limit (UPLOAD_MAX_BYTES); nothing was imported.',
  UNSUPPORTED_FORMAT: 'The file is neither CSV nor XLSX by its name, content type or first bytes; give `format` or upload a .csv or .xlsx file.',
  EMPTY_FILE: 'The uploaded file has no bytes.',
} as const satisfies Record<TaskErrorCode, string>;

export const taskError = (code: TaskErrorCode, message: string, field: string[] | null = null) => new DomainError<TaskErrorCode>(code, message, field);

/** The batch a task would work on does not exist (input.batchId). */
export const taskBatchNotFound = (id: string) => taskError('NOT_FOUND', `No batch with id ${id}`, ['input', 'batchId']);
