import { Decimal } from './decimal';

const SAFE = Number.MAX_SAFE_INTEGER;
/** 10⁰ … 10²², exact doubles. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** 10⁰ … 10⁻²² as exact decimals: multiplying by them is exact and cheaper than dividing. */
const INVERSE_POW10: readonly Decimal[] = POW10.map((_, i) => new Decimal(`1e-${i}`));

/**
 * An amount as a whole number of `digits`-decimal units (cents for 2) in a
 * plain `number`, or `undefined` when it has more decimals than `digits` or
 * does not fit a safe integer. For hot loops that sum millions of amounts
 * exactly: integer additions below 2⁵³ are exact and far cheaper than
 * `Decimal#plus`. It reads decimal.js's documented instance fields (`d`
 * digits in base-10⁷ words, `e` exponent, `s` sign) instead of doing decimal
 * arithmetic.
 *
 * @example
 * ```ts
 * decimalToMinorUnits(new Decimal('19.99'), 2); // 1999
 * decimalToMinorUnits(new Decimal('0.125'), 2); // undefined (finer than a cent)
 * ```
 */
export function decimalToMinorUnits(amount: Decimal, digits: number): number | undefined {
  const words = amount.d;
  if (words === null || words === undefined || words.length === 0) return undefined;
  const head = words[0] as number;
  let length =
    head < 10 ? 1 : head < 100 ? 2 : head < 1e3 ? 3 : head < 1e4 ? 4 : head < 1e5 ? 5 : head < 1e6 ? 6 : 7;
  let mantissa = head;
  for (let i = 1; i < words.length; i++) {
    let word = words[i] as number;
    let size = 7;
    // the last word is padded with zeros to 7 digits (19.99 is [19, 9900000]): drop them
    if (i === words.length - 1) {
      while (size > 0 && word % 10 === 0) {
        word /= 10;
        size--;
      }
    }
    mantissa = mantissa * (POW10[size] as number) + word;
    length += size;
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
 * The exact decimal amount of a whole number of `digits`-decimal units: the
 * inverse of {@link decimalToMinorUnits}.
 *
 * @example
 * ```ts
 * minorUnitsToDecimal(1999, 2).toString(); // '19.99'
 * ```
 */
export function minorUnitsToDecimal(units: number, digits: number): Decimal {
  const scale = INVERSE_POW10[digits];
  return scale === undefined
    ? new Decimal(units).div(new Decimal(10).pow(digits))
    : new Decimal(units).times(scale);
}
