import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, decimalToMinorUnits, minorUnitsToDecimal } from '../src/index';

describe('decimalToMinorUnits', () => {
  it('gives whole minor units, or undefined when the amount is finer or too large', () => {
    expect(decimalToMinorUnits(new Decimal('19.99'), 2)).toBe(1999);
    expect(decimalToMinorUnits(new Decimal('-0.5'), 2)).toBe(-50);
    expect(decimalToMinorUnits(new Decimal('0'), 2)).toBe(0);
    expect(decimalToMinorUnits(new Decimal('1200'), 0)).toBe(1200);
    expect(decimalToMinorUnits(new Decimal('1e21'), 0)).toBeUndefined();
    expect(decimalToMinorUnits(new Decimal('1.234'), 3)).toBe(1234);
    expect(decimalToMinorUnits(new Decimal('0.125'), 2)).toBeUndefined();
    expect(decimalToMinorUnits(new Decimal('12345678.1234567'), 7)).toBe(123_456_781_234_567);
    expect(decimalToMinorUnits(new Decimal('90071992547409.92'), 2)).toBeUndefined();
    expect(decimalToMinorUnits(new Decimal('90071992547409.91'), 2)).toBe(Number.MAX_SAFE_INTEGER);
    expect(decimalToMinorUnits(new Decimal('1234567890.12'), 2)).toBe(123_456_789_012);
    expect(decimalToMinorUnits(new Decimal(Number.NaN), 2)).toBeUndefined();
    expect(decimalToMinorUnits(new Decimal(Number.POSITIVE_INFINITY), 2)).toBeUndefined();
  });

  it('agrees with decimal arithmetic on any amount (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
          fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }),
          fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
        ),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 4 }),
        (raw, scale, digits) => {
          const amount = new Decimal(raw.toString()).div(new Decimal(10).pow(scale));
          const exact = amount.times(new Decimal(10).pow(digits));
          const expected =
            exact.isInteger() && exact.abs().lte(Number.MAX_SAFE_INTEGER) ? exact.toNumber() : undefined;
          const units = decimalToMinorUnits(amount, digits);
          expect(units === undefined ? undefined : units + 0).toBe(
            expected === undefined ? undefined : expected + 0,
          );
          if (units !== undefined) expect(minorUnitsToDecimal(units, digits).equals(amount)).toBe(true);
        },
      ),
      { numRuns: 2000, seed: 20261123 },
    );
  });
});

describe('minorUnitsToDecimal', () => {
  it('is exact for every currency exponent', () => {
    expect(minorUnitsToDecimal(1999, 2).toString()).toBe('19.99');
    expect(minorUnitsToDecimal(-5, 3).toString()).toBe('-0.005');
    expect(minorUnitsToDecimal(42, 0).toString()).toBe('42');
    expect(minorUnitsToDecimal(1, 30).equals(new Decimal('1e-30'))).toBe(true);
  });
});
