import { CurrencySchema, currencyDigits, Decimal, Money, minorUnitsToDecimal, parseWith } from '@crmkit/core';
import type { paretoShare } from './pareto';
import { invalid } from './source';

/**
 * {@link paretoShare} over amounts in whole minor units of one currency
 * (cents for EUR: `1999` is 19.99 EUR), one number per customer, with no
 * `Money` per customer: the same result as `paretoShare` over the
 * corresponding `Money` values (the sums are exact: safe integers, or
 * decimals beyond 2⁵³). Throws `ValidationError` for an unknown currency,
 * a `topShare` outside [0, 1], or an entry that is not a safe integer
 * (path `['units', index]`).
 *
 * @example
 * ```ts
 * const result = paretoShareOfMinorUnits(Int32Array.of(5000, 2000, 1000, 1000, 1000), 'EUR', 0.2);
 * result.topValue?.amount.toFixed(2); // '50.00'
 * result.share?.toString(); // '0.5'
 * ```
 */
export function paretoShareOfMinorUnits(
  units: ArrayLike<number>,
  currency: string,
  topShare: number,
): ReturnType<typeof paretoShare> {
  const code = parseWith(CurrencySchema, 'Pareto currency', currency);
  if (!(Number.isFinite(topShare) && topShare >= 0 && topShare <= 1))
    invalid('Pareto share', ['topShare'], 'must be a number from 0 to 1');
  if (units === null || typeof units !== 'object' || typeof units.length !== 'number')
    invalid('Pareto values', ['units'], 'must be an array of whole minor units');
  const n = units.length;
  const sorted = new Float64Array(n);
  let magnitude = 0;
  for (let i = 0; i < n; i++) {
    const u = units[i];
    if (!Number.isSafeInteger(u))
      invalid('Pareto values', ['units', i], 'must be a safe integer of minor units');
    sorted[i] = u! + 0;
    magnitude += Math.abs(u!);
  }
  if (n === 0) return { customers: 0, top: 0, topValue: null, total: null, share: null };
  sorted.sort().reverse();
  const top = Math.ceil(topShare * n - 1e-9);
  const digits = currencyDigits(code) ?? 2;
  const [topUnits, totalUnits] =
    magnitude <= Number.MAX_SAFE_INTEGER ? sums(sorted, top) : decimalSums(sorted, top);
  const topValue = toDecimal(topUnits, digits);
  const total = toDecimal(totalUnits, digits);
  return {
    customers: n,
    top,
    topValue: Money.of(topValue, code),
    total: Money.of(total, code),
    share: total.isZero() ? null : topValue.dividedBy(total),
  };
}

function sums(sorted: Float64Array, top: number): [number, number] {
  let topUnits = 0;
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    total += sorted[i]!;
    if (i < top) topUnits += sorted[i]!;
  }
  return [topUnits, total];
}

function decimalSums(sorted: Float64Array, top: number): [Decimal, Decimal] {
  let topUnits = new Decimal(0);
  let total = new Decimal(0);
  for (let i = 0; i < sorted.length; i++) {
    total = total.plus(sorted[i]!);
    if (i < top) topUnits = topUnits.plus(sorted[i]!);
  }
  return [topUnits, total];
}

function toDecimal(units: number | Decimal, digits: number): Decimal {
  return typeof units === 'number' ? minorUnitsToDecimal(units, digits) : units.dividedBy(10 ** digits);
}
