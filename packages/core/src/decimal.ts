import DecimalJs from 'decimal.js';

/**
 * crmkit's own decimal.js constructor: 40 significant digits and banker's
 * rounding, cloned so that crmkit never changes the global `decimal.js`
 * configuration of the application. Instances from any decimal.js copy are
 * accepted wherever a {@link DecimalValue} is.
 *
 * @example
 * ```ts
 * import { Decimal } from '@crmkit/core';
 * new Decimal('0.1').plus('0.2').toString(); // '0.3'
 * ```
 */
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
});

/**
 * A decimal.js instance (from crmkit's constructor or the application's own).
 *
 * @example
 * ```ts
 * const d: Decimal = new Decimal('19.99');
 * ```
 */
export type Decimal = DecimalJs;

/**
 * Anything that converts exactly to a decimal: a decimal string
 * (`'19.99'`), a finite number, or a decimal.js instance.
 *
 * @example
 * ```ts
 * const values: DecimalValue[] = ['19.99', 20, new Decimal(1)];
 * ```
 */
export type DecimalValue = string | number | DecimalJs;

/**
 * Converts a {@link DecimalValue} to a crmkit `Decimal`, or returns
 * `undefined` when it is not a finite decimal (NaN, Infinity, `'abc'`).
 *
 * @example
 * ```ts
 * toDecimal('1.50')?.toString(); // '1.5'
 * toDecimal('abc'); // undefined
 * ```
 */
export function toDecimal(value: unknown): Decimal | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? new Decimal(value) : undefined;
  if (typeof value === 'string') {
    if (!/^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return undefined;
    return new Decimal(value.trim());
  }
  // crmkit's own decimals are immutable: no copy needed
  if (DecimalJs.isDecimal(value) && (value as DecimalJs).constructor === Decimal) {
    return (value as DecimalJs).isFinite() ? (value as DecimalJs) : undefined;
  }
  if (DecimalJs.isDecimal(value)) {
    const d = new Decimal(value as DecimalJs);
    return d.isFinite() ? d : undefined;
  }
  return undefined;
}
