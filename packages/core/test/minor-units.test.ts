import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, decimalToMinorUnits, minorUnitsToDecimal } from '../src/index';

/** Asserts `decimalToMinorUnits` against decimal.js arithmetic: the whole safe count of units, or undefined. */
function expectUnitsOf(amount: Decimal, digits: number): number | undefined {
  const exact = amount.times(new Decimal(10).pow(digits));
  const expected =
    exact.isInteger() && exact.abs().lte(Number.MAX_SAFE_INTEGER) ? exact.toNumber() : undefined;
  const units = decimalToMinorUnits(amount, digits);
  // + 0 turns -0 into 0: both mean no units
  expect(units === undefined ? undefined : units + 0).toBe(expected === undefined ? undefined : expected + 0);
  return units;
}

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
          const units = expectUnitsOf(amount, digits);
          if (units !== undefined) expect(minorUnitsToDecimal(units, digits).equals(amount)).toBe(true);
        },
      ),
      { numRuns: 2000, seed: 20261123 },
    );
  });
});

describe('decimalToMinorUnits on decimal.js words', () => {
  it('reads amounts spread over several base-10⁷ words, with inner zero words', () => {
    expect(decimalToMinorUnits(new Decimal('10000000.01'), 2)).toBe(1_000_000_001);
    expect(decimalToMinorUnits(new Decimal('100000000000000'), 0)).toBe(1e14);
    expect(decimalToMinorUnits(new Decimal('0.0000001'), 7)).toBe(1);
    expect(decimalToMinorUnits(new Decimal('0.00000001'), 7)).toBeUndefined();
    expect(decimalToMinorUnits(new Decimal('-0'), 2)).toBe(-0);
    expect(decimalToMinorUnits(new Decimal('123.4'), 0)).toBeUndefined();
    expect(decimalToMinorUnits(new Decimal('9007199254740991'), 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(decimalToMinorUnits(new Decimal('9007199254740992'), 0)).toBeUndefined();
    expect(decimalToMinorUnits(new Decimal('1e22'), 0)).toBeUndefined();
  });

  it('agrees with decimal arithmetic on amounts of any size and scale (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }),
        fc.integer({ min: -12, max: 30 }),
        fc.integer({ min: 0, max: 9 }),
        (raw, scale, digits) => {
          const amount = new Decimal(raw.toString()).times(new Decimal(10).pow(-scale));
          expectUnitsOf(amount, digits);
        },
      ),
      { numRuns: 3000, seed: 20261124 },
    );
  });
});

describe('minorUnitsToDecimal', () => {
  it('is exact for every currency exponent', () => {
    expect(minorUnitsToDecimal(1999, 2).toString()).toBe('19.99');
    expect(minorUnitsToDecimal(-5, 3).toString()).toBe('-0.005');
    expect(minorUnitsToDecimal(42, 0).toString()).toBe('42');
    expect(minorUnitsToDecimal(1, 30).equals(new Decimal('1e-30'))).toBe(true);
    expect(minorUnitsToDecimal(1_000_000_000, 2).toString()).toBe('10000000');
    expect(minorUnitsToDecimal(Number.MAX_SAFE_INTEGER, 2).toString()).toBe('90071992547409.91');
    expect(minorUnitsToDecimal(-0, 2).isNegative()).toBe(true);
    expect(minorUnitsToDecimal(0.5, 2).toString()).toBe('0.005');
  });

  it('builds the same decimal as decimal arithmetic, digit words included (property)', () => {
    const units = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      fc.bigInt({ min: 0n, max: 90n }).map((high) => Number(high * 10n ** 14n)),
      fc.constantFrom(0, -0, 1e7, 1e14, 10_000_001, Number.MAX_SAFE_INTEGER),
    );
    fc.assert(
      fc.property(units, fc.integer({ min: 0, max: 9 }), (n, digits) => {
        const expected = new Decimal(n).times(new Decimal(10).pow(-digits));
        const decimal = minorUnitsToDecimal(n, digits);
        // the documented fields, word for word, so that decimal.js computes on it as on its own results
        expect({ d: decimal.d, e: decimal.e, s: decimal.s }).toEqual({
          d: expected.d,
          e: expected.e,
          s: expected.s,
        });
        expect(decimal.plus(1).minus(1).equals(expected)).toBe(true);
        expect(decimalToMinorUnits(decimal, digits)).toBe(n);
      }),
      { numRuns: 3000, seed: 20261124 },
    );
  });
});
