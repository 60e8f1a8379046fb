import { Decimal } from './decimal';

const SAFE = Number.MAX_SAFE_INTEGER;
/** decimal.js's base: its digits are stored in words of 7 decimal digits. */
const WORD = 1e7;
/** 10⁰ … 10²², exact doubles. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** 10⁰ … 10⁶, small integers: the divisors within one base-10⁷ word. */
const WORD_POW10: readonly number[] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
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
  // words[i] is worth 10^(7·(⌊e/7⌋ − i)): `place` is that power of ten counted in minor units
  let place = 7 * Math.floor(amount.e / 7) + digits;
  let units = 0;
  for (let i = 0; i < words.length; i++, place -= 7) {
    const word = words[i] as number;
    if (place >= 0) {
      const factor = POW10[place];
      // the leading word worth 10²³ units or more: far beyond 2⁵³
      if (factor === undefined) return undefined;
      units += word * factor;
    } else if (place > -7) {
      const divisor = WORD_POW10[-place] as number;
      if (word % divisor !== 0) return undefined;
      units += word / divisor;
    } else if (word !== 0) {
      return undefined;
    }
  }
  // every term is a non-negative whole number: the sum is exact unless it passes 2⁵³
  if (units > SAFE) return undefined;
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
  if (Number.isSafeInteger(units) && Number.isInteger(digits) && digits >= 0 && digits <= 7) {
    return wordsOf(units, digits);
  }
  const scale = INVERSE_POW10[digits];
  return scale === undefined
    ? new Decimal(units).div(new Decimal(10).pow(digits))
    : new Decimal(units).times(scale);
}

/**
 * The decimal of safe-integer `units` with 0–7 decimals, its documented
 * fields written directly into a new instance (exactly what
 * `new Decimal(units).times('1e-digits')` gives, without the arithmetic):
 * base-10⁷ words aligned on powers of 10⁷, the leading one unpadded, no
 * trailing zero words; `e` the exponent of the leading digit.
 */
function wordsOf(units: number, digits: number): Decimal {
  const decimal = new Decimal(0);
  const fields = decimal as unknown as { d: number[]; e: number; s: number };
  fields.s = units < 0 || (units === 0 && 1 / units < 0) ? -1 : 1;
  const magnitude = Math.abs(units);
  if (magnitude === 0) return decimal;
  const scale = POW10[digits] as number;
  const fraction = magnitude % scale;
  // the whole part (below 2⁵³) in three words, high to low, then the fraction's word
  const whole = (magnitude - fraction) / scale;
  const low = whole % WORD;
  const rest = (whole - low) / WORD;
  const middle = rest % WORD;
  const high = (rest - middle) / WORD;
  const last = fraction * (POW10[7 - digits] as number);
  // array literals, so that each decimal holds an array of its own size
  const wholeWords = high !== 0 ? 3 : middle !== 0 ? 2 : low !== 0 ? 1 : 0;
  const words =
    wholeWords === 3
      ? [high, middle, low, last]
      : wholeWords === 2
        ? [middle, low, last]
        : wholeWords === 1
          ? [low, last]
          : [last];
  while (words[words.length - 1] === 0) words.pop();
  const lead = words[0] as number;
  const leadDigits =
    lead < 10 ? 1 : lead < 100 ? 2 : lead < 1e3 ? 3 : lead < 1e4 ? 4 : lead < 1e5 ? 5 : lead < 1e6 ? 6 : 7;
  fields.e = 7 * (wholeWords - 1) + leadDigits - 1;
  fields.d = words;
  return decimal;
}
