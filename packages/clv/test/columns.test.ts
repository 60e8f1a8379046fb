import { ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  BgNbdModel,
  customerLifetimeValue,
  customerLifetimeValues,
  fitBgNbd,
  fitBgNbdColumns,
  fitGammaGamma,
  fitGammaGammaColumns,
  GammaGammaModel,
  ParetoNbdModel,
  purchasePredictions,
  type SpendModel,
  type ValueColumns,
} from '../src/index';
import { cdnowSummary } from './helpers/fixtures';

// The CDNOW fits share two cores with other work: allow them time (this is no speed assertion).
vi.setConfig({ testTimeout: 120_000 });

const rows = cdnowSummary();
const bgNbd = fitBgNbd(rows);
const spend = fitGammaGamma(rows.filter((row) => row.frequency > 0));
const columnsOf = (
  list: readonly { frequency: number; recency: number; T: number; monetaryValue: number }[],
) => ({
  frequency: Float64Array.from(list, (r) => r.frequency),
  recency: Float64Array.from(list, (r) => r.recency),
  T: Float64Array.from(list, (r) => r.T),
  monetaryValue: Float64Array.from(list, (r) => r.monetaryValue),
});

// A customer as the models accept them: recency ≤ T, 0 without repeats, mean spend > 0 with them.
const customer = fc
  .record({
    frequency: fc.integer({ min: 0, max: 60 }),
    T: fc.double({ min: 0, max: 200, noNaN: true }),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
    monetaryValue: fc.double({ min: 0.01, max: 5000, noNaN: true }),
  })
  .map(({ frequency, T, share, monetaryValue }) => ({
    frequency,
    recency: frequency === 0 ? 0 : T * share,
    T,
    monetaryValue: frequency === 0 ? 0 : monetaryValue,
  }));

describe('customerLifetimeValues', () => {
  it('gives the same doubles as customerLifetimeValue on every CDNOW customer', () => {
    const options = { months: 12, discountRate: 0.01, timeUnit: 'weeks' } as const;
    const values = customerLifetimeValues(bgNbd, spend, columnsOf(rows), options);
    expect(values).toHaveLength(2357);
    rows.forEach((row, i) => {
      expect(values[i]).toBe(customerLifetimeValue(bgNbd, spend, row, options));
    });
    // lifetimes' quickstart figure for customer 1 (30 model units a month): 140.096211
    const quickstart = customerLifetimeValues(bgNbd, spend, columnsOf(rows.slice(0, 1)), {
      months: 12,
      discountRate: 0.01,
      periodsPerMonth: 30,
    });
    expect(quickstart[0]).toBeCloseTo(140.096211, 3);
  });

  it('equals the per-customer function on random customers and models (property)', () => {
    const params = fc.record({
      r: fc.double({ min: 0.05, max: 5, noNaN: true }),
      alpha: fc.double({ min: 0.5, max: 50, noNaN: true }),
      a: fc.double({ min: 0.05, max: 5, noNaN: true }),
      b: fc.double({ min: 0.05, max: 10, noNaN: true }),
    });
    fc.assert(
      fc.property(
        params,
        fc.array(customer, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 24 }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        (p, list, months, discountRate) => {
          const model = new BgNbdModel(p);
          const options = { months, discountRate, timeUnit: 'days' } as const;
          // repeated customers share the cached conditional expectations
          const doubled = [...list, ...list];
          const values = customerLifetimeValues(model, spend, columnsOf(doubled), options);
          doubled.forEach((row, i) => {
            expect(values[i]).toBe(customerLifetimeValue(model, spend, row, options));
          });
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('asks any other purchase and spend model per customer', () => {
    const pareto = new ParetoNbdModel({ r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 });
    const flat: SpendModel = { expectedAverageSpend: (row) => 10 + row.frequency };
    const some = rows.slice(0, 40);
    const options = { months: 6, discountRate: 0.02, timeUnit: 'weeks' } as const;
    const values = customerLifetimeValues(pareto, flat, columnsOf(some), options);
    some.forEach((row, i) => {
      expect(values[i]).toBe(customerLifetimeValue(pareto, flat, row, options));
    });
    // one purchase a month worth 10, discounted at 10 % a month for 2 months: 10/1.1 + 10/1.21
    const linear = { expectedPurchases: (t: number) => t / 4, probabilityAlive: () => 1 };
    const one = { frequency: [0], recency: [0], T: [2], monetaryValue: [0] };
    const [value] = customerLifetimeValues(linear, flat, one, {
      months: 2,
      discountRate: 0.1,
      periodsPerMonth: 4,
    });
    expect(value).toBeCloseTo(10 / 1.1 + 10 / 1.21, 12);
  });

  it('returns an empty array for no customers', () => {
    const none = { frequency: [], recency: [], T: [], monetaryValue: [] };
    expect(customerLifetimeValues(bgNbd, spend, none, { timeUnit: 'weeks' })).toEqual(new Float64Array(0));
  });

  it('names the bad option, column or entry', () => {
    const good = columnsOf(rows.slice(0, 3));
    const issues = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      }
      throw new Error('expected a ValidationError');
    };
    expect(issues(() => customerLifetimeValues(bgNbd, spend, good, { months: 0, timeUnit: 'days' }))).toEqual(
      ['months: must be > 0'],
    );
    expect(
      issues(() =>
        customerLifetimeValues(
          bgNbd,
          spend,
          { ...good, recency: good.recency.subarray(1) },
          { timeUnit: 'weeks' },
        ),
      ),
    ).toEqual(['recency: must have 3 entries, as frequency has']);
    expect(
      issues(() =>
        customerLifetimeValues(bgNbd, spend, { ...good, monetaryValue: undefined }, { timeUnit: 'weeks' }),
      ),
    ).toEqual(['monetaryValue: must be an array of numbers']);
    const bad: ValueColumns = {
      frequency: [2, 1.5, 0, 3],
      recency: [30, 1, 4, 50],
      T: [20, 2, 5, 60],
      monetaryValue: [10, 5, 0, 0],
    };
    expect(issues(() => customerLifetimeValues(bgNbd, spend, bad, { timeUnit: 'weeks' }))).toEqual([
      'recency.0: must be <= T',
      'frequency.1: must be a whole number',
      'recency.2: must be 0 when frequency is 0',
      'monetaryValue.3: must be > 0 when frequency > 0',
    ]);
  });

  it('keeps the spend model’s own error for an infinite mean spend', () => {
    const heavy = new GammaGammaModel({ p: 2, q: 0.9, v: 10 });
    expect(() =>
      customerLifetimeValues(bgNbd, heavy, columnsOf(rows.slice(0, 2)), { timeUnit: 'weeks' }),
    ).toThrow(/expected spend is infinite/);
  });
});

describe('purchasePredictions', () => {
  it('gives the same doubles as expectedPurchases and probabilityAlive', () => {
    const { expectedPurchases, probabilityAlive } = purchasePredictions(bgNbd, 52, columnsOf(rows));
    rows.forEach((row, i) => {
      expect(expectedPurchases[i]).toBe(bgNbd.expectedPurchases(52, row));
      expect(probabilityAlive[i]).toBe(bgNbd.probabilityAlive(row));
    });
    // CDNOW's customer with x = 2, tₓ = 30.43, T = 38.86: P(alive) ≈ 0.8519 (lifetimes), E[X(39)] ≈ 1.226
    const one = { frequency: [2], recency: [30.43], T: [38.86] };
    expect(purchasePredictions(bgNbd, 39, one).expectedPurchases[0]).toBeCloseTo(1.226, 3);
  });

  it('equals the per-customer methods of any purchase model (property)', () => {
    const pareto = new ParetoNbdModel({ r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 });
    fc.assert(
      fc.property(
        fc.array(customer, { maxLength: 20 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (list, t) => {
          for (const model of [bgNbd, pareto]) {
            const out = purchasePredictions(model, t, columnsOf(list));
            list.forEach((row, i) => {
              expect(out.expectedPurchases[i]).toBe(model.expectedPurchases(t, row));
              expect(out.probabilityAlive[i]).toBe(model.probabilityAlive(row));
            });
          }
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  });

  it('names a bad horizon or entry', () => {
    expect(() => purchasePredictions(bgNbd, -1, { frequency: [], recency: [], T: [] })).toThrow(
      /t: must be a finite number >= 0/,
    );
    expect(() => purchasePredictions(bgNbd, 1, { frequency: [1], recency: [2], T: [Number.NaN] })).toThrow(
      ValidationError,
    );
  });
});

describe('fits over columns', () => {
  it('fitBgNbdColumns gives fitBgNbd’s model on the same rows', () => {
    const columns = columnsOf(rows);
    const model = fitBgNbdColumns(columns);
    expect(model.params).toEqual(bgNbd.params);
    expect(model.logLikelihood).toBe(bgNbd.logLikelihood);
    expect(model.fit).toEqual(bgNbd.fit);
    // CDNOW: r ≈ 0.2426, alpha ≈ 4.4136, a ≈ 0.7929, b ≈ 2.4259
    expect(model.params.r).toBeCloseTo(0.2426, 3);
    expect(model.params.b).toBeCloseTo(2.4259, 2);
    // with weights: the same as repeating rows
    const weighted = fitBgNbdColumns({
      ...columnsOf(rows.slice(0, 400)),
      weight: new Float64Array(400).fill(2),
    });
    expect(weighted.params).toEqual(fitBgNbd(rows.slice(0, 400).map((r) => ({ ...r, weight: 2 }))).params);
  });

  it('fitGammaGammaColumns gives fitGammaGamma’s model on the same rows', () => {
    const repeaters = rows.filter((r) => r.frequency > 0);
    const model = fitGammaGammaColumns({
      frequency: Float64Array.from(repeaters, (r) => r.frequency),
      monetaryValue: Float64Array.from(repeaters, (r) => r.monetaryValue),
    });
    expect(model.params).toEqual(spend.params);
    expect(model.logLikelihood).toBe(spend.logLikelihood);
    expect(model.params.p).toBeCloseTo(6.25, 2);
  });

  it('names the bad column or entry', () => {
    expect(() => fitBgNbdColumns({ frequency: [], recency: [], T: [] })).toThrow(
      /frequency: must contain at least one row/,
    );
    expect(() => fitBgNbdColumns({ frequency: [1, 2], recency: [1], T: [2, 3] })).toThrow(
      /recency: must have 2 entries, as frequency has/,
    );
    expect(() => fitBgNbdColumns({ frequency: [1, 2], recency: [1, 1], T: [2, 3], weight: [1, 0] })).toThrow(
      /weight\.1: must be > 0/,
    );
    expect(() => fitGammaGammaColumns({ frequency: [0, 2], monetaryValue: [5, 4] })).toThrow(
      /frequency\.0: must be >= 1/,
    );
    expect(() => fitBgNbdColumns(columnsOf(rows), { penalizer: -1 })).toThrow(/penalizer: must be >= 0/);
  });
});
