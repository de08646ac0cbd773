/** Words of the production figures panel (figures-panel.tsx). */
import { defineMessages } from './i18n';

export const figuresMessages = defineMessages('figures', {
  title: 'Figures',
  computed: 'as of {time}',
  computedHint: 'Figures as computed at this time; they are computed again after every batch change.',
  refreshing: 'updating…',
  batches: 'Batches',
  batchesValue: '{total} ({open} open)',
  units: 'Units aggregated',
  unitsValue: '{aggregated} of {total} ({rate})',
  products: 'Products',
  productsValue: '{total} ({out} out of stock)',
  orders: 'Orders today',
  sync: 'Sync success (24 h)',
  syncValue: { one: '{rate} of {count} run', other: '{rate} of {count} runs' },
});
