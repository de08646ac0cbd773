/** Stable codes of refusals when starting a task; the task was not created. */
export const taskErrorCodes = ['VALIDATION', 'NOT_FOUND', 'FILE_TOO_LARGE', 'UNSUPPORTED_FORMAT', 'EMPTY_FILE'] as const;

export type TaskErrorCode = (typeof taskErrorCodes)[number];
