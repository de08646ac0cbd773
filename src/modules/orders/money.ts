/** An amount in one currency; amounts of different currencies are never added together. */
export interface MoneyAmount {
  /** ISO 4217 code. */
  currency: string;
  /** Exact decimal as a string, such as "12.50". */
  amount: string;
}

/** Adds amounts of the same currency exactly (in cents); currencies stay apart, sorted by code. */
export function sumByCurrency(amounts: MoneyAmount[]): MoneyAmount[] {
  const cents = new Map<string, bigint>();
  for (const { currency, amount } of amounts) cents.set(currency, (cents.get(currency) ?? 0n) + toCents(amount));
  return [...cents.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, c]) => ({ currency, amount: fromCents(c) }));
}

const toCents = (amount: string): bigint => {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = amount.replace(/^-/, '').split('.');
  const value = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
  return negative ? -value : value;
};
const fromCents = (cents: bigint): string => {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
};
