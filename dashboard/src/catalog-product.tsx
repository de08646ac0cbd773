/**
 * #/catalog?product=<id>: one product, its listings (edited in place like the list), its units sold
 * per day (productTrends: a chart, and the same figures as a table for screen readers) and its
 * change history: the product's and its listings' edits and synced changes together, newest first.
 */
import { useMutation, useQuery } from '@urql/preact';
import { canOperate } from './auth';
import { ListingRowView, listingColumns } from './catalog-listings';
import { CATALOG_REFETCH_MS, useCatalogEvents } from './catalog-hooks';
import type { Change } from './catalog-types';
import { catalogMessages } from './catalog.messages';
import { DataTable, ErrorMessage, Loading, PayloadErrors, Section } from './components';
import { useOnReconnect } from './connection';
import { formatTime } from './format';
import { useCoalesced } from './hooks';
import { Fact } from './fact';
import { useT } from './i18n';
import { DayChart } from './history-charts';
import { PRODUCT, PRODUCT_TRENDS, SET_HIDDEN } from './operations';
import { useViewer } from './session';
import { noteUserChange } from './user-changes';

export function ProductPage({ id }: { id: string }) {
  const t = useT(catalogMessages);
  const operator = canOperate(useViewer().role);
  const [result, refetch] = useQuery({ query: PRODUCT, variables: { id } });
  const reread = () => refetch({ requestPolicy: 'network-only' });
  useCoalesced(useCatalogEvents(), CATALOG_REFETCH_MS, reread);
  useOnReconnect(reread);
  const [hiddenState, setHidden] = useMutation(SET_HIDDEN);
  const product = result.data?.product;
  const back = (
    <p>
      <a href="#/catalog">← {t('back')}</a>
    </p>
  );
  if (!result.data) return <>{back}{result.error ? <ErrorMessage error={result.error} /> : <Loading what={t('loading')} />}</>;
  if (!product) return <>{back}<p class="muted">{t('notFound')}</p></>;

  const history: (Change & { where: string })[] = [
    ...product.changes.map((c) => ({ ...c, where: t('theProduct') })),
    ...product.listings.flatMap((l) => l.changes.map((c) => ({ ...c, where: `${l.account.name} (${l.channel})` }))),
  ].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const hideButton = operator ? (
    <button type="button" class="secondary" disabled={hiddenState.fetching} onClick={() =>
        void setHidden({ input: { productId: product.id, hidden: !product.hidden } }).then(() => {
          noteUserChange();
          reread();
        })
      }>
      {product.hidden ? t('show') : t('hide')}
    </button>
  ) : null;

  return (
    <>
      {back}
      <Section title={t('productTitle', { sku: product.sku, name: product.name })} actions={hideButton}>
        <ErrorMessage error={hiddenState.error} />
        <PayloadErrors errors={hiddenState.data?.setProductHidden.errors} />
        <dl class="stats">
          <Fact label={t('sku')} value={product.sku} />
          <Fact label={t('cost')} value={product.cost ?? '—'} />
          <Fact label={t('colStock')} value={String(product.totalStock)} />
          <Fact label={t('visibility')} value={product.hidden ? t('hiddenOnly') : t('visibleOnly')} />
          <Fact label={t('created')} value={formatTime(product.createdAt)} />
          <Fact label={t('updated')} value={formatTime(product.updatedAt)} />
        </dl>
      </Section>
      <Section title={t('listings')}>
        {product.listings.length ? (
          <DataTable class="catalog" columns={listingColumns(t)}>
            {product.listings.map((listing) => (
              <ListingRowView key={listing.id} listing={listing} />
            ))}
          </DataTable>
        ) : (
          <p class="muted">{t('noListings')}</p>
        )}
      </Section>
      <Trends id={product.id} />
      <Section title={t('history')}>
        {history.length ? (
          <DataTable class="history" columns={[t('colWhen'), t('colWhere'), t('colField'), t('colOld'), t('colNew'), t('colWho'), t('colSource')]}>
            {history.map((c) => (
              <tr key={c.id} data-change-field={c.field}>
                <td class="nowrap">{formatTime(c.createdAt)}</td>
                <td>{c.where}</td>
                <td>{c.field}</td>
                <td>{c.oldValue ?? '—'}</td>
                <td>{c.newValue ?? '—'}</td>
                <td>{c.actor}</td>
                <td>{t(c.source as 'USER' | 'SYNC' | 'CONFLICT_RESOLUTION')}</td>
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

/** Units sold per day over the last 30 days: bars drawn by uPlot (loaded with the chart), and the same series as a table. */
function Trends({ id }: { id: string }) {
  const t = useT(catalogMessages);
  const [result] = useQuery({ query: PRODUCT_TRENDS, variables: { id } });
  const trend = result.data?.productTrends;
  return (
    <Section title={t('trends')}>
      <ErrorMessage error={result.error} />
      {trend ? (
        <figure data-units={trend.days.map((d) => d.unitsSold).join()}>
          <DayChart
            days={trend.days.map((d) => d.date)}
            series={[{ label: t('unitsSold'), color: 'var(--accent)', values: trend.days.map((d) => d.unitsSold) }]}
            stacked
            dayLabel={t('colDay')}
            label={t('trendSummary', { count: trend.unitsSold, from: trend.from, to: trend.to })}
          />
          <details class="history-table">
            <summary>{t('asTable')}</summary>
            <DataTable class="trend-days" columns={[t('colDay'), t('unitsSold')]}>
              {trend.days.map((d) => (
                <tr key={d.date} data-day={d.date}>
                  <th scope="row">{d.date}</th>
                  <td>{d.unitsSold}</td>
                </tr>
              ))}
            </DataTable>
          </details>
        </figure>
      ) : result.fetching ? (
        <Loading what={t('trends')} />
      ) : null}
    </Section>
  );
}
