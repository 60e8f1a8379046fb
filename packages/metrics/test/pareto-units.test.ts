import { Money, minorUnitsToDecimal, ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paretoShare, paretoShareOfMinorUnits } from '../src/index';

describe('paretoShareOfMinorUnits', () => {
  it('computes the top group’s share from whole cents', () => {
    // 50 + 20 + 10 + 10 + 10 = 100 EUR; the top 20 % is one customer with 50 EUR
    const result = paretoShareOfMinorUnits([1000, 5000, 1000, 2000, 1000], 'EUR', 0.2);
    expect(result.customers).toBe(5);
    expect(result.top).toBe(1);
    expect(result.topValue?.toString()).toBe('50 EUR');
    expect(result.total?.toString()).toBe('100 EUR');
    expect(result.share?.toString()).toBe('0.5');
    // ⌈0.3 × 5⌉ = 2 customers: 70 of 100
    expect(
      paretoShareOfMinorUnits(Float64Array.of(1000, 5000, 1000, 2000, 1000), 'EUR', 0.3).share?.toString(),
    ).toBe('0.7');
    // yen have no minor unit: 1999 is 1999 JPY
    expect(paretoShareOfMinorUnits([1999], 'JPY', 1).total?.toString()).toBe('1999 JPY');
    expect(paretoShareOfMinorUnits([], 'EUR', 0.2)).toEqual({
      customers: 0,
      top: 0,
      topValue: null,
      total: null,
      share: null,
    });
    expect(paretoShareOfMinorUnits([0, 0], 'EUR', 0.5).share).toBeNull();
  });

  it('equals paretoShare over the same amounts as Money (property)', () => {
    const units = fc.array(fc.integer({ min: -1_000_000, max: 1_000_000_000 }), { maxLength: 60 });
    const share = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(units, share, fc.constantFrom('EUR', 'JPY', 'BHD'), (list, topShare, currency) => {
        const digits = { EUR: 2, JPY: 0, BHD: 3 }[currency]!;
        const money = list.map((u) => Money.of(minorUnitsToDecimal(u, digits), currency));
        const expected = paretoShare(money, topShare);
        const actual = paretoShareOfMinorUnits(list, currency, topShare);
        expect(actual.customers).toBe(expected.customers);
        expect(actual.top).toBe(expected.top);
        expect(actual.topValue?.toString()).toBe(expected.topValue?.toString());
        expect(actual.total?.toString()).toBe(expected.total?.toString());
        expect(actual.share?.toString()).toBe(expected.share?.toString());
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('stays exact beyond 2^53 units in total', () => {
    const big = Number.MAX_SAFE_INTEGER;
    const result = paretoShareOfMinorUnits([big, big, 1], 'EUR', 0.34);
    expect(result.total?.amount.toFixed(2)).toBe('180143985094819.83');
    expect(result.topValue?.amount.toFixed(2)).toBe('180143985094819.82');
  });

  it('names the bad currency, share or entry', () => {
    expect(() => paretoShareOfMinorUnits([1], 'EURO', 0.2)).toThrow(ValidationError);
    expect(() => paretoShareOfMinorUnits([1], 'EUR', 1.5)).toThrow(/topShare: must be a number from 0 to 1/);
    expect(() => paretoShareOfMinorUnits([1, 2.5], 'EUR', 0.2)).toThrow(/units\.1: must be a safe integer/);
    expect(() => paretoShareOfMinorUnits(null as unknown as number[], 'EUR', 0.2)).toThrow(ValidationError);
  });
});
