/**
 * The newest background tasks of the service (the `tasks` connection: exports, imports, reports,
 * aggregations, whoever started them and from wherever), each still running followed live through
 * `taskProgress` (its state at once, then every report, then its end, when the list is read again).
 * A finished task's files are plain links: signed for that file and short-lived
 * (TaskFile.downloadUrl), re-read before they expire while shown, so a click, "Save link as" or a
 * copied link works without a token, and no token is put in a URL.
 */
import { useQuery, useSubscription } from '@urql/preact';
import { useEffect } from 'preact/hooks';
import { DataTable, ErrorMessage, ListStatus, ProgressBar } from './components';
import { useOnReconnect } from './connection';
import { messages } from './files.messages';
import { formatTime, shortId } from './format';
import { useT } from './i18n';
import { RECENT_TASKS, TASK_PROGRESS, TASKS_SHOWN } from './operations';

export interface TaskFileLink {
  id: string;
  filename: string;
  size: number;
  downloadUrl: string;
}

export interface TaskDetail {
  id: string;
  kind: string;
  status: 'PENDING' | 'PROGRESS' | 'SUCCESS' | 'FAILURE';
  percent: number;
  result: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  files: TaskFileLink[];
}

/** Links are signed for 5 minutes: read them again a minute before. */
const LINK_REFRESH_MS = 4 * 60_000;
const FINAL = new Set(['SUCCESS', 'FAILURE']);

/** The newest tasks; read again when `started` changes (a task was started here) and when one ends. */
export function TaskList({ started }: { started: number }) {
  const t = useT(messages);
  const [result, refetch] = useQuery({ query: RECENT_TASKS, variables: { first: TASKS_SHOWN } });
  const reread = () => refetch({ requestPolicy: 'network-only' });
  useEffect(() => {
    if (started) reread();
  }, [started]);
  useOnReconnect(reread);
  const tasks = result.data?.tasks.edges.map((edge) => edge.node) ?? [];
  const links = tasks.some((task) => task.files.length > 0);
  useEffect(() => {
    if (!links) return;
    const timer = setInterval(reread, LINK_REFRESH_MS);
    return () => clearInterval(timer);
  }, [links]);

  return (
    <>
      <ErrorMessage error={result.error} />
      <ListStatus result={result} what={t('tasksTitle')} empty={!tasks.length}>
        {t('noTasks')}
      </ListStatus>
      {tasks.length ? (
        <DataTable class="tasks" columns={[t('colTask'), t('colStarted'), t('colProgress'), t('colResult')]}>
          {tasks.map((task) => (
            <TaskRow key={task.id} task={task} onEnd={reread} />
          ))}
        </DataTable>
      ) : null}
    </>
  );
}

function TaskRow({ task, onEnd }: { task: TaskDetail; onEnd(): void }) {
  const t = useT(messages);
  const finished = FINAL.has(task.status);
  const [live] = useSubscription({ query: TASK_PROGRESS, variables: { taskId: task.id }, pause: finished });
  const event = finished ? undefined : live.data?.taskProgress;
  // The end (with its files) is read with the list once the stream says it came.
  useEffect(() => {
    if (event && FINAL.has(event.status)) onEnd();
  }, [event?.status]);

  const status = event?.status ?? task.status;
  const label = `${kindLabel(t, task.kind)} ${shortId(task.id)}`;
  return (
    <tr data-task-id={task.id} data-status={status}>
      <th scope="row">
        {kindLabel(t, task.kind)} <code class="small">{shortId(task.id)}</code>
      </th>
      <td>{formatTime(task.createdAt)}</td>
      <td class="progress-cell">
        <ProgressBar percent={event?.percent ?? task.percent} status={status} label={label} />
      </td>
      <td>
        <ErrorMessage error={live.error} />
        {status === 'FAILURE' ? <span class="bad-text">{task.error ?? event?.error}</span> : null}
        {finished ? <TaskOutcome task={task} /> : null}
      </td>
    </tr>
  );
}

function kindLabel(t: ReturnType<typeof useT<keyof (typeof messages)['en']>>, kind: string): string {
  return kind === 'exportBatches' || kind === 'importBatches' || kind === 'generateBatchReport' ? t(`kind_${kind}`) : kind;
}

interface ImportRowError {
  row: number;
  field: string | null;
  message: string;
}

/** What a finished task produced: rows exported, rows imported (with each refused row), and its files. */
function TaskOutcome({ task }: { task: TaskDetail }) {
  const t = useT(messages);
  const r = task.result ?? {};
  const rowErrors = Array.isArray(r.errors) ? (r.errors as ImportRowError[]) : [];
  return (
    <>
      {typeof r.rows === 'number' && task.kind === 'exportBatches' ? <div>{t('exportedRows', { count: r.rows })}</div> : null}
      {task.kind === 'importBatches' ? <div class="import-summary">{t('imported', { created: Number(r.created ?? 0), updated: Number(r.updated ?? 0), failed: Number(r.failed ?? 0) })}</div> : null}
      {rowErrors.length ? (
        <ul class="row-errors small">
          {rowErrors.slice(0, 20).map((e, i) => (
            <li key={i}>{t('rowError', { row: e.row, field: e.field ?? '—', message: e.message })}</li>
          ))}
        </ul>
      ) : null}
      {task.files.map((file) => (
        <div key={file.id}>
          <a href={file.downloadUrl} download={file.filename} rel="noreferrer">
            {t('download', { name: file.filename })}
          </a>{' '}
          <span class="muted small">{t('size', { size: (file.size / 1024).toFixed(1) })}</span>
        </div>
      ))}
    </>
  );
}
