/**
 * The background tasks started from this tab, each followed live through `taskProgress` (its state
 * at once, then every report, then its end). A finished task's files are plain links: signed for
 * that file and short-lived (TaskFile.downloadUrl), re-read before they expire while shown, so a
 * click, "Save link as" or a copied link works without a token, and no token is put in a URL.
 */
import { useQuery, useSubscription } from '@urql/preact';
import { useEffect } from 'preact/hooks';
import { DataTable, ErrorMessage, ProgressBar, StatusBadge } from './components';
import { messages } from './files.messages';
import { formatTime, shortId } from './format';
import { useT } from './i18n';
import { TASK, TASK_PROGRESS } from './operations';

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

export function TaskList({ ids, onForget }: { ids: string[]; onForget(id: string): void }) {
  const t = useT(messages);
  if (!ids.length) return <p class="muted">{t('noTasks')}</p>;
  return (
    <DataTable class="tasks" columns={[t('colTask'), t('colStarted'), t('colProgress'), t('colResult'), '']}>
      {ids.map((id) => (
        <TaskRow key={id} id={id} onForget={() => onForget(id)} />
      ))}
    </DataTable>
  );
}

function TaskRow({ id, onForget }: { id: string; onForget(): void }) {
  const t = useT(messages);
  const [result, refetch] = useQuery({ query: TASK, variables: { id } });
  const [live] = useSubscription({ query: TASK_PROGRESS, variables: { taskId: id } });
  const event = live.data?.taskProgress;
  const task = result.data?.task;
  const finished = task ? FINAL.has(task.status) : false;
  // The end (with its files) is read once the stream says it came.
  useEffect(() => {
    if (event && FINAL.has(event.status) && !finished) refetch({ requestPolicy: 'network-only' });
  }, [event?.status, finished]);
  useEffect(() => {
    if (task?.status !== 'SUCCESS' || !task.files.length) return;
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), LINK_REFRESH_MS);
    return () => clearInterval(timer);
  }, [task?.status, task?.files.length]);

  if (result.data && !task) return null; // expired and deleted by the server
  const status = finished ? task!.status : (event?.status ?? task?.status ?? 'PENDING');
  const percent = finished ? task!.percent : (event?.percent ?? task?.percent ?? 0);
  const kind = task?.kind ?? event?.kind ?? '';
  return (
    <tr data-task-id={id} data-status={status}>
      <th scope="row">
        {kindLabel(t, kind)} <code class="small">{shortId(id)}</code>
      </th>
      <td>{formatTime(task?.createdAt)}</td>
      <td class="progress-cell">
        <ProgressBar percent={percent} status={status} label={`${kindLabel(t, kind)} ${shortId(id)}`} />
      </td>
      <td>
        <ErrorMessage error={result.error ?? live.error} />
        {status === 'FAILURE' ? <span class="bad-text">{task?.error ?? event?.error}</span> : null}
        {finished && task ? <TaskOutcome task={task} /> : null}
      </td>
      <td>
        <button type="button" class="secondary" aria-label={t('forgetOf', { id: shortId(id) })} onClick={onForget}>
          {t('forget')}
        </button>
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
