import { Decimal, type Order } from '@crmkit/core';

/**
 * A factor of the earning arithmetic (points per currency unit, a
 * multiplier less one), as a decimal and, when its digits fit, as an exact
 * integer count of `10^-scale` (`1.5` is `15` at scale 1).
 */
export type Factor = { readonly decimal: Decimal; readonly units?: number; readonly scale?: number };

/** A {@link Factor} of a decimal. */
export function factorOf(decimal: Decimal): Factor {
  const fixed = decimal.isNegative() ? undefined : unitsOf(decimal);
  return fixed === undefined ? { decimal } : { decimal, units: fixed.units, scale: fixed.scale };
}

/**
 * The largest units and scale among the factors (and 1, the base line's),
 * for the bound of the integer arithmetic; `undefined` when a factor has no
 * exact integer form, which keeps every order on decimal.js.
 */
export function largestFactor(factors: readonly Factor[]): { units: number; scale: number } | undefined {
  let units = 1;
  let scale = 0;
  for (const f of factors) {
    if (f.units === undefined || f.scale === undefined) return undefined;
    units = Math.max(units, f.units);
    scale = Math.max(scale, f.scale);
  }
  return { units, scale };
}

/** A decimal.js rounding mode (`Decimal.ROUND_FLOOR`…). */
type Rounding = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** The earning arithmetic of one order: amounts of its lines, and points from them. */
export interface Amounts {
  /** Σ price × quantity of the lines at `indices`, scaled down by an order-level discount. */
  sum(indices: readonly number[]): Decimal | number;
  isZero(amount: Decimal | number): boolean;
  /** `amount × perUnit × factor`, rounded to whole points. */
  points(amount: Decimal | number, perUnit: Factor, factor?: Factor): number;
  /** The amount as a decimal string (`'24.6'`). */
  text(amount: Decimal | number): string;
}

/** Integers stay exact in a double up to here; every product of the integer path stays below it. */
const MAX = Number.MAX_SAFE_INTEGER;
/** Powers of ten a double holds exactly (and whose products with safe integers the checks bound). */
const MAX_SCALE = 15;
const POWERS = Array.from({ length: MAX_SCALE + 1 }, (_, i) => 10 ** i);

/**
 * The arithmetic of an order: on safe integers when every amount, the
 * programme's factors (`perUnit`, and `factors` at their largest) and every
 * product of them fit, and no order-level discount scales the lines; on
 * decimal.js otherwise. Both give the same results: the integers are exact,
 * and decimal.js is exact at these sizes (40 significant digits).
 */
export function amountsOf(
  order: Order,
  rounding: Rounding,
  perUnit: Factor,
  largest: { readonly units: number; readonly scale: number } | undefined,
): Amounts {
  return (
    (largest && IntegerAmounts.of(order, rounding, perUnit, largest)) || new DecimalAmounts(order, rounding)
  );
}

class DecimalAmounts implements Amounts {
  private readonly values: Decimal[];
  private readonly scale: Decimal;

  constructor(
    order: Order,
    private readonly rounding: Rounding,
  ) {
    this.values = order.lines.map((l) => l.unitPrice.amount.times(l.quantity));
    const linesTotal = this.values.reduce((s, v) => s.plus(v), new Decimal(0));
    this.scale =
      linesTotal.isZero() || order.total.amount.greaterThanOrEqualTo(linesTotal)
        ? new Decimal(1)
        : order.total.amount.dividedBy(linesTotal);
  }

  sum(indices: readonly number[]): Decimal {
    return indices.reduce((s, i) => s.plus(this.values[i]!), new Decimal(0)).times(this.scale);
  }

  isZero(amount: Decimal | number): boolean {
    return (amount as Decimal).isZero();
  }

  points(amount: Decimal | number, perUnit: Factor, factor?: Factor): number {
    const product = (amount as Decimal).times(perUnit.decimal);
    return (factor ? product.times(factor.decimal) : product).toDecimalPlaces(0, this.rounding).toNumber();
  }

  text(amount: Decimal | number): string {
    return (amount as Decimal).toFixed();
  }
}

class IntegerAmounts implements Amounts {
  /** The integer arithmetic of an order when everything fits (see {@link amountsOf}), or `undefined`. */
  static of(
    order: Order,
    rounding: Rounding,
    perUnit: Factor,
    largest: { readonly units: number; readonly scale: number },
  ): IntegerAmounts | undefined {
    if (perUnit.units === undefined) return undefined;
    const { lines } = order;
    const prices: { units: number; scale: number }[] = [];
    let scale = 0;
    for (const line of lines) {
      const price = unitsOf(line.unitPrice.amount);
      if (price === undefined) return undefined;
      prices.push(price);
      if (price.scale > scale) scale = price.scale;
    }
    const values: number[] = [];
    let linesTotal = 0;
    for (let i = 0; i < prices.length; i++) {
      const value = prices[i]!.units * POWERS[scale - prices[i]!.scale]! * lines[i]!.quantity;
      linesTotal += value;
      if (value > MAX || linesTotal > MAX) return undefined;
      values.push(value);
    }
    // an order-level discount scales every line by total / lines total: no longer whole units
    const total = unitsOf(order.total.amount);
    if (total === undefined) return undefined;
    const common = Math.max(scale, total.scale);
    const a = total.units * POWERS[common - total.scale]!;
    const b = linesTotal * POWERS[common - scale]!;
    if (a > MAX || b > MAX || (linesTotal !== 0 && a < b)) return undefined;
    // the largest product any line can ask for: every sum is at most the lines total
    if (scale + perUnit.scale! + largest.scale > MAX_SCALE) return undefined;
    if (linesTotal * perUnit.units * largest.units > MAX) return undefined;
    return new IntegerAmounts(values, scale, rounding);
  }

  private constructor(
    /** Each line's price × quantity, in units of `10^-scale`. */
    private readonly values: readonly number[],
    private readonly scale: number,
    private readonly rounding: Rounding,
  ) {}

  sum(indices: readonly number[]): number {
    let sum = 0;
    for (const i of indices) sum += this.values[i]!;
    return sum;
  }

  isZero(amount: Decimal | number): boolean {
    return amount === 0;
  }

  points(amount: Decimal | number, perUnit: Factor, factor?: Factor): number {
    let n = (amount as number) * perUnit.units!;
    let places = this.scale + perUnit.scale!;
    if (factor) {
      n *= factor.units!;
      places += factor.scale!;
    }
    return roundDivision(n, POWERS[places]!, this.rounding);
  }

  text(amount: Decimal | number): string {
    return unitsText(amount as number, this.scale);
  }
}

/**
 * A non-negative decimal as an integer count of `10^-scale` (the fewest
 * places), when it fits a safe integer. Reads decimal.js's public fields
 * (`d`: the digits in words of 7, the first without leading zeros; `e`: the
 * exponent of the first digit) rather than formatting a string.
 */
function unitsOf(decimal: Decimal): { units: number; scale: number } | undefined {
  const { d: words, e, s } = decimal;
  if (s < 0 || !words || words.length === 0) return undefined;
  let units = words[0]!;
  let digits = 1;
  for (let power = 10; power <= units; power *= 10) digits++;
  for (let i = 1; i < words.length; i++) {
    units = units * 1e7 + words[i]!;
    digits += 7;
  }
  if (units > MAX) return undefined;
  // the value is units × 10^(e − digits + 1)
  let exponent = e - digits + 1;
  while (exponent < 0 && units % 10 === 0 && units !== 0) {
    units /= 10;
    exponent++;
  }
  if (exponent >= 0) {
    if (exponent > MAX_SCALE) return undefined;
    units *= POWERS[exponent]!;
    return units <= MAX ? { units, scale: 0 } : undefined;
  }
  return -exponent <= MAX_SCALE && units <= MAX ? { units, scale: -exponent } : undefined;
}

/** `units / 10^scale` as decimal.js writes it: no trailing zeros. */
function unitsText(units: number, scale: number): string {
  if (scale === 0) return String(units);
  const digits = String(units).padStart(scale + 1, '0');
  const whole = digits.slice(0, -scale);
  const fraction = digits.slice(-scale).replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

/** `n / d` (non-negative safe integers, `d` a power of ten) rounded to an integer with decimal.js's `rounding` mode. */
function roundDivision(n: number, d: number, rounding: Rounding): number {
  const rest = n % d;
  const quotient = (n - rest) / d;
  if (rest === 0) return quotient;
  switch (rounding) {
    case Decimal.ROUND_UP:
    case Decimal.ROUND_CEIL:
      return quotient + 1;
    case Decimal.ROUND_HALF_UP:
    case Decimal.ROUND_HALF_CEIL:
      return 2 * rest >= d ? quotient + 1 : quotient;
    case Decimal.ROUND_HALF_DOWN:
    case Decimal.ROUND_HALF_FLOOR:
      return 2 * rest > d ? quotient + 1 : quotient;
    case Decimal.ROUND_HALF_EVEN:
      return 2 * rest > d || (2 * rest === d && quotient % 2 === 1) ? quotient + 1 : quotient;
    default:
      // ROUND_DOWN, ROUND_FLOOR: the amounts are never negative
      return quotient;
  }
}
