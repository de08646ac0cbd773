/**
 * "Export CSV" for the catalog and orders lists: starts exportProducts / exportOrders with the
 * filters on screen, follows the background task, then offers the file as a download link. The
 * file is fetched with the session's bearer token and handed to the browser as a local blob, so no
 * token ever appears in a URL.
 */
import { useClient, useMutation } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { storedToken } from './auth';
import type { ProductFilter } from './catalog-types';
import { ErrorMessage, PayloadErrors, type PayloadError } from './components';
import { exportMessages } from './export.messages';
import { useT } from './i18n';
import { EXPORT_ORDERS, EXPORT_PRODUCTS, EXPORT_TASK } from './operations';
import type { OrderFilter } from './orders-types';

export interface ExportTask {
  id: string;
  status: 'PENDING' | 'PROGRESS' | 'SUCCESS' | 'FAILURE';
  percent: number;
  result: { url: string; filename: string; rows: number } | null;
  error: string | null;
}

/** How often a running export is asked about. */
const POLL_MS = 500;

type Props = { kind: 'products'; filter: ProductFilter } | { kind: 'orders'; filter: OrderFilter };

export function CsvExportButton(props: Props) {
  const t = useT(exportMessages);
  const client = useClient();
  const [productsState, exportProducts] = useMutation(EXPORT_PRODUCTS);
  const [ordersState, exportOrders] = useMutation(EXPORT_ORDERS);
  const [task, setTask] = useState<ExportTask | null>(null);
  const [errors, setErrors] = useState<PayloadError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [file, setFile] = useState<{ href: string; filename: string; rows: number } | null>(null);

  // The link's blob is freed when a newer export replaces it or the page goes.
  useEffect(() => () => (file ? URL.revokeObjectURL(file.href) : undefined), [file]);

  // Follows the task until it settles, then fetches its file.
  useEffect(() => {
    if (!task || task.status === 'SUCCESS' || task.status === 'FAILURE') return;
    const timer = setTimeout(async () => {
      const answer = await client.query(EXPORT_TASK, { id: task.id }, { requestPolicy: 'network-only' }).toPromise();
      const next = answer.data?.task;
      if (!next) return setFailure(answer.error?.message ?? '?');
      if (next.status === 'SUCCESS' && next.result) await fetchFile(next.result);
      if (next.status === 'FAILURE') setFailure(next.error ?? '?');
      setTask(next);
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [task]);

  const fetchFile = async (result: NonNullable<ExportTask['result']>) => {
    const response = await fetch(result.url, { headers: { authorization: `Bearer ${storedToken() ?? ''}` } });
    if (!response.ok) return setFailure(`HTTP ${response.status}`);
    setFile({ href: URL.createObjectURL(await response.blob()), filename: result.filename, rows: result.rows });
  };

  const start = async () => {
    setFile(null);
    setFailure(null);
    const payload = props.kind === 'products' ? (await exportProducts({ filter: props.filter })).data?.exportProducts : (await exportOrders({ filter: props.filter })).data?.exportOrders;
    setErrors(payload?.errors ?? []);
    setTask(payload?.task ?? null);
  };
  const running = !!task && task.status !== 'SUCCESS' && task.status !== 'FAILURE';
  const busy = running || productsState.fetching || ordersState.fetching;

  return (
    <span class="csv-export">
      <button type="button" class="secondary" disabled={busy} onClick={() => void start()}>
        {running ? t('exporting', { percent: Math.floor(task!.percent) }) : t('exportCsv')}
      </button>
      {file ? (
        <a href={file.href} download={file.filename}>
          {t('ready', { filename: file.filename, count: file.rows })}
        </a>
      ) : null}
      <ErrorMessage error={productsState.error ?? ordersState.error ?? (failure ? t('failed', { error: failure }) : null)} />
      <PayloadErrors errors={errors} />
    </span>
  );
}
