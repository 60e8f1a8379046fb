import { Decimal } from '@crmkit/core';

const SAFE = 9_007_199_254_740_991;
/** 10⁰ … 10²², exact doubles. */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** 10⁰ … 10⁻²² as exact decimals: `units × MINOR[digits]` is the amount, exactly (cheaper than dividing). */
export const MINOR: readonly Decimal[] = POW10.map((_, i) => new Decimal(`1e-${i}`));

/**
 * The amount as a whole number of `digits`-decimal units (cents for 2), or
 * `undefined` when it has more decimals or does not fit a safe integer.
 * Reads decimal.js's documented instance fields (`d`: base-10⁷ words, `e`:
 * exponent, `s`: sign) instead of doing decimal arithmetic: summing integers
 * this way is exact and an order of magnitude faster than `Decimal#plus`,
 * which is what lets one pass over ten million orders stay fast.
 */
export function minorUnits(amount: Decimal, digits: number): number | undefined {
  const words = amount.d;
  if (words === null || words === undefined || words.length === 0) return undefined;
  const head = words[0]!;
  let length =
    head < 10 ? 1 : head < 100 ? 2 : head < 1e3 ? 3 : head < 1e4 ? 4 : head < 1e5 ? 5 : head < 1e6 ? 6 : 7;
  let mantissa = head;
  for (let i = 1; i < words.length; i++) {
    mantissa = mantissa * 1e7 + words[i]!;
    length += 7;
  }
  if (mantissa > SAFE) return undefined;
  const scale = amount.e + 1 - length + digits;
  let units: number;
  if (scale >= 0) {
    const factor = POW10[scale];
    if (factor === undefined) return undefined;
    units = mantissa * factor;
    if (units > SAFE) return undefined;
  } else {
    const divisor = POW10[-scale];
    if (divisor === undefined) return undefined;
    units = mantissa / divisor;
    // cheaper than %: the quotient of exact integers is exact exactly when it is whole
    if (!Number.isInteger(units) || units * divisor !== mantissa) return undefined;
  }
  return amount.s < 0 ? -units : units;
}
