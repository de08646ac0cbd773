/**
 * #/orders: orders filtered by channel, account, status, placed range and order number, newest
 * first, page by page, with the totals per currency of the whole filtered set (orderTotals, not
 * just the page). #/orders?order=<id> opens one order (order-detail.tsx). The list follows order
 * events (new orders, status changes) without a reload.
 */
import { useQuery } from '@urql/preact';
import { canOperate } from './auth';
import { CsvExportButton } from './csv-export-button';
import { useViewer } from './session';
import { useState } from 'preact/hooks';
import { AccountSelect, ChannelSelect, FilterForm, Pager, TextField, useListFilter } from './list-controls';
import { DataTable, ErrorMessage, ListStatus, Section, StatusBadge } from './components';
import { formatAmount, formatTime } from './format';
import { useHashParam } from './hash-params';
import { useT } from './i18n';
import { OrderPage } from './order-detail';
import { ORDERS } from './operations';
import { useFollowOrders } from './orders-follow';
import { ORDER_STATUSES, type OrderFilter, type OrderStatus } from './orders-types';
import { ordersMessages } from './orders.messages';

const PAGE_SIZE = 25;

export function OrdersPage() {
  const orderId = useHashParam('order');
  return orderId ? <OrderPage id={orderId} /> : <OrdersList />;
}

/** A date field's day (local) as the instant it starts; `nextDay` for an exclusive end. */
function dayStart(day: string, nextDay = false): string {
  const d = new Date(`${day}T00:00:00`);
  if (nextDay) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

function OrdersList() {
  const t = useT(ordersMessages);
  const { filter, apply, reset, cursors, setCursors, after } = useListFilter<OrderFilter>();
  const [days, setDays] = useState({ from: '', to: '' });
  const [searchText, setSearchText] = useState('');
  const [result, refetch] = useQuery({ query: ORDERS, variables: { filter, first: PAGE_SIZE, after } });
  useFollowOrders(refetch);

  const page = result.data?.orders;
  const operator = canOperate(useViewer().role);
  const totals = result.data?.orderTotals;

  return (
    <Section title={t('title')} actions={operator ? <CsvExportButton kind="orders" filter={filter} /> : null}>
      <FilterForm
        label={t('filters')}
        apply={t('apply')}
        clear={t('clear')}
        onApply={() => apply({ search: searchText.trim() || undefined })}
        onClear={() => {
          setSearchText('');
          setDays({ from: '', to: '' });
          reset();
        }}
      >
        <ChannelSelect label={t('channel')} allLabel={t('allChannels')} value={filter.channel} onChange={(channel) => apply({ channel })} />
        <AccountSelect label={t('account')} allLabel={t('allAccounts')} value={filter.accountId} onChange={(accountId) => apply({ accountId })} />
        <label>
          {t('status')}
          <select value={filter.status?.[0] ?? ''} onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value as OrderStatus | '';
            apply({ status: v ? [v] : undefined });
          }}>
            <option value="">{t('allStatuses')}</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('placedFrom')}
          <input type="date" value={days.from} onChange={(e) => {
            const from = (e.currentTarget as HTMLInputElement).value;
            setDays((d) => ({ ...d, from }));
            apply({ placedFrom: from ? dayStart(from) : undefined });
          }} />
        </label>
        <label>
          {t('placedTo')}
          <input type="date" value={days.to} onChange={(e) => {
            const to = (e.currentTarget as HTMLInputElement).value;
            setDays((d) => ({ ...d, to }));
            apply({ placedTo: to ? dayStart(to, true) : undefined });
          }} />
        </label>
        <TextField label={t('search')} value={searchText} onInput={setSearchText} />
      </FilterForm>
      <ErrorMessage error={result.error} />
      <ListStatus result={result} what={t('loading')} />
      {totals && totals.length ? (
        <dl class="totals" aria-label={t('totals')}>
          {totals.map((m) => (
            <div key={m.currency} data-currency={m.currency}>
              <dt class="muted small">{m.currency}</dt>
              <dd>{t('totalOf', { amount: formatAmount(m.amount, m.currency), count: m.count })}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {page ? (
        <>
          <DataTable class="orders" columns={[t('colPlaced'), t('colOrder'), t('colAccount'), t('colCustomer'), t('colStatus'), t('colItems'), t('colTotal')]}>
            {page.edges.map(({ node: order }) => (
              <tr key={order.id} data-order-id={order.id}>
                <td class="nowrap">{formatTime(order.placedAt)}</td>
                <th scope="row">
                  <a href={`#/orders?order=${order.id}`}>{order.externalId}</a>
                </th>
                <td>
                  {order.account.name}
                  <div class="muted small">{order.channel}</div>
                </td>
                <td>{order.customer.name ?? '—'}</td>
                <td>
                  <StatusBadge status={t(order.status)} />
                </td>
                <td>{order.itemCount}</td>
                <td class="nowrap">{formatAmount(order.total, order.currency)}</td>
              </tr>
            ))}
          </DataTable>
          {page.edges.length === 0 ? <p class="muted">{t('none')}</p> : null}
          <Pager label={t('pages')} count={t('count', { count: page.totalCount })} cursors={cursors} setCursors={setCursors} pageInfo={page.pageInfo} previous={t('previous')} next={t('next')} />
        </>
      ) : null}
    </Section>
  );
}
