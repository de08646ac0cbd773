/**
 * #/schedules: the scheduler switch (OPERATOR pauses and resumes it for every instance) and every
 * schedule with its timing and next firing; ADMIN edits any schedule (defaults included), adds
 * custom sync schedules and deletes them.
 */
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { canOperate, isAdmin } from './auth';
import { DataTable, ErrorMessage, ListStatus, PayloadErrors, Section, StatusBadge, type PayloadError } from './components';
import { formatTime } from './format';
import { useT } from './i18n';
import { DELETE_SCHEDULE, PAUSE_SCHEDULER, RESUME_SCHEDULER, SCHEDULER_STATUS, SCHEDULE_DETAILS } from './operations';
import { fetchAllNodes, useLoad } from './paging';
import { messages } from './schedules.messages';
import { ScheduleForm } from './schedules-form';
import { useViewer } from './session';
import { Notice } from './form-parts';

export interface ScheduleDetail {
  id: string;
  key: string;
  kind: 'SYNC' | 'LOG_RETENTION' | 'TASK_RETENTION' | 'STATS_REFRESH';
  isDefault: boolean;
  account: { id: string; name: string } | null;
  cron: string | null;
  intervalSeconds: number | null;
  timeZone: string;
  mode: 'INCREMENTAL' | 'FULL' | null;
  scope: 'ALL' | 'PRODUCTS' | 'ORDERS' | null;
  enabled: boolean;
  nextFireAt: string | null;
  lastFiredAt: string | null;
  lastError: string | null;
  lastRun: { id: string; status: string } | null;
}

export interface SchedulerStatus {
  paused: boolean;
  pausedAt: string | null;
  pausedBy: string | null;
}

type Editing = { mode: 'create' } | { mode: 'edit'; schedule: ScheduleDetail } | null;

export function SchedulesPage() {
  const t = useT(messages);
  const { role } = useViewer();
  const admin = isAdmin(role);
  const [schedules, reload] = useLoad((client, policy) => fetchAllNodes(client, SCHEDULE_DETAILS, (data) => data.schedules, policy));
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [errors, setErrors] = useState<PayloadError[]>([]);
  const [deleteState, remove] = useMutation(DELETE_SCHEDULE);

  const onDelete = async (schedule: ScheduleDetail) => {
    if (!window.confirm(t('confirmDelete', { key: schedule.key }))) return;
    const answer = await remove({ id: schedule.id });
    const payload = answer.data?.deleteSchedule;
    setErrors(payload?.errors ?? []);
    if (payload?.schedule) setNotice(t('deleted'));
    reload();
  };

  const list = schedules.data ?? [];
  return (
    <>
      <SchedulerPanel onChange={() => reload()} />
      <Section
        title={t('title')}
        actions={
          admin ? (
            <button type="button" onClick={() => (setNotice(null), setEditing({ mode: 'create' }))}>
              {t('add')}
            </button>
          ) : null
        }
      >
        <ErrorMessage error={schedules.error ?? deleteState.error} />
        <PayloadErrors errors={errors} />
        <Notice text={notice} />
        <ListStatus result={schedules} what={t('loading')} empty={list.length === 0}>
          {t('none')}
        </ListStatus>
        {list.length ? (
          <DataTable class="schedules" columns={[t('colWhat'), t('colTiming'), t('colMode'), t('colEnabled'), t('colNext'), t('colLast'), admin && t('colActions')]}>
            {list.map((schedule) => (
              <tr key={schedule.id} data-schedule-key={schedule.key}>
                <th scope="row">
                  {schedule.account?.name ?? t(`kind${schedule.kind}`)}
                  <div class="muted small">
                    {[schedule.account ? t(`kind${schedule.kind}`) : null, schedule.isDefault ? t('builtIn') : t('custom')].filter(Boolean).join(' · ')} · <code>{schedule.key}</code>
                  </div>
                </th>
                <td>{timingText(t, schedule)}</td>
                <td>{schedule.mode ? `${schedule.mode} / ${schedule.scope ?? ''}` : '—'}</td>
                <td>{schedule.enabled ? <StatusBadge status="ENABLED" /> : <StatusBadge status="DISABLED" />}</td>
                <td class="nowrap">{schedule.enabled ? formatTime(schedule.nextFireAt) : '—'}</td>
                <td>
                  {schedule.lastFiredAt ? formatTime(schedule.lastFiredAt) : <span class="muted">{t('never')}</span>}
                  {schedule.lastRun ? (
                    <>
                      {' '}
                      <StatusBadge status={schedule.lastRun.status} />
                    </>
                  ) : null}
                  {schedule.lastError ? <div class="bad-text small">{schedule.lastError}</div> : null}
                </td>
                {admin ? (
                  <td class="actions">
                    <button type="button" class="secondary" aria-label={t('editLabel', { key: schedule.key })} onClick={() => (setNotice(null), setEditing({ mode: 'edit', schedule }))}>
                      {t('edit')}
                    </button>
                    {schedule.isDefault ? null : (
                      <button type="button" class="danger" aria-label={t('deleteLabel', { key: schedule.key })} disabled={deleteState.fetching} onClick={() => onDelete(schedule)}>
                        {t('delete')}
                      </button>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </DataTable>
        ) : null}
      </Section>
      {admin && editing ? (
        <ScheduleForm
          key={editing.mode === 'edit' ? editing.schedule.id : 'new'}
          schedule={editing.mode === 'edit' ? editing.schedule : null}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setNotice(t('saved', { time: formatTime(saved.nextFireAt) }));
            reload();
          }}
        />
      ) : null}
    </>
  );
}

export function timingText(t: (key: keyof (typeof messages)['en'], vars?: Record<string, string | number>) => string, schedule: Pick<ScheduleDetail, 'cron' | 'intervalSeconds' | 'timeZone'>): string {
  if (schedule.cron) return t('cronIn', { cron: schedule.cron, zone: schedule.timeZone });
  const seconds = schedule.intervalSeconds ?? 0;
  return seconds % 60 === 0 ? t('everyMinutes', { count: seconds / 60 }) : t('everySeconds', { count: seconds });
}

/** The scheduler switch every instance obeys: paused, by whom and since when. */
function SchedulerPanel({ onChange }: { onChange(): void }) {
  const t = useT(messages);
  const operator = canOperate(useViewer().role);
  const [status, refetch] = useQuery({ query: SCHEDULER_STATUS });
  const [pauseState, pause] = useMutation(PAUSE_SCHEDULER);
  const [resumeState, resume] = useMutation(RESUME_SCHEDULER);
  const [errors, setErrors] = useState<PayloadError[]>([]);
  const current = status.data?.schedulerStatus;
  const toggle = async () => {
    const answer = current?.paused ? await resume({}) : await pause({});
    const payload = answer.data ? ('pauseScheduler' in answer.data ? answer.data.pauseScheduler : answer.data.resumeScheduler) : null;
    setErrors(payload?.errors ?? []);
    refetch({ requestPolicy: 'network-only' });
    onChange();
  };
  return (
    <Section
      title={t('scheduler')}
      actions={
        operator && current ? (
          <button type="button" class={current.paused ? '' : 'secondary'} disabled={pauseState.fetching || resumeState.fetching} onClick={toggle}>
            {current.paused ? t('resume') : t('pause')}
          </button>
        ) : null
      }
    >
      <ErrorMessage error={status.error ?? pauseState.error ?? resumeState.error} />
      <PayloadErrors errors={errors} />
      {current ? (
        <p class={current.paused ? 'notice scheduler-paused' : 'scheduler-running'} role="status">
          {current.paused ? t('paused', { time: formatTime(current.pausedAt), who: current.pausedBy ?? '—' }) : t('running')}
        </p>
      ) : null}
    </Section>
  );
}
