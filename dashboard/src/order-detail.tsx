/**
 * #/orders?order=<id>: one order with its lines and their catalog products, the customer, the
 * marketplace's status beside Stockline's, the status edit (OPERATOR, ADMIN) and its history.
 */
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { canOperate } from './auth';
import { DataTable, ErrorMessage, Loading, PayloadErrors, Section, StatusBadge } from './components';
import { formatAmount, formatTime } from './format';
import { Fact } from './fact';
import { useT } from './i18n';
import { ORDER, UPDATE_ORDER_STATUS } from './operations';
import { useFollowOrders } from './orders-follow';
import { ORDER_STATUSES, type OrderStatus } from './orders-types';
import { ordersMessages } from './orders.messages';
import { useViewer } from './session';
import { noteUserChange } from './user-changes';

export function OrderPage({ id }: { id: string }) {
  const t = useT(ordersMessages);
  const operator = canOperate(useViewer().role);
  const [result, refetch] = useQuery({ query: ORDER, variables: { id } });
  const reread = useFollowOrders(refetch);
  const [statusState, updateStatus] = useMutation(UPDATE_ORDER_STATUS);
  const [choice, setChoice] = useState<OrderStatus | null>(null);
  const [saved, setSaved] = useState(false);
  const order = result.data?.order;
  const back = (
    <p>
      <a href="#/orders">← {t('back')}</a>
    </p>
  );
  if (!result.data) return <>{back}{result.error ? <ErrorMessage error={result.error} /> : <Loading what={t('loading')} />}</>;
  if (!order) return <>{back}<p class="muted">{t('notFound')}</p></>;

  const save = async (event: Event) => {
    event.preventDefault();
    if (!choice) return;
    const answer = await updateStatus({ input: { orderId: order.id, status: choice } });
    const ok = !!answer.data && answer.data.updateOrderStatus.errors.length === 0;
    setSaved(ok);
    if (ok) {
      noteUserChange();
      setChoice(null);
      reread();
    }
  };

  return (
    <>
      {back}
      <Section title={t('orderTitle', { number: order.externalId })}>
        <dl class="stats">
          <Fact label={t('colPlaced')} value={formatTime(order.placedAt)} />
          <Fact label={t('colAccount')} value={`${order.account.name} (${order.channel})`} />
          <Fact label={t('colStatus')} value={t(order.status)} />
          <Fact label={t('remoteStatus')} value={order.remoteStatus} />
          <Fact label={t('colTotal')} value={formatAmount(order.total, order.currency)} />
          <Fact label={t('colCustomer')} value={order.customer.name ?? '—'} />
          <Fact label={t('email')} value={order.customer.email ?? '—'} />
          <Fact label={t('phone')} value={order.customer.phone ?? '—'} />
        </dl>
        {order.statusEditedAt ? <p class="muted small">{t('edited', { time: formatTime(order.statusEditedAt) })}</p> : null}
        {operator ? (
          <form class="filters" onSubmit={(e) => void save(e)}>
            <label>
              {t('changeStatus')}
              <select value={choice ?? order.status} onChange={(e) => {
                setSaved(false);
                setChoice((e.currentTarget as HTMLSelectElement).value as OrderStatus);
              }}>
                {ORDER_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(s)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" disabled={statusState.fetching || !choice || choice === order.status}>
              {t('save')}
            </button>
            {saved ? (
              <span class="notice" role="status">
                {t('saved')}
              </span>
            ) : null}
          </form>
        ) : null}
        <ErrorMessage error={statusState.error} />
        <PayloadErrors errors={statusState.data?.updateOrderStatus.errors} />
      </Section>
      <Section title={t('items')}>
        <DataTable columns={[t('colPosition'), t('colSku'), t('colName'), t('colProduct'), t('colQuantity'), t('colPrice'), t('colLineTotal')]}>
          {order.items.map((item) => (
            <tr key={item.id}>
              <td>{item.position}</td>
              <td>{item.sku}</td>
              <td>{item.name ?? '—'}</td>
              <td>{item.product ? <a href={`#/catalog?product=${item.product.id}`}>{item.product.name}</a> : <span class="muted">{t('noProduct')}</span>}</td>
              <td>{item.quantity}</td>
              <td class="nowrap">{formatAmount(item.price, order.currency)}</td>
              <td class="nowrap">{formatAmount(item.lineTotal, order.currency)}</td>
            </tr>
          ))}
        </DataTable>
      </Section>
      <Section title={t('history')}>
        {order.changes.length ? (
          <DataTable columns={[t('colWhen'), t('colField'), t('colOld'), t('colNew'), t('colWho')]}>
            {order.changes.map((c) => (
              <tr key={c.id}>
                <td class="nowrap">{formatTime(c.createdAt)}</td>
                <td>{c.field}</td>
                <td>{c.oldValue ? <StatusBadge status={c.oldValue} /> : '—'}</td>
                <td>{c.newValue ? <StatusBadge status={c.newValue} /> : '—'}</td>
                <td>{c.actor}</td>
              </tr>
            ))}
          </DataTable>
        ) : (
          <p class="muted">{t('noHistory')}</p>
        )}
      </Section>
    </>
  );
}
