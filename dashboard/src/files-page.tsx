/**
 * #/files (OPERATOR): batch export (CSV or XLSX, with the batch filters), batch import (an upload
 * through the GraphQL multipart request, with its per-row report) and batch reports (PDF or XLSX).
 * Each starts a background task; the newest tasks of the service are listed below and followed
 * live (files-tasks.tsx).
 */
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorMessage, PayloadErrors, Section, type PayloadError } from './components';
import { TaskList } from './files-tasks';
import { messages } from './files.messages';
import { useT } from './i18n';
import { EXPORT_BATCHES, GENERATE_BATCH_REPORT, IMPORT_BATCHES, REPORT_BATCHES } from './operations';
import { checkedOf, valueOf } from './form-parts';

export function FilesPage() {
  const t = useT(messages);
  const [started, setStarted] = useState(0);
  const [errors, setErrors] = useState<PayloadError[]>([]);
  /** A mutation's payload: the list is read again to show its task, or its refusal is shown. */
  const onStarted = (payload: { task: { id: string } | null; errors: PayloadError[] } | undefined) => {
    setErrors(payload?.errors ?? []);
    if (payload?.task) setStarted((n) => n + 1);
  };

  return (
    <>
      <PayloadErrors errors={errors} />
      <div class="columns">
        <ExportForm onStarted={onStarted} />
        <ImportForm onStarted={onStarted} />
      </div>
      <ReportForm onStarted={onStarted} />
      <Section title={t('tasksTitle')}>
        <p class="hint">{t('tasksHint')}</p>
        <TaskList started={started} />
      </Section>
    </>
  );
}

type Started = (payload: { task: { id: string } | null; errors: PayloadError[] } | undefined) => void;

function FormatSelect({ value, formats, onChange }: { value: string; formats: readonly string[]; onChange(value: string): void }) {
  const t = useT(messages);
  return (
    <label>
      {t('format')}
      <select aria-label={t('format')} value={value} onChange={(e) => onChange(valueOf(e))}>
        {formats.map((f) => (
          <option key={f} value={f}>
            {f}
          </option>
        ))}
      </select>
    </label>
  );
}

function ExportForm({ onStarted }: { onStarted: Started }) {
  const t = useT(messages);
  const [format, setFormat] = useState('CSV');
  const [closed, setClosed] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [state, run] = useMutation(EXPORT_BATCHES);
  const submit = async (e: Event) => {
    e.preventDefault();
    const filter = { ...(closed ? { closed: closed === 'closed' } : {}), ...(from ? { batchDateFrom: from } : {}), ...(to ? { batchDateTo: to } : {}) };
    const answer = await run({ input: { format, filter } });
    onStarted(answer.data?.exportBatches);
  };
  return (
    <Section title={t('exportTitle')}>
      <p class="hint">{t('exportHint')}</p>
      <form class="filters" onSubmit={submit}>
        <FormatSelect value={format} formats={['CSV', 'XLSX']} onChange={setFormat} />
        <label>
          {t('status')}
          <select aria-label={t('status')} value={closed} onChange={(e) => setClosed(valueOf(e))}>
            <option value="">{t('allBatches')}</option>
            <option value="open">{t('open')}</option>
            <option value="closed">{t('closed')}</option>
          </select>
        </label>
        <label>
          {t('dateFrom')}
          <input type="date" value={from} onInput={(e) => setFrom(valueOf(e))} />
        </label>
        <label>
          {t('dateTo')}
          <input type="date" value={to} onInput={(e) => setTo(valueOf(e))} />
        </label>
        <button type="submit" disabled={state.fetching}>
          {t('export')}
        </button>
      </form>
      <ErrorMessage error={state.error} />
    </Section>
  );
}

function ImportForm({ onStarted }: { onStarted: Started }) {
  const t = useT(messages);
  const [file, setFile] = useState<File | null>(null);
  const [updateExisting, setUpdateExisting] = useState(false);
  const [atomic, setAtomic] = useState(false);
  const [state, run] = useMutation(IMPORT_BATCHES);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    const answer = await run({ input: { file, updateExisting, atomic } });
    onStarted(answer.data?.importBatches);
  };
  return (
    <Section title={t('importTitle')}>
      <p class="hint">{t('importHint')}</p>
      <form class="filters" onSubmit={submit}>
        <label>
          {t('file')}
          <input type="file" required accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)} />
        </label>
        <label class="check">
          <input type="checkbox" checked={updateExisting} onChange={(e) => setUpdateExisting(checkedOf(e))} />
          {t('updateExisting')}
        </label>
        <label class="check">
          <input type="checkbox" checked={atomic} onChange={(e) => setAtomic(checkedOf(e))} />
          {t('atomic')}
        </label>
        <button type="submit" disabled={state.fetching || !file}>
          {t('import')}
        </button>
      </form>
      <ErrorMessage error={state.error} />
    </Section>
  );
}

function ReportForm({ onStarted }: { onStarted: Started }) {
  const t = useT(messages);
  const [batches] = useQuery({ query: REPORT_BATCHES });
  const [batchId, setBatchId] = useState('');
  const [format, setFormat] = useState('PDF');
  const [email, setEmail] = useState('');
  const [state, run] = useMutation(GENERATE_BATCH_REPORT);
  const list = batches.data?.batches.edges.map((e) => e.node) ?? [];
  const chosen = batchId || list[0]?.id || '';
  const submit = async (e: Event) => {
    e.preventDefault();
    const answer = await run({ input: { batchId: chosen, format, ...(email.trim() ? { email: email.trim() } : {}) } });
    onStarted(answer.data?.generateBatchReport);
  };
  return (
    <Section title={t('reportTitle')}>
      <p class="hint">{t('reportHint')}</p>
      {batches.data && !list.length ? <p class="muted">{t('noBatches')}</p> : null}
      <form class="filters" onSubmit={submit}>
        <label>
          {t('batch')}
          <select aria-label={t('batch')} value={chosen} onChange={(e) => setBatchId(valueOf(e))}>
            {list.map((b) => (
              <option key={b.id} value={b.id}>
                {t('batchOption', { number: b.batchNumber, date: b.batchDate, nomenclature: b.nomenclature })}
              </option>
            ))}
          </select>
        </label>
        <FormatSelect value={format} formats={['PDF', 'XLSX']} onChange={setFormat} />
        <label>
          {t('email')}
          <input type="email" value={email} onInput={(e) => setEmail(valueOf(e))} />
        </label>
        <button type="submit" disabled={state.fetching || !chosen}>
          {t('generate')}
        </button>
      </form>
      <ErrorMessage error={batches.error ?? state.error} />
    </Section>
  );
}
