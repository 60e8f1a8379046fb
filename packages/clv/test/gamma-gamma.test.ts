import { ValidationError } from '@crmkit/core';
import { describe, expect, it, vi } from 'vitest';
import {
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  GammaGammaModel,
  type SpendModel,
} from '../src/index';
import { cdnowSummary } from './helpers/fixtures';

// Fits and simulations share two cores with other work: allow them time (this is no speed assertion).
vi.setConfig({ testTimeout: 120_000 });

const rows = cdnowSummary();
const repeaters = rows.filter((row) => row.frequency > 0);
const spend = fitGammaGamma(repeaters);
const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('fitGammaGamma on CDNOW repeat customers (946)', () => {
  it('finds the published estimates', () => {
    // lifetimes: p = 6.2502, q = 3.7441, v = 15.4472 (Fader & Hardie 2013: 6.25, 3.74, 15.44).
    expect(relative(spend.params.p, 6.2502)).toBeLessThan(1e-3);
    expect(relative(spend.params.q, 3.7441)).toBeLessThan(1e-3);
    expect(relative(spend.params.v, 15.4472)).toBeLessThan(1e-3);
    expect(spend.logLikelihood).toBeCloseTo(-4055.923, 2);
    expect(spend.fit).toMatchObject({ customers: 946, penalizer: 0 });
    expect(spend.fit!.standardErrors.p).toBeGreaterThan(0);
  });

  it('predicts the conditional expected average spend lifetimes prints', () => {
    // lifetimes Quickstart: conditional_expected_average_profit for customers 1, 2, 3, 6, 9.
    const cases: [number, number, number][] = [
      [2, 22.35, 24.658619],
      [1, 11.77, 18.911489],
      [0, 0, 35.170981],
      [7, 73.74, 71.462843],
      [2, 25.55, 27.282408],
    ];
    for (const [frequency, monetaryValue, expected] of cases) {
      expect(relative(spend.expectedAverageSpend({ frequency, monetaryValue }), expected)).toBeLessThan(1e-5);
    }
    const { p, q, v } = spend.params;
    expect(spend.meanSpend()).toBeCloseTo((p * v) / (q - 1), 12);
  });

  it('computes discounted CLV as lifetimes does', () => {
    // lifetimes Quickstart: customer_lifetime_value(bgf, …, time=12, discount_rate=0.01) with its default
    // freq='D', i.e. 30 model time units per month.
    const purchases = fitBgNbd(rows);
    const cases: [number, number][] = [
      [1, 140.096211],
      [2, 18.943467],
      [3, 38.180574],
      [6, 1003.868107],
      [7, 28.109683],
      [9, 167.418216],
    ];
    for (const [id, expected] of cases) {
      const row = rows[id - 1]!;
      const value = customerLifetimeValue(purchases, spend, row, {
        months: 12,
        discountRate: 0.01,
        periodsPerMonth: 30,
      });
      expect(relative(value, expected)).toBeLessThan(1e-4);
    }
  });

  it('discounts month by month', () => {
    const flat: SpendModel = { expectedAverageSpend: () => 10 };
    const linear = { expectedPurchases: (t: number) => t / 4, probabilityAlive: () => 1 };
    const row = { frequency: 1, recency: 1, T: 2, monetaryValue: 10 };
    // One purchase a month worth 10, discounted at 10 % a month for 2 months: 10/1.1 + 10/1.21.
    expect(
      customerLifetimeValue(linear, flat, row, { months: 2, discountRate: 0.1, periodsPerMonth: 4 }),
    ).toBeCloseTo(10 / 1.1 + 10 / 1.21, 12);
    expect(
      customerLifetimeValue(linear, flat, row, { months: 1, discountRate: 0, timeUnit: 'weeks' }),
    ).toBeCloseTo((10 * 4.345) / 4, 12);
    expect(() => customerLifetimeValue(linear, flat, row, { months: 1 })).toThrow(
      /give exactly one of timeUnit/,
    );
    expect(() => customerLifetimeValue(linear, flat, row, { months: 0, timeUnit: 'days' })).toThrow(
      /months: must be > 0/,
    );
  });

  it('round-trips through JSON', () => {
    const copy = GammaGammaModel.fromJSON(JSON.parse(JSON.stringify(spend)));
    expect(copy.params).toEqual(spend.params);
    expect(copy.expectedAverageSpend({ frequency: 3, monetaryValue: 40 })).toBe(
      spend.expectedAverageSpend({ frequency: 3, monetaryValue: 40 }),
    );
  });

  it('uses weights like repeated rows', () => {
    const sample = repeaters.slice(0, 400).map(({ frequency, monetaryValue }, i) => ({
      frequency,
      monetaryValue,
      weight: 1 + (i % 3),
    }));
    const expanded = sample.flatMap(({ frequency, monetaryValue, weight }) =>
      Array.from({ length: weight }, () => ({ frequency, monetaryValue })),
    );
    const weighted = fitGammaGamma(sample);
    const plain = fitGammaGamma(expanded);
    expect(weighted.fit!.customers).toBe(expanded.length);
    expect(weighted.logLikelihood).toBeCloseTo(plain.logLikelihood!, 8);
    expect(weighted.params.q).toBeCloseTo(plain.params.q, 5);
  });
});

describe('Gamma-Gamma errors', () => {
  it('names bad rows and fields', () => {
    try {
      fitGammaGamma([
        { frequency: 1, monetaryValue: 10 },
        { frequency: 0, monetaryValue: 5 },
        { frequency: 2, monetaryValue: -3 },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const paths = (error as ValidationError).issues.map((issue) => issue.path);
      expect(paths).toEqual([
        [1, 'frequency'],
        [2, 'monetaryValue'],
      ]);
    }
  });

  it('refuses data without spread', () => {
    expect(() =>
      fitGammaGamma(repeaters.map((row) => ({ frequency: row.frequency, monetaryValue: 20 }))),
    ).toThrow(expect.objectContaining({ code: 'CLV_NOT_IDENTIFIABLE' }));
  });

  it('refuses an infinite mean', () => {
    const heavy = GammaGammaModel.fromJSON({ model: 'gamma-gamma', params: { p: 2, q: 0.9, v: 10 } });
    expect(() => heavy.expectedAverageSpend({ frequency: 1, monetaryValue: 10 })).toThrow(
      expect.objectContaining({ code: 'CLV_UNDEFINED' }),
    );
    expect(() => spend.expectedAverageSpend({ frequency: 2, monetaryValue: 0 })).toThrow(
      /monetaryValue: must be > 0/,
    );
  });
});
