/**
 * #/catalog: products with their listings per channel, filtered by channel, account, search, stock,
 * visibility, rejection and change time, page by page; price and stock edited in place with the
 * push's state shown live (the page follows listing events: edits, synced values and every step
 * of a push). #/catalog?product=<id> opens one product (catalog-product.tsx).
 */
import { useQuery } from '@urql/preact';
import { canOperate } from './auth';
import { CsvExportButton } from './csv-export-button';
import { useViewer } from './session';
import { useState } from 'preact/hooks';
import { ListingRowView, listingColumns } from './catalog-listings';
import { ProductPage } from './catalog-product';
import type { ProductFilter } from './catalog-types';
import { PoolFigures } from './catalog-pool';
import { catalogMessages } from './catalog.messages';
import { DataTable, ErrorMessage, ListStatus, Section } from './components';
import { useOnReconnect } from './connection';
import { useHashParam } from './hash-params';
import { useCoalesced } from './hooks';
import { useT } from './i18n';
import { PRODUCTS } from './operations';
import { CATALOG_REFETCH_MS, useCatalogEvents } from './catalog-hooks';
import { AccountSelect, ChannelSelect, FilterForm, Pager, TextField, useListFilter } from './list-controls';

/** Products a page: with their listings, within the API's query complexity limit. */
const PAGE_SIZE = 20;
export function CatalogPage() {
  const productId = useHashParam('product');
  return productId ? <ProductPage id={productId} /> : <CatalogList />;
}

/** A select of "any" plus two answers, for the boolean filters. */
function TriState({ label, value, options, onChange }: { label: string; value: boolean | undefined; options: [string, string, string]; onChange(value: boolean | undefined): void }) {
  return (
    <label>
      {label}
      <select value={value === undefined ? '' : value ? 'yes' : 'no'} onChange={(e) => {
        const v = (e.currentTarget as HTMLSelectElement).value;
        onChange(v === '' ? undefined : v === 'yes');
      }}>
        <option value="">{options[0]}</option>
        <option value="yes">{options[1]}</option>
        <option value="no">{options[2]}</option>
      </select>
    </label>
  );
}

function CatalogList() {
  const t = useT(catalogMessages);
  const { filter, apply, reset, cursors, setCursors, after } = useListFilter<ProductFilter>();
  const [searchText, setSearchText] = useState('');
  const [result, refetch] = useQuery({ query: PRODUCTS, variables: { filter, first: PAGE_SIZE, after } });
  const reread = () => refetch({ requestPolicy: 'network-only' });
  useCoalesced(useCatalogEvents(), CATALOG_REFETCH_MS, reread);
  useOnReconnect(reread);

  const page = result.data?.products;
  const operator = canOperate(useViewer().role);
  const columns = listingColumns(t);

  return (
    <Section title={t('title')} actions={operator ? <CsvExportButton kind="products" filter={filter} /> : null}>
      <FilterForm
        label={t('filters')}
        apply={t('apply')}
        clear={t('clear')}
        onApply={() => apply({ search: searchText.trim() || undefined })}
        onClear={() => {
          setSearchText('');
          reset();
        }}
      >
        <ChannelSelect label={t('channel')} allLabel={t('allChannels')} value={filter.channel} onChange={(channel) => apply({ channel })} />
        <AccountSelect label={t('account')} allLabel={t('allAccounts')} value={filter.accountId} onChange={(accountId) => apply({ accountId })} />
        <TextField label={t('search')} placeholder={t('searchHint')} value={searchText} onInput={setSearchText} />
        <TriState label={t('stock')} value={filter.outOfStock} options={[t('anyStock'), t('outOfStock'), t('inStock')]} onChange={(outOfStock) => apply({ outOfStock })} />
        <TriState label={t('visibility')} value={filter.hidden} options={[t('anyVisibility'), t('hiddenOnly'), t('visibleOnly')]} onChange={(hidden) => apply({ hidden })} />
        <label>
          {t('changedSince')}
          <input type="datetime-local" value={filter.changedSince ? toLocalInput(filter.changedSince) : ''} onChange={(e) => {
            const v = (e.currentTarget as HTMLInputElement).value;
            apply({ changedSince: v ? new Date(v).toISOString() : undefined });
          }} />
        </label>
        <label class="check">
          <input type="checkbox" checked={filter.rejected === true} onChange={(e) => apply({ rejected: (e.currentTarget as HTMLInputElement).checked || undefined })} />
          {t('rejectedOnly')}
        </label>
      </FilterForm>
      <ErrorMessage error={result.error} />
      <ListStatus result={result} what={t('loading')} />
      {page ? (
        <>
          <DataTable class="catalog" columns={columns} bodies>
            {page.edges.map(({ node: product }) => (
              <tbody key={product.id} data-product-id={product.id}>
                <tr class="product-row">
                  <th scope="rowgroup" colSpan={columns.length}>
                    <a href={`#/catalog?product=${product.id}`}>
                      {product.sku} — {product.name}
                    </a>{' '}
                    {product.hidden ? <span class="badge">{t('hidden')}</span> : null}
                    <span class="muted small"> · {t('totalStock', { count: product.totalStock })}</span>
                    <PoolFigures pool={product.stock} />
                  </th>
                </tr>
                {product.listings.length ? (
                  product.listings.map((listing) => <ListingRowView key={listing.id} listing={listing} />)
                ) : (
                  <tr>
                    <td colSpan={columns.length} class="muted">
                      {t('noListings')}
                    </td>
                  </tr>
                )}
              </tbody>
            ))}
          </DataTable>
          {page.edges.length === 0 ? <p class="muted">{t('none')}</p> : null}
          <Pager label={t('pages')} count={t('count', { count: page.totalCount })} cursors={cursors} setCursors={setCursors} pageInfo={page.pageInfo} previous={t('previous')} next={t('next')} />
        </>
      ) : null}
    </Section>
  );
}

/** An ISO time as the value of a datetime-local field (local time, minutes). */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
