/**
 * A product's listings as rows: price, stock, status, warehouse stock, last sync, the marketplace's
 * rejection reasons and where a user's edit stands on its way to the marketplace. OPERATOR and
 * ADMIN edit price and stock in place (updateListingPrice / updateListingStock); a VIEWER sees the
 * values only. The push state comes from the listing's `pushes`, re-read as push events arrive.
 */
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { canOperate } from './auth';
import { AllocationNote, allocated } from './catalog-pool';
import type { ListingRow, Push } from './catalog-types';
import { catalogMessages } from './catalog.messages';
import { PayloadErrors, StatusBadge, type PayloadError } from './components';
import { formatAmount, formatTime } from './format';
import { useT, type Vars } from './i18n';
import { UPDATE_PRICE, UPDATE_STOCK } from './operations';
import { useViewer } from './session';
import { noteUserChange } from './user-changes';

export type CatalogT = (key: keyof (typeof catalogMessages)['en'], vars?: Vars) => string;

/** The column headings of listingRow's cells. */
export const listingColumns = (t: CatalogT) => [t('colAccount'), t('colPrice'), t('colStock'), t('colStatus'), t('colWarehouses'), t('colLastSync'), t('colRejection'), t('colPush')];

export function ListingRowView({ listing }: { listing: ListingRow }) {
  const t = useT(catalogMessages);
  const operator = canOperate(useViewer().role);
  return (
    <tr data-listing-id={listing.id}>
      <td>
        {listing.account.name}
        <div class="muted small">
          {listing.channel} · {listing.externalId}
        </div>
      </td>
      <td class="nowrap">{operator ? <EditValue listing={listing} kind="PRICE" /> : formatAmount(listing.price, listing.currency)}</td>
      <td class="nowrap">
        {operator && !allocated(listing) ? <EditValue listing={listing} kind="STOCK" /> : listing.stock}
        <AllocationNote allocation={listing.account.stockAllocation} />
      </td>
      <td>
        <StatusBadge status={listing.status} />
        <div class="muted small">{listing.remoteStatus}</div>
      </td>
      <td class="small">{listing.stockByWarehouse.length ? listing.stockByWarehouse.map((w) => `${w.warehouseId}: ${w.stock}`).join(', ') : '—'}</td>
      <td class="small nowrap">{formatTime(listing.lastSeenAt)}</td>
      <td class="small">
        {listing.rejectionReasons.length ? (
          <ul class="reasons">
            {listing.rejectionReasons.map((reason, i) => (
              <li key={i}>{reason}</li>
            ))}
          </ul>
        ) : (
          '—'
        )}
      </td>
      <td class="small">
        {listing.pushes.length ? listing.pushes.map((push) => <PushView key={push.kind} push={push} currency={listing.currency} />) : '—'}
      </td>
    </tr>
  );
}

function PushView({ push, currency }: { push: Push; currency: string }) {
  const t = useT(catalogMessages);
  const what = push.kind === 'PRICE' ? t('pushPrice', { value: formatAmount(push.value, currency) }) : t('pushStock', { value: push.value });
  return (
    <div class="push" data-push-kind={push.kind} data-push-state={push.state}>
      {what}: <span class={`badge badge-${push.state.toLowerCase()}`}>{t(push.state, { attempts: push.attempts })}</span>
      {push.error && (push.state === 'RETRYING' || push.state === 'FAILED') ? <div class="push-error">{push.error}</div> : null}
      {push.nextAttemptAt && push.state === 'RETRYING' ? <div class="muted">{t('nextAttempt', { time: formatTime(push.nextAttemptAt) })}</div> : null}
    </div>
  );
}

/** An in-place edit of the price or the stock: the field shows the value held until the user types. */
function EditValue({ listing, kind }: { listing: ListingRow; kind: 'PRICE' | 'STOCK' }) {
  const t = useT(catalogMessages);
  const held = kind === 'PRICE' ? listing.price : String(listing.stock);
  const [draft, setDraft] = useState<string | null>(null);
  const [errors, setErrors] = useState<PayloadError[]>([]);
  const [priceState, updatePrice] = useMutation(UPDATE_PRICE);
  const [stockState, updateStock] = useMutation(UPDATE_STOCK);
  const busy = priceState.fetching || stockState.fetching;
  const names = { sku: listing.sku, account: listing.account.name };

  const save = async (event: Event) => {
    event.preventDefault();
    const text = (draft ?? held).trim().replace(',', '.');
    if (text === '' || !Number.isFinite(Number(text))) {
      setErrors([{ code: 'VALIDATION', message: t('notANumber') }]);
      return;
    }
    const answer =
      kind === 'PRICE'
        ? (await updatePrice({ input: { listingId: listing.id, price: text } })).data?.updateListingPrice
        : (await updateStock({ input: { listingId: listing.id, stock: Number(text) } })).data?.updateListingStock;
    setErrors(answer?.errors ?? []);
    if (answer && !answer.errors.length) {
      setDraft(null);
      noteUserChange();
    }
  };
  return (
    <form class="inline-edit" onSubmit={(e) => void save(e)}>
      <input
        aria-label={t(kind === 'PRICE' ? 'priceOf' : 'stockOf', names)}
        inputMode={kind === 'PRICE' ? 'decimal' : 'numeric'}
        size={8}
        value={draft ?? held}
        onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)}
      />
      {kind === 'PRICE' ? <span class="muted small">{listing.currency}</span> : null}
      <button type="submit" class="secondary" disabled={busy || draft === null || draft === held} aria-label={t(kind === 'PRICE' ? 'savePriceOf' : 'saveStockOf', names)}>
        {t('save')}
      </button>
      <PayloadErrors errors={errors} />
    </form>
  );
}
