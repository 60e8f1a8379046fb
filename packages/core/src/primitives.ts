import { z } from 'zod';
import { isCurrencyCode } from './currency';
import { type Decimal, toDecimal } from './decimal';
import { ValidationError } from './errors';
import { Money } from './money';

/**
 * An entity id: 1–200 characters, no leading or trailing white space.
 *
 * @example
 * ```ts
 * IdSchema.parse('cus_123');
 * ```
 */
export const IdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^\S(?:[\s\S]*\S)?$/, 'must not start or end with white space');

/**
 * An instant in time: a valid `Date`, an ISO 8601 date-time with `Z` or an
 * offset, or a plain `YYYY-MM-DD` date (midnight UTC). Parses to a `Date`.
 *
 * @example
 * ```ts
 * InstantSchema.parse('2026-03-01T10:00:00Z'); // Date
 * InstantSchema.parse('2026-03-01'); // Date at 00:00 UTC
 * ```
 */
export const InstantSchema = z
  .union([z.date(), z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO 8601 date-time with Z or an offset, a YYYY-MM-DD date, or a valid Date',
  })
  .transform((value) => (value instanceof Date ? new Date(value.getTime()) : new Date(value)))
  .refine((d) => Number.isFinite(d.getTime()), 'must be a valid date');

/**
 * A calendar date without time, `YYYY-MM-DD` (a birthday, a contract date).
 * Stays a string: a calendar date has no time zone.
 *
 * @example
 * ```ts
 * CalendarDateSchema.parse('1990-02-28');
 * ```
 */
export const CalendarDateSchema = z.iso.date({ error: 'must be a YYYY-MM-DD calendar date' });

/**
 * An ISO 4217 currency code.
 *
 * @example
 * ```ts
 * CurrencySchema.parse('EUR');
 * ```
 */
export const CurrencySchema = z.string().refine(isCurrencyCode, {
  error: (issue) => `must be an ISO 4217 currency code, got ${JSON.stringify(issue.input)}`,
});

/**
 * An exact decimal: a decimal string, a finite number or a decimal.js
 * instance. Parses to a `Decimal`.
 *
 * @example
 * ```ts
 * DecimalSchema.parse('19.99').toString(); // '19.99'
 * ```
 */
export const DecimalSchema = z
  .custom<Decimal | string | number>((v) => toDecimal(v) !== undefined, {
    error: 'must be a finite decimal (a number or a decimal string)',
  })
  .transform((v) => toDecimal(v)!);

/**
 * Money: a {@link Money} instance or its JSON form `{ amount, currency }`.
 * Parses to `Money`.
 *
 * @example
 * ```ts
 * MoneySchema.parse({ amount: '12.50', currency: 'EUR' }).toString(); // '12.5 EUR'
 * ```
 */
export const MoneySchema = z.union([
  z.custom<Money>((v) => v instanceof Money, { error: 'must be Money' }),
  z
    .object({ amount: DecimalSchema, currency: CurrencySchema })
    .strict()
    .transform(({ amount, currency }) => Money.of(amount, currency)),
]);

/**
 * The input form of a money field that lives inside a record with its own
 * currency: a decimal value, or a {@link Money} instance in that currency.
 *
 * @example
 * ```ts
 * const a: AmountInput = '19.99';
 * ```
 */
export type AmountInput = string | number | Decimal | Money;

/**
 * An amount whose currency is given by the record it sits in (an order's
 * lines, say). Accepts {@link AmountInput}; the record's schema turns it into
 * Money of the record's currency.
 *
 * @example
 * ```ts
 * AmountSchema.parse('9.90');
 * ```
 */
export const AmountSchema = z.custom<AmountInput>((v) => v instanceof Money || toDecimal(v) !== undefined, {
  error: 'must be a finite decimal amount (a number or a decimal string)',
});

/**
 * Parses input with a zod schema and throws {@link ValidationError}
 * (naming `what` and every field path) when it does not fit.
 *
 * @example
 * ```ts
 * const customer = parseWith(CustomerSchema, 'customer', json);
 * ```
 */
export function parseWith<S extends z.ZodType>(schema: S, what: string, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(what, result.error);
  return result.data;
}
