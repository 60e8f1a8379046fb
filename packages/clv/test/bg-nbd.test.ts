import { ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { BgNbdModel, ClvError, fitBgNbd, type PurchaseModel } from '../src/index';
import { cdnowSummary } from './helpers/fixtures';

// Fits and simulations share two cores with other work: allow them time (this is no speed assertion).
vi.setConfig({ testTimeout: 120_000 });

const rows = cdnowSummary();
const model = fitBgNbd(rows);
// lifetimes 0.11 on the same data (BetaGeoFitter(penalizer_coef=0).summary, Quickstart docs).
const LIFETIMES = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
const LIFETIMES_SE = { r: 0.012557, alpha: 0.378221, a: 0.185719, b: 0.705345 };

const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('fitBgNbd on CDNOW (2,357 customers, weeks)', () => {
  it('finds the published maximum-likelihood estimates', () => {
    for (const [name, expected] of Object.entries(LIFETIMES)) {
      expect(relative(model.params[name as keyof typeof LIFETIMES], expected)).toBeLessThan(1e-4);
    }
    // Fader, Hardie & Lee (2005) report LL = −9582.4.
    expect(model.logLikelihood).toBeCloseTo(-9582.4256, 3);
  });

  it('reports the standard errors lifetimes reports', () => {
    for (const [name, expected] of Object.entries(LIFETIMES_SE)) {
      expect(relative(model.fit!.standardErrors[name as keyof typeof LIFETIMES_SE], expected)).toBeLessThan(
        1e-3,
      );
    }
    expect(model.fit).toMatchObject({ customers: 2357, distinctRows: 1016, penalizer: 0 });
  });

  it('predicts what Hardie’s spreadsheet and lifetimes predict', () => {
    // Conditional expectation for customer 1 over the 39-week holdout: 1.226.
    expect(model.expectedPurchases(39, { frequency: 2, recency: 30.43, T: 38.86 })).toBeCloseTo(1.226, 3);
    // lifetimes Quickstart, t = 1: the top customers.
    expect(model.expectedPurchases(1, { frequency: 26, recency: 30.86, T: 31 })).toBeCloseTo(0.710623, 5);
    expect(model.expectedPurchases(1, { frequency: 29, recency: 37.71, T: 38 })).toBeCloseTo(0.662396, 5);
    expect(model.expectedPurchases(1, { frequency: 18, recency: 35.14, T: 35.86 })).toBeCloseTo(0.424877, 5);
    // Unconditional E[X(t)] (Hardie's spreadsheet).
    const times = [0.1429, 1, 3, 31.8571, 32, 78];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    for (const [i, t] of times.entries())
      expect(model.expectedPurchasesNewCustomer(t)).toBeCloseTo(expected[i]!, 3);
  });

  it('gives P(alive) = 1 without repeat purchases and the closed form otherwise', () => {
    expect(model.probabilityAlive({ frequency: 0, recency: 0, T: 38.86 })).toBe(1);
    const { r, alpha, a, b } = model.params;
    const odds = (a / (b + 1)) * ((alpha + 38.86) / (alpha + 30.43)) ** (r + 2);
    expect(model.probabilityAlive({ frequency: 2, recency: 30.43, T: 38.86 })).toBeCloseTo(
      1 / (1 + odds),
      14,
    );
  });

  it('keeps P(alive) in [0, 1] and expected purchases ≥ 0 and increasing in t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        (frequency, share, T, t) => {
          const row = { frequency, recency: frequency === 0 ? 0 : share * T, T };
          const alive = model.probabilityAlive(row);
          expect(alive).toBeGreaterThanOrEqual(0);
          expect(alive).toBeLessThanOrEqual(1);
          const now = model.expectedPurchases(t, row);
          expect(Number.isFinite(now)).toBe(true);
          expect(now).toBeGreaterThanOrEqual(0);
          expect(model.expectedPurchases(t + 1, row)).toBeGreaterThanOrEqual(now);
        },
      ),
      { numRuns: 300, seed: 20261123 },
    );
  });

  it('sums the new-customer curve over a cohort', () => {
    const curve = model.expectedRepeatPurchasesCurve([10, 20], [0, 5, 15]);
    expect(curve[0]).toBeCloseTo(
      model.expectedPurchasesNewCustomer(10) + model.expectedPurchasesNewCustomer(5),
      12,
    );
    expect(curve[1]).toBeCloseTo(
      model.expectedPurchasesNewCustomer(20) +
        model.expectedPurchasesNewCustomer(15) +
        model.expectedPurchasesNewCustomer(5),
      12,
    );
  });

  it('is a PurchaseModel', () => {
    const purchaseModel: PurchaseModel = model;
    expect(purchaseModel.expectedPurchases(0, { frequency: 1, recency: 1, T: 2 })).toBe(0);
  });
});

describe('fitBgNbd options and weights', () => {
  it('gives the same fit from weighted rows as from the expanded rows', () => {
    const counts = new Map<string, { frequency: number; recency: number; T: number; weight: number }>();
    for (const { frequency, recency, T } of rows) {
      const key = `${frequency}|${recency}|${T}`;
      const found = counts.get(key);
      if (found) found.weight++;
      else counts.set(key, { frequency, recency, T, weight: 1 });
    }
    const weighted = fitBgNbd([...counts.values()]);
    expect(weighted.params.r).toBeCloseTo(model.params.r, 6);
    expect(weighted.params.b).toBeCloseTo(model.params.b, 4);
    expect(weighted.logLikelihood).toBeCloseTo(model.logLikelihood!, 6);
  });

  it('shrinks the parameters with an L2 penalizer', () => {
    const penalized = fitBgNbd(rows, { penalizer: 0.1 });
    const more = fitBgNbd(rows, { penalizer: 1 });
    const sum = (m: BgNbdModel) => Object.values(m.params).reduce((s, v) => s + v, 0);
    expect(sum(penalized)).toBeLessThan(sum(model));
    expect(sum(more)).toBeLessThan(sum(penalized));
    expect(penalized.logLikelihood!).toBeLessThan(model.logLikelihood!);
    expect(penalized.fit!.penalizer).toBe(0.1);
  });

  it('starts from initialParams and reaches the same optimum', () => {
    const other = fitBgNbd(rows, { initialParams: { r: 3, alpha: 0.5, a: 5, b: 0.2 } });
    expect(other.params.alpha).toBeCloseTo(model.params.alpha, 4);
  });
});

describe('BgNbdModel JSON', () => {
  it('round-trips through JSON', () => {
    const copy = BgNbdModel.fromJSON(JSON.stringify(model));
    expect(copy.params).toEqual(model.params);
    expect(copy.logLikelihood).toBe(model.logLikelihood);
    expect(copy.fit).toEqual(model.fit);
    const row = { frequency: 3, recency: 20, T: 30 };
    expect(copy.expectedPurchases(10, row)).toBe(model.expectedPurchases(10, row));
    expect(BgNbdModel.fromJSON({ model: 'bg-nbd', params: LIFETIMES }).logLikelihood).toBeUndefined();
  });

  it('rejects bad JSON with the field path', () => {
    expect(() => BgNbdModel.fromJSON({ model: 'bg-nbd', params: { ...LIFETIMES, a: -1 } })).toThrow(
      /params\.a: must be > 0/,
    );
    expect(() => BgNbdModel.fromJSON({ model: 'pareto-nbd', params: LIFETIMES })).toThrow(ValidationError);
    expect(() => BgNbdModel.fromJSON('{not json')).toThrow(/is not valid JSON/);
  });
});

describe('fitBgNbd errors', () => {
  it('names the row and field of a bad row', () => {
    const bad = [
      ...rows.slice(0, 3),
      { frequency: 1, recency: 50, T: 38 },
      { frequency: -1, recency: 0, T: 1 },
    ];
    try {
      fitBgNbd(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const { issues } = error as ValidationError;
      expect(issues).toContainEqual(
        expect.objectContaining({ path: [3, 'recency'], message: 'must be <= T' }),
      );
      expect(issues).toContainEqual(expect.objectContaining({ path: [4, 'frequency'] }));
    }
    expect(() => fitBgNbd([])).toThrow(ValidationError);
    expect(() => fitBgNbd([{ frequency: 0, recency: 1, T: 2 }])).toThrow(/must be 0 when frequency is 0/);
    expect(() => fitBgNbd(rows, { penalizer: -1 })).toThrow(/penalizer: must be >= 0/);
    expect(() => fitBgNbd(rows, { initialParams: { z: 1 } as never })).toThrow(ValidationError);
  });

  it('says the data do not identify the model when nobody repeats', () => {
    const noRepeat = rows.map((row) => ({ frequency: 0, recency: 0, T: row.T }));
    expect(() => fitBgNbd(noRepeat)).toThrow(expect.objectContaining({ code: 'CLV_NOT_IDENTIFIABLE' }));
  });

  it('says so when the optimiser runs out of iterations', () => {
    expect(() => fitBgNbd(rows, { maxIterations: 2 })).toThrow(ClvError);
    expect(() => fitBgNbd(rows, { maxIterations: 2 })).toThrow(
      expect.objectContaining({ code: 'CLV_NOT_CONVERGED' }),
    );
  });

  it('validates prediction inputs', () => {
    expect(() => model.expectedPurchases(-1, { frequency: 0, recency: 0, T: 1 })).toThrow(
      /t: must be a finite number >= 0/,
    );
    expect(() => model.probabilityAlive({ frequency: 1.5, recency: 0, T: 1 })).toThrow(
      /frequency: must be a whole number/,
    );
  });
});
