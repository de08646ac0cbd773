/** A background task as it changes (created, each progress report, finished); see src/modules/tasks. */
export interface TaskProgressEvent {
  taskId: string;
  kind: string;
  status: 'PENDING' | 'PROGRESS' | 'SUCCESS' | 'FAILURE';
  progressCurrent: number;
  progressTotal: number | null;
  percent: number;
  result: unknown;
  error: string | null;
  attempts: number;
  /** ISO 8601. */
  at: string;
}
