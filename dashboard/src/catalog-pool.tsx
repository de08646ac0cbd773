/**
 * The stock pool on the catalog: a product's on hand, reserved and available (what allocation shares
 * among the channels), and per listing the account's allocation rule. A listing under allocation takes
 * its stock from the pool, so it offers no stock edit (adjust the pool instead).
 */
import type { Allocation, ListingRow, Pool } from './catalog-types';
import { catalogMessages } from './catalog.messages';
import { useT } from './i18n';

export const allocated = (listing: ListingRow) => (listing.account.stockAllocation?.mode ?? 'OFF') !== 'OFF';

export function PoolFigures({ pool }: { pool: Pool }) {
  const t = useT(catalogMessages);
  return (
    <span class="muted small" data-pool>
      {' · '}
      {t('pool', { onHand: pool.onHand, reserved: pool.reserved, available: pool.available })}
      {pool.oversold > 0 ? <strong class="bad-text"> · {t('oversold', { count: pool.oversold })}</strong> : null}
    </span>
  );
}

export function AllocationNote({ allocation }: { allocation: Allocation | null }) {
  const t = useT(catalogMessages);
  if (!allocation || allocation.mode === 'OFF') return null;
  const key = allocation.mode === 'SHARE' ? 'allocShare' : allocation.mode === 'CAP' ? 'allocCap' : 'allocBuffer';
  return <div class="muted small">{t(key, { value: allocation.value })}</div>;
}
