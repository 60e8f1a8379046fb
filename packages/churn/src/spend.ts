import { Decimal, type Decimal as DecimalValue } from '@crmkit/core';

const SAFE = Number.MAX_SAFE_INTEGER;
/** 10⁰ … 10²², exact doubles. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** 10⁰ … 10⁻²² as exact decimals: `units × MINOR[digits]` turns minor units into an amount, exactly. */
const MINOR: readonly DecimalValue[] = POW10.map((_, i) => new Decimal(`1e-${i}`));

/**
 * The amount as a whole number of `digits`-decimal units (cents for 2), or
 * `undefined` when it has more decimals or does not fit a safe integer.
 * Reads decimal.js's documented instance fields (`d`: base-10⁷ words, `e`:
 * exponent, `s`: sign) instead of doing decimal arithmetic.
 */
export function minorUnits(amount: DecimalValue, digits: number): number | undefined {
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
    // the quotient of exact integers is exact exactly when it is whole
    if (!Number.isInteger(units) || units * divisor !== mantissa) return undefined;
  }
  return amount.s < 0 ? -units : units;
}

/**
 * A running sum of amounts in one currency, kept exact: as whole minor units
 * (plain integer additions, no decimal objects) while every amount is a whole
 * number of minor units and the sum stays below 2⁵³, and as a `Decimal` from
 * the first amount that is not.
 */
export class SpendSum {
  /** The sum in minor units, while {@link SpendSum.exact} is undefined. */
  units = 0;
  /** The sum as a decimal, once it could not stay in minor units. */
  exact: DecimalValue | undefined;

  constructor(readonly digits: number) {}

  add(amount: DecimalValue, sign: 1 | -1): void {
    if (this.exact === undefined) {
      const units = minorUnits(amount, this.digits);
      const sum = units === undefined ? Number.NaN : this.units + sign * units;
      if (Number.isSafeInteger(sum)) {
        this.units = sum;
        return;
      }
      this.exact = this.decimal();
    }
    this.exact = sign > 0 ? this.exact.plus(amount) : this.exact.minus(amount);
  }

  /** The sum, exactly. */
  decimal(): DecimalValue {
    return this.exact ?? new Decimal(this.units).times(MINOR[this.digits]!);
  }
}
