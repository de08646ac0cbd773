/**
 * Money as decimal strings, computed in scaled bigints so totals never pick up float error.
 * SCALE = 4 decimals covers eMAG's four-decimal prices.
 */
const SCALE = 4;
const FACTOR = 10n ** BigInt(SCALE);

/** Parses "42.0100", "-5", 499.9 or 1390 into units of 10^-4. */
export function toUnits(value: string | number): bigint {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const match = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new Error(`not a decimal: ${text}`);
  const [, sign, whole = '', fraction = ''] = match;
  const frac = fraction.padEnd(SCALE + 1, '0');
  let units = BigInt(whole || '0') * FACTOR + BigInt(frac.slice(0, SCALE));
  if (Number(frac[SCALE]) >= 5) units += 1n; // half-up on the fifth decimal
  return sign === '-' ? -units : units;
}

/** Units back to a decimal string with `decimals` places (half-up). */
export function fromUnits(units: bigint, decimals = 2): string {
  const negative = units < 0n;
  let abs = negative ? -units : units;
  const drop = 10n ** BigInt(SCALE - decimals);
  abs = (abs + drop / 2n) / drop;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const frac = decimals > 0 ? `.${(abs % base).toString().padStart(decimals, '0')}` : '';
  return `${negative && abs !== 0n ? '-' : ''}${whole}${frac}`;
}

/** Normalises a vendor amount to a decimal string with `decimals` places. */
export function toDecimal(value: string | number, decimals = 2): string {
  return fromUnits(toUnits(value), decimals);
}

/** a × b for two unit values. */
export function mulUnits(a: bigint, b: bigint): bigint {
  const product = a * b;
  const half = FACTOR / 2n;
  return product >= 0n ? (product + half) / FACTOR : (product - half) / FACTOR;
}

export function isDecimalString(value: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(value.trim());
}

function numberToPlain(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  // toFixed avoids exponent notation for small and large values.
  return value.toFixed(6);
}
