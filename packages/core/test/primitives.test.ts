import {
  currencyDigits,
  Decimal,
  DecimalSchema,
  InstantSchema,
  isCurrencyCode,
  JsonValueSchema,
  MoneySchema,
  parseWith,
  toDecimal,
  ValidationError,
} from '@crmkit/core';
import DecimalJs from 'decimal.js';
import { describe, expect, it } from 'vitest';

describe('primitives', () => {
  it('instants accept Dates, ISO date-times with an offset and plain dates', () => {
    expect(InstantSchema.parse('2026-03-01T10:00:00+02:00').toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(InstantSchema.parse('2026-03-01').toISOString()).toBe('2026-03-01T00:00:00.000Z');
    const d = new Date('2026-01-01T00:00:00Z');
    const parsed = InstantSchema.parse(d);
    expect(parsed).toEqual(d);
    expect(parsed).not.toBe(d);
    for (const bad of ['2026-03-01T10:00:00', '03/01/2026', '', 1_700_000_000_000, null, new Date('x')]) {
      expect(InstantSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('decimals are exact and reject non-finite input', () => {
    expect(DecimalSchema.parse('0.1').plus(DecimalSchema.parse(0.2)).toString()).toBe('0.3');
    expect(DecimalSchema.parse(new DecimalJs('1.25')).toString()).toBe('1.25');
    for (const bad of ['1,5', 'NaN', Number.NaN, Number.POSITIVE_INFINITY, {}, null, '']) {
      expect(DecimalSchema.safeParse(bad).success).toBe(false);
    }
    expect(toDecimal(' 12.50 ')?.toString()).toBe('12.5');
    expect(toDecimal('-.5')?.toString()).toBe('-0.5');
    expect(toDecimal('1e3')?.toString()).toBe('1000');
    expect(toDecimal(new DecimalJs(Number.NaN))).toBeUndefined();
    // crmkit's own (immutable) decimals pass through; those of other decimal.js copies become crmkit's
    const own = new Decimal('19.99');
    expect(toDecimal(own)).toBe(own);
    expect(toDecimal(new Decimal(Number.POSITIVE_INFINITY))).toBeUndefined();
    const foreign = new DecimalJs('1.25');
    expect(toDecimal(foreign)).not.toBe(foreign);
    expect(toDecimal(foreign)?.constructor).toBe(Decimal);
    expect(toDecimal(foreign)?.equals('1.25')).toBe(true);
  });

  it('money accepts its JSON form and rejects bad currencies and extra keys', () => {
    expect(MoneySchema.parse({ amount: '12.50', currency: 'EUR' }).toString()).toBe('12.5 EUR');
    expect(MoneySchema.safeParse({ amount: '1', currency: 'EUR', fx: 1 }).success).toBe(false);
    expect(MoneySchema.safeParse({ amount: 1, currency: 'ABC' }).success).toBe(false);
  });

  it('knows ISO 4217 codes and their minor units', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('eur')).toBe(false);
    expect(isCurrencyCode(42)).toBe(false);
    expect([
      currencyDigits('EUR'),
      currencyDigits('JPY'),
      currencyDigits('KWD'),
      currencyDigits('CLF'),
    ]).toEqual([2, 0, 3, 4]);
    expect(currencyDigits('ZZZ')).toBeUndefined();
  });

  it('JSON values: plain data only', () => {
    expect(JsonValueSchema.parse({ a: [1, 'x', null, { b: true }] })).toEqual({
      a: [1, 'x', null, { b: true }],
    });
    for (const bad of [undefined, Number.NaN, new Date(), { a: undefined }, [() => 1], new Map()]) {
      expect(JsonValueSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('parseWith throws a ValidationError naming the input', () => {
    expect(() => parseWith(DecimalSchema, 'price', 'x')).toThrow(ValidationError);
    expect(() => parseWith(DecimalSchema, 'price', 'x')).toThrow(
      /^invalid price: \(root\): must be a finite decimal/,
    );
  });
});
