import { CurrencyMismatchError, Decimal, InvalidMoneyError, isCrmError, Money } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const eur = (amount: string | number) => Money.of(amount, 'EUR');

describe('Money', () => {
  it('adds without float error', () => {
    expect(eur('0.1').plus(eur('0.2')).toString()).toBe('0.3 EUR');
    expect(eur('19.99').times(3).toString()).toBe('59.97 EUR');
    expect(eur(10).minus(eur('0.01')).toString()).toBe('9.99 EUR');
  });

  it('rejects mixing currencies with a typed error', () => {
    const error = (() => {
      try {
        eur(1).plus(Money.of(1, 'USD'));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CurrencyMismatchError);
    expect(isCrmError(error, 'CURRENCY_MISMATCH')).toBe(true);
    expect((error as CurrencyMismatchError).details).toEqual({ left: 'EUR', right: 'USD', operation: 'add' });
    expect(() => eur(1).compare(Money.of(1, 'GBP'))).toThrow(CurrencyMismatchError);
    expect(() => eur(1).ratio(Money.of(1, 'GBP'))).toThrow(CurrencyMismatchError);
  });

  it('rejects amounts that are not finite decimals and unknown currencies', () => {
    for (const bad of ['12.3.4', 'abc', '', Number.NaN, Number.POSITIVE_INFINITY, '1e']) {
      expect(() => Money.of(bad, 'EUR')).toThrow(InvalidMoneyError);
    }
    expect(() => Money.of(1, 'EURO')).toThrow(/unknown ISO 4217 currency "EURO"/);
    expect(() => Money.of(1, 'eur')).toThrow(InvalidMoneyError);
    expect(() => eur(1).times('x')).toThrow(/factor x is not a finite decimal/);
    expect(() => eur(1).dividedBy(0)).toThrow(/divide money by zero/);
    expect(() => eur(1).ratio(eur(0))).toThrow(InvalidMoneyError);
    expect(() => Money.sum([])).toThrow(/needs a currency/);
  });

  it('rounds only when asked, with an explicit mode', () => {
    expect(eur('2.345').round().toString()).toBe('2.34 EUR');
    expect(eur('2.345').round('half-up').toString()).toBe('2.35 EUR');
    expect(eur('2.355').round('half-even').toString()).toBe('2.36 EUR');
    expect(eur('-2.345').round('half-up').toString()).toBe('-2.35 EUR');
    expect(eur('2.341').round('ceil').toString()).toBe('2.35 EUR');
    expect(eur('-2.341').round('floor').toString()).toBe('-2.35 EUR');
    expect(eur('2.349').round('down').toString()).toBe('2.34 EUR');
    expect(eur('2.341').round('up').toString()).toBe('2.35 EUR');
    expect(eur('2.345').round('half-down').toString()).toBe('2.34 EUR');
    expect(Money.of('1234.5', 'JPY').round().toString()).toBe('1234 JPY');
    expect(Money.of('1.2345', 'KWD').round('half-up').toString()).toBe('1.235 KWD');
    expect(eur('1234.5').round('half-up', 0).toString()).toBe('1235 EUR');
  });

  it('allocates without losing or inventing a cent', () => {
    expect(eur(100).allocate([1, 1, 1]).map(String)).toEqual(['33.34 EUR', '33.33 EUR', '33.33 EUR']);
    expect(eur('0.05').allocate([70, 30]).map(String)).toEqual(['0.04 EUR', '0.01 EUR']);
    expect(eur('-10').allocate([1, 2]).map(String)).toEqual(['-3.33 EUR', '-6.67 EUR']);
    expect(Money.of(10, 'JPY').allocate([1, 1, 1]).map(String)).toEqual(['4 JPY', '3 JPY', '3 JPY']);
    expect(eur(5).allocate([0, 1]).map(String)).toEqual(['0 EUR', '5 EUR']);
    expect(() => eur('1.005').allocate([1, 1])).toThrow(/round it first/);
    expect(() => eur(1).allocate([])).toThrow(InvalidMoneyError);
    expect(() => eur(1).allocate([0, 0])).toThrow(/more than zero/);
    expect(() => eur(1).allocate([1, -1])).toThrow(/ratios\[1\] must not be negative/);
  });

  it('allocation parts always add up to the whole (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000, max: 10_000_000 }),
        fc
          .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 })
          .filter((r) => r.some((x) => x > 0)),
        (cents, ratios) => {
          const whole = Money.fromMinorUnits(cents, 'EUR');
          const parts = whole.allocate(ratios);
          expect(Money.sum(parts, 'EUR').equals(whole)).toBe(true);
          for (const p of parts) expect(p.amount.decimalPlaces()).toBeLessThanOrEqual(2);
          // each part is within one cent of its exact share
          const total = ratios.reduce((a, b) => a + b, 0);
          parts.forEach((p, i) => {
            const exact = new Decimal(cents).times(ratios[i]!).dividedBy(total);
            expect(p.amount.times(100).minus(exact).abs().lessThan(1)).toBe(true);
          });
        },
      ),
    );
  });

  it('converts to and from minor units and JSON', () => {
    expect(Money.fromMinorUnits(1999, 'EUR').toString()).toBe('19.99 EUR');
    expect(Money.fromMinorUnits(1999n, 'JPY').toString()).toBe('1999 JPY');
    expect(eur('19.99').toMinorUnits()).toBe(1999n);
    expect(() => eur('19.999').toMinorUnits()).toThrow(InvalidMoneyError);
    expect(() => Money.fromMinorUnits(1.5, 'EUR')).toThrow(/whole number/);
    expect(JSON.stringify(eur('19.90'))).toBe('{"amount":"19.9","currency":"EUR"}');
    expect(Money.fromJSON({ amount: '1.50', currency: 'GBP' }).equals(Money.of('1.5', 'GBP'))).toBe(true);
    expect(Money.of('1e-30', 'EUR').toJSON().amount).toBe('0.000000000000000000000000000001');
  });

  it('compares exactly', () => {
    expect(eur('1.50').equals(eur('1.5'))).toBe(true);
    expect(eur('1.5').equals(Money.of('1.5', 'USD'))).toBe(false);
    expect(eur(1).compare(eur(2))).toBe(-1);
    expect(eur(2).compare(eur(2))).toBe(0);
    expect(eur('0.30000000000000001').greaterThan(eur('0.3'))).toBe(true);
    expect(eur(1).lessThan(eur(2))).toBe(true);
    expect(eur(0).isZero()).toBe(true);
    expect(eur('-0').isNegative()).toBe(false);
    expect(eur('-0.01').isNegative()).toBe(true);
    expect(eur('0.01').isPositive()).toBe(true);
    expect(eur(-5).abs().toString()).toBe('5 EUR');
    expect(eur(5).negated().toString()).toBe('-5 EUR');
    expect(eur(30).ratio(eur(120)).toString()).toBe('0.25');
    expect(eur(10).dividedBy(4).toString()).toBe('2.5 EUR');
  });

  it('is immutable and does not touch the global decimal.js configuration', () => {
    const m = eur(1);
    expect(Object.isFrozen(m)).toBe(true);
    expect(() => {
      (m as unknown as { currency: string }).currency = 'USD';
    }).toThrow(TypeError);
    expect(Decimal.precision).toBe(40);
  });

  it('formats exactly for display', () => {
    expect(eur('1234.5').format('en-US')).toBe('€1,234.50');
    expect(Money.of('12345678901234567.89', 'USD').format('en-US')).toBe('$12,345,678,901,234,567.89');
  });

  it('sums a list', () => {
    expect(Money.sum([eur(1), eur('2.5')]).toString()).toBe('3.5 EUR');
    expect(Money.sum([], 'EUR').isZero()).toBe(true);
    expect(() => Money.sum([eur(1)], 'USD')).toThrow(CurrencyMismatchError);
    expect(Money.isMoney(eur(1))).toBe(true);
    expect(Money.isMoney({ amount: '1', currency: 'EUR' })).toBe(false);
  });
});
