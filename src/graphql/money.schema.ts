import { builder } from './builder.js';

/** An amount in one currency. Sums never mix currencies: a total is a list of these, one per currency. */
export const MoneyAmount = builder.simpleObject('MoneyAmount', {
  description: 'An amount of money in one currency. Totals are lists of these, one per currency, never summed across currencies.',
  fields: (t) => ({
    currency: t.string({ description: 'ISO 4217 code.' }),
    amount: t.field({ type: 'Decimal', description: 'The amount in that currency\'s major unit, as an exact decimal string ("1250.00" is 1250, not cents).' }),
  }),
});
