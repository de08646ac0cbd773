/** Adding a custom sync schedule, or editing any schedule's timing, mode, scope and enabled state. */
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { loadAccounts } from './accounts-panel';
import { ErrorMessage, PayloadErrors, Section, type PayloadError } from './components';
import { useT } from './i18n';
import { CREATE_SCHEDULE, UPDATE_SCHEDULE } from './operations';
import { useLoad } from './paging';
import type { ScheduleDetail } from './schedules-page';
import { messages } from './schedules.messages';
import { FormButtons, valueOf } from './form-parts';

const MODES = ['INCREMENTAL', 'FULL'] as const;
const SCOPES = ['ALL', 'PRODUCTS', 'ORDERS'] as const;


export function ScheduleForm({ schedule, onCancel, onSaved }: { schedule: ScheduleDetail | null; onCancel(): void; onSaved(saved: { nextFireAt: string | null }): void }) {
  const t = useT(messages);
  const [accounts] = useLoad((client, policy) => (schedule ? Promise.resolve([]) : loadAccounts(client, policy)));
  const [accountId, setAccountId] = useState('');
  const [timing, setTiming] = useState<'interval' | 'cron'>(schedule?.cron ? 'cron' : 'interval');
  const [minutes, setMinutes] = useState(schedule?.intervalSeconds ? String(schedule.intervalSeconds / 60) : '60');
  const [cron, setCron] = useState(schedule?.cron ?? '0 2 * * *');
  const [timeZone, setTimeZone] = useState(schedule?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [mode, setMode] = useState<string>(schedule?.mode ?? 'INCREMENTAL');
  const [scope, setScope] = useState<string>(schedule?.scope ?? 'ALL');
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const [errors, setErrors] = useState<PayloadError[]>([]);
  const [createState, create] = useMutation(CREATE_SCHEDULE);
  const [updateState, update] = useMutation(UPDATE_SCHEDULE);
  const sync = !schedule || schedule.kind === 'SYNC';
  const chosenAccount = accountId || accounts.data?.[0]?.id || '';

  const save = async (e: Event) => {
    e.preventDefault();
    const input = {
      ...(timing === 'cron' ? { cron: cron.trim(), timeZone: timeZone.trim() } : { intervalSeconds: Math.round(Number(minutes) * 60) }),
      enabled,
      ...(sync ? { mode, scope } : {}),
    };
    const answer = schedule ? await update({ input: { id: schedule.id, ...input } }) : await create({ input: { accountId: chosenAccount, ...input } });
    const payload = answer.data ? ('updateSchedule' in answer.data ? answer.data.updateSchedule : answer.data.createSchedule) : null;
    setErrors(payload?.errors ?? []);
    if (payload?.schedule) onSaved(payload.schedule);
  };

  return (
    <Section title={schedule ? t('formEdit', { key: schedule.key }) : t('formAdd')}>
      <form class="schedule-form" onSubmit={save}>
        <ErrorMessage error={accounts.error ?? createState.error ?? updateState.error} />
        <PayloadErrors errors={errors} />
        <div class="form-grid">
          {schedule ? null : (
            <label>
              {t('account')}
              <select aria-label={t('account')} value={chosenAccount} onChange={(e) => setAccountId(valueOf(e))}>
                {accounts.data?.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({a.channel})
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            {t('timing')}
            <select aria-label={t('timing')} value={timing} onChange={(e) => setTiming(valueOf(e) as 'interval' | 'cron')}>
              <option value="interval">{t('interval')}</option>
              <option value="cron">{t('cron')}</option>
            </select>
          </label>
          {timing === 'interval' ? (
            <label>
              {t('minutes')}
              <input type="number" min={0.25} step="any" required value={minutes} onInput={(e) => setMinutes(valueOf(e))} />
            </label>
          ) : (
            <>
              <label>
                {t('cronField')}
                <input required value={cron} onInput={(e) => setCron(valueOf(e))} />
              </label>
              <label>
                {t('timeZone')}
                <input required value={timeZone} onInput={(e) => setTimeZone(valueOf(e))} />
              </label>
            </>
          )}
          {sync ? (
            <>
              <label>
                {t('mode')}
                <select aria-label={t('mode')} value={mode} onChange={(e) => setMode(valueOf(e))}>
                  {MODES.map((m) => (
                    <option key={m} value={m}>
                      {t(`mode${m}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('scope')}
                <select aria-label={t('scope')} value={scope} onChange={(e) => setScope(valueOf(e))}>
                  {SCOPES.map((s) => (
                    <option key={s} value={s}>
                      {t(`scope${s}`)}
                    </option>
                  ))}
                </select>
              </label>
            </>
          ) : null}
          <label class="check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.currentTarget as HTMLInputElement).checked)} />
            {t('enabledField')}
          </label>
        </div>
        <FormButtons save={t('save')} cancel={t('cancel')} busy={createState.fetching || updateState.fetching || (!schedule && !chosenAccount)} onCancel={onCancel} />
      </form>
    </Section>
  );
}
