import DecimalJs from 'decimal.js';
import { type CurrencyCode, currencyDigits } from './currency';
import { Decimal, type DecimalValue, toDecimal } from './decimal';
import { CurrencyMismatchError, InvalidMoneyError } from './errors';

/**
 * How to round an amount that has more digits than wanted. Always explicit:
 * crmkit never rounds money silently.
 *
 * - `half-even`: to nearest, ties to even (banker's rounding; the default)
 * - `half-up`: to nearest, ties away from zero (commercial rounding)
 * - `half-down`: to nearest, ties toward zero
 * - `up` / `down`: away from / toward zero
 * - `ceil` / `floor`: toward +∞ / −∞
 *
 * @example
 * ```ts
 * Money.of('2.345', 'EUR').round('half-up').toString(); // '2.35 EUR'
 * ```
 */
export type RoundingMode = 'half-even' | 'half-up' | 'half-down' | 'up' | 'down' | 'ceil' | 'floor';

const ROUNDING: Record<RoundingMode, DecimalJs.Rounding> = {
  'half-even': DecimalJs.ROUND_HALF_EVEN,
  'half-up': DecimalJs.ROUND_HALF_UP,
  'half-down': DecimalJs.ROUND_HALF_DOWN,
  up: DecimalJs.ROUND_UP,
  down: DecimalJs.ROUND_DOWN,
  ceil: DecimalJs.ROUND_CEIL,
  floor: DecimalJs.ROUND_FLOOR,
};

/**
 * The JSON form of {@link Money}: the amount as a decimal string, so that no
 * float ever carries money across a wire.
 *
 * @example
 * ```ts
 * const json: MoneyJson = { amount: '19.99', currency: 'EUR' };
 * ```
 */
export interface MoneyJson {
  /** Exact decimal string, e.g. `'19.99'`. */
  readonly amount: string;
  /** ISO 4217 code. */
  readonly currency: CurrencyCode;
}

/**
 * An immutable amount of money: a decimal.js amount and an ISO 4217
 * currency. Arithmetic is exact; rounding happens only when asked for, with
 * an explicit {@link RoundingMode}; combining two currencies throws
 * {@link CurrencyMismatchError}.
 *
 * @example
 * ```ts
 * const price = Money.of('19.99', 'EUR');
 * price.times(3).toString(); // '59.97 EUR'
 * Money.of('100', 'EUR').allocate([1, 1, 1]).map(String); // ['33.34 EUR', '33.33 EUR', '33.33 EUR']
 * ```
 */
export class Money {
  /** The exact amount. */
  readonly amount: Decimal;
  /** ISO 4217 currency code. */
  readonly currency: CurrencyCode;

  private constructor(amount: Decimal, currency: CurrencyCode) {
    this.amount = amount;
    this.currency = currency;
    Object.freeze(this);
  }

  /**
   * Creates money from an exact decimal value. Throws
   * {@link InvalidMoneyError} for a non-finite amount or an unknown currency.
   *
   * @example
   * ```ts
   * Money.of('19.99', 'EUR');
   * Money.of(5, 'JPY');
   * ```
   */
  static of(amount: DecimalValue, currency: string): Money {
    if (currencyDigits(currency) === undefined) {
      throw new InvalidMoneyError(`unknown ISO 4217 currency ${JSON.stringify(currency)}`, { currency });
    }
    const value = toDecimal(amount);
    if (value === undefined) {
      throw new InvalidMoneyError(`amount ${String(amount)} is not a finite decimal`, {
        amount: String(amount),
      });
    }
    return new Money(value, currency);
  }

  /**
   * Zero in a currency.
   *
   * @example
   * ```ts
   * Money.zero('USD').isZero(); // true
   * ```
   */
  static zero(currency: string): Money {
    return Money.of(0, currency);
  }

  /**
   * Creates money from a whole number of minor units (cents).
   *
   * @example
   * ```ts
   * Money.fromMinorUnits(1999, 'EUR').toString(); // '19.99 EUR'
   * ```
   */
  static fromMinorUnits(minor: number | bigint | string, currency: string): Money {
    const units = toDecimal(typeof minor === 'bigint' ? minor.toString() : minor);
    if (units === undefined || !units.isInteger()) {
      throw new InvalidMoneyError(`minor units must be a whole number, got ${String(minor)}`);
    }
    const digits = currencyDigits(currency);
    if (digits === undefined)
      throw new InvalidMoneyError(`unknown ISO 4217 currency ${JSON.stringify(currency)}`);
    return new Money(units.dividedBy(new Decimal(10).pow(digits)), currency);
  }

  /**
   * Reads the JSON form back (see {@link Money.toJSON}).
   *
   * @example
   * ```ts
   * Money.fromJSON({ amount: '1.50', currency: 'GBP' }).toString(); // '1.5 GBP'
   * ```
   */
  static fromJSON(json: MoneyJson): Money {
    return Money.of(json.amount, json.currency);
  }

  /**
   * Adds up amounts of one currency. An empty list needs the currency.
   *
   * @example
   * ```ts
   * Money.sum([Money.of(1, 'EUR'), Money.of('2.5', 'EUR')]).toString(); // '3.5 EUR'
   * Money.sum([], 'EUR').isZero(); // true
   * ```
   */
  static sum(items: Iterable<Money>, currency?: string): Money {
    let total: Money | undefined = currency === undefined ? undefined : Money.zero(currency);
    for (const item of items) total = total === undefined ? item : total.plus(item);
    if (total === undefined) throw new InvalidMoneyError('Money.sum of an empty list needs a currency');
    return total;
  }

  /**
   * Tells whether a value is a Money instance.
   *
   * @example
   * ```ts
   * Money.isMoney(Money.zero('EUR')); // true
   * ```
   */
  static isMoney(value: unknown): value is Money {
    return value instanceof Money;
  }

  /** Number of minor-unit digits of this currency (2 for EUR). */
  get minorDigits(): number {
    return currencyDigits(this.currency) ?? 2;
  }

  /**
   * Exact sum. Throws {@link CurrencyMismatchError} across currencies.
   *
   * @example
   * ```ts
   * Money.of('0.1', 'EUR').plus(Money.of('0.2', 'EUR')).toString(); // '0.3 EUR'
   * ```
   */
  plus(other: Money): Money {
    this.assertSameCurrency(other, 'add');
    return new Money(this.amount.plus(other.amount), this.currency);
  }

  /**
   * Exact difference. Throws {@link CurrencyMismatchError} across currencies.
   *
   * @example
   * ```ts
   * Money.of(10, 'EUR').minus(Money.of('0.01', 'EUR')).toString(); // '9.99 EUR'
   * ```
   */
  minus(other: Money): Money {
    this.assertSameCurrency(other, 'subtract');
    return new Money(this.amount.minus(other.amount), this.currency);
  }

  /**
   * Exact product with a factor (quantity, rate). Not rounded: call
   * {@link Money.round} when you need whole minor units.
   *
   * @example
   * ```ts
   * Money.of('19.99', 'EUR').times(3).toString(); // '59.97 EUR'
   * ```
   */
  times(factor: DecimalValue): Money {
    return new Money(this.amount.times(Money.decimal(factor, 'factor')), this.currency);
  }

  /**
   * Quotient to 40 significant digits. Not rounded to minor units; to split
   * money without losing cents use {@link Money.allocate}.
   *
   * @example
   * ```ts
   * Money.of(10, 'EUR').dividedBy(4).toString(); // '2.5 EUR'
   * ```
   */
  dividedBy(divisor: DecimalValue): Money {
    const d = Money.decimal(divisor, 'divisor');
    if (d.isZero()) throw new InvalidMoneyError('cannot divide money by zero');
    return new Money(this.amount.dividedBy(d), this.currency);
  }

  /**
   * The ratio of two amounts of the same currency, as a decimal.
   *
   * @example
   * ```ts
   * Money.of(30, 'EUR').ratio(Money.of(120, 'EUR')).toString(); // '0.25'
   * ```
   */
  ratio(other: Money): Decimal {
    this.assertSameCurrency(other, 'divide');
    if (other.amount.isZero()) throw new InvalidMoneyError('cannot divide by a zero amount');
    return this.amount.dividedBy(other.amount);
  }

  /**
   * The negated amount.
   *
   * @example
   * ```ts
   * Money.of(5, 'EUR').negated().toString(); // '-5 EUR'
   * ```
   */
  negated(): Money {
    return new Money(this.amount.negated(), this.currency);
  }

  /**
   * The absolute amount.
   *
   * @example
   * ```ts
   * Money.of(-5, 'EUR').abs().toString(); // '5 EUR'
   * ```
   */
  abs(): Money {
    return new Money(this.amount.abs(), this.currency);
  }

  /**
   * Rounds to the currency's minor units (or to `decimals` digits) with an
   * explicit rounding mode, `half-even` by default.
   *
   * @example
   * ```ts
   * Money.of('2.345', 'EUR').round().toString(); // '2.34 EUR'
   * Money.of('2.345', 'EUR').round('half-up').toString(); // '2.35 EUR'
   * Money.of('1234.5', 'EUR').round('half-up', 0).toString(); // '1235 EUR'
   * ```
   */
  round(mode: RoundingMode = 'half-even', decimals: number = this.minorDigits): Money {
    return new Money(this.amount.toDecimalPlaces(decimals, ROUNDING[mode]), this.currency);
  }

  /**
   * Splits the amount by ratios without losing or inventing a minor unit:
   * the parts always add up to exactly this amount. Leftover cents go one by
   * one to the parts with the largest remainders (earlier parts first on
   * ties). The amount must be whole minor units (round first).
   *
   * @example
   * ```ts
   * Money.of(100, 'EUR').allocate([1, 1, 1]).map(String); // ['33.34 EUR', '33.33 EUR', '33.33 EUR']
   * Money.of('0.05', 'EUR').allocate([70, 30]).map(String); // ['0.04 EUR', '0.01 EUR']
   * ```
   */
  allocate(ratios: readonly DecimalValue[]): Money[] {
    if (ratios.length === 0) throw new InvalidMoneyError('allocate needs at least one ratio');
    const weights = ratios.map((r, i) => {
      const d = Money.decimal(r, `ratios[${i}]`);
      if (d.isNegative()) throw new InvalidMoneyError(`ratios[${i}] must not be negative`, { index: i });
      return d;
    });
    const total = weights.reduce((a, b) => a.plus(b), new Decimal(0));
    if (total.isZero()) throw new InvalidMoneyError('allocate needs ratios that add up to more than zero');
    const minor = this.wholeMinorUnits('allocate');
    const sign = minor.isNegative() ? -1 : 1;
    const units = minor.abs();
    const exact = weights.map((w) => units.times(w).dividedBy(total));
    const parts = exact.map((e) => e.floor());
    let left = units.minus(parts.reduce((a, b) => a.plus(b), new Decimal(0))).toNumber();
    const order = exact
      .map((e, i) => ({ i, rest: e.minus(e.floor()) }))
      .sort((x, y) => y.rest.comparedTo(x.rest) || x.i - y.i);
    for (const { i } of order) {
      if (left <= 0) break;
      parts[i] = parts[i]!.plus(1);
      left--;
    }
    const scale = new Decimal(10).pow(this.minorDigits);
    return parts.map((p) => new Money(p.times(sign).dividedBy(scale), this.currency));
  }

  /**
   * The amount as a whole number of minor units (cents). Throws when the
   * amount has more digits than the currency allows.
   *
   * @example
   * ```ts
   * Money.of('19.99', 'EUR').toMinorUnits(); // 1999n
   * ```
   */
  toMinorUnits(): bigint {
    return BigInt(this.wholeMinorUnits('convert to minor units').toFixed(0));
  }

  /**
   * -1, 0 or 1 as this is less than, equal to or greater than `other`.
   *
   * @example
   * ```ts
   * Money.of(1, 'EUR').compare(Money.of(2, 'EUR')); // -1
   * ```
   */
  compare(other: Money): -1 | 0 | 1 {
    this.assertSameCurrency(other, 'compare');
    return this.amount.comparedTo(other.amount) as -1 | 0 | 1;
  }

  /**
   * Same currency and numerically equal amount (`1.50` equals `1.5`).
   *
   * @example
   * ```ts
   * Money.of('1.50', 'EUR').equals(Money.of('1.5', 'EUR')); // true
   * ```
   */
  equals(other: Money): boolean {
    return this.currency === other.currency && this.amount.equals(other.amount);
  }

  /**
   * `this < other`.
   *
   * @example
   * ```ts
   * Money.of(1, 'EUR').lessThan(Money.of(2, 'EUR')); // true
   * ```
   */
  lessThan(other: Money): boolean {
    return this.compare(other) < 0;
  }

  /**
   * `this > other`.
   *
   * @example
   * ```ts
   * Money.of(2, 'EUR').greaterThan(Money.of(1, 'EUR')); // true
   * ```
   */
  greaterThan(other: Money): boolean {
    return this.compare(other) > 0;
  }

  /** True when the amount is zero. */
  isZero(): boolean {
    return this.amount.isZero();
  }

  /** True when the amount is below zero. */
  isNegative(): boolean {
    return this.amount.isNegative() && !this.amount.isZero();
  }

  /** True when the amount is above zero. */
  isPositive(): boolean {
    return this.amount.isPositive() && !this.amount.isZero();
  }

  /**
   * The JSON form, amount as an exact decimal string.
   *
   * @example
   * ```ts
   * JSON.stringify(Money.of('19.90', 'EUR')); // '{"amount":"19.9","currency":"EUR"}'
   * ```
   */
  toJSON(): MoneyJson {
    return { amount: this.amount.toFixed(), currency: this.currency };
  }

  /**
   * `'<amount> <currency>'`, e.g. `'19.99 EUR'`.
   *
   * @example
   * ```ts
   * String(Money.of('19.99', 'EUR')); // '19.99 EUR'
   * ```
   */
  toString(): string {
    return `${this.amount.toFixed()} ${this.currency}`;
  }

  /**
   * Formats for display with `Intl.NumberFormat`, exactly (the decimal string
   * is formatted, never a float).
   *
   * @example
   * ```ts
   * Money.of('1234.5', 'EUR').format('de-DE'); // '1.234,50 €'
   * ```
   */
  format(locale = 'en-US', options: Intl.NumberFormatOptions = {}): string {
    const formatter = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: this.currency,
      ...options,
    });
    return formatter.format(this.amount.toFixed() as unknown as number);
  }

  private wholeMinorUnits(operation: string): Decimal {
    const minor = this.amount.times(new Decimal(10).pow(this.minorDigits));
    if (!minor.isInteger()) {
      throw new InvalidMoneyError(
        `cannot ${operation} ${this.toString()}: it has more than ${this.minorDigits} decimals; round it first`,
        { amount: this.amount.toFixed(), currency: this.currency },
      );
    }
    return minor;
  }

  private assertSameCurrency(other: Money, operation: string): void {
    if (other.currency !== this.currency)
      throw new CurrencyMismatchError(this.currency, other.currency, operation);
  }

  private static decimal(value: DecimalValue, name: string): Decimal {
    const d = toDecimal(value);
    if (d === undefined) throw new InvalidMoneyError(`${name} ${String(value)} is not a finite decimal`);
    return d;
  }
}
