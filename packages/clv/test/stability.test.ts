// No NaN or Infinity for extreme customers: hundreds of purchases, tiny and huge T, tₓ = T, extreme parameters.
import { describe, expect, it, vi } from 'vitest';
import { BgBbModel, BgNbdModel, fitBgNbd, fitParetoNbd, GammaGammaModel, ParetoNbdModel } from '../src/index';
import { cdnowSummary } from './helpers/fixtures';

// Fits and simulations share two cores with other work: allow them time (this is no speed assertion).
vi.setConfig({ testTimeout: 120_000 });

const extremes = [
  { frequency: 0, recency: 0, T: 0 },
  { frequency: 0, recency: 0, T: 1e-9 },
  { frequency: 0, recency: 0, T: 1e6 },
  { frequency: 1, recency: 0, T: 1e-6 },
  { frequency: 300, recency: 1e-3, T: 1e-3 },
  { frequency: 500, recency: 1, T: 1e5 },
  { frequency: 800, recency: 38.86, T: 38.86 },
  { frequency: 1000, recency: 0.5, T: 1000 },
  { frequency: 1000, recency: 1e6, T: 1e6 },
];
const horizons = [0, 1e-9, 1, 52, 1000];

function expectProbability(value: number) {
  expect(Number.isFinite(value)).toBe(true);
  expect(value).toBeGreaterThanOrEqual(0);
  expect(value).toBeLessThanOrEqual(1);
}

function expectCount(value: number) {
  expect(Number.isFinite(value)).toBe(true);
  expect(value).toBeGreaterThanOrEqual(0);
}

describe('BG/NBD predictions for extreme customers', () => {
  const parameterSets = [
    { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 },
    { r: 1e-3, alpha: 1e3, a: 5, b: 0.1 },
    { r: 20, alpha: 0.01, a: 0.05, b: 40 },
    { r: 0.5, alpha: 2, a: 1, b: 1 }, // a = 1: the removable singularity
  ];
  it.each(parameterSets)('stays finite for %o', (params) => {
    const model = BgNbdModel.fromJSON({ model: 'bg-nbd', params });
    for (const row of extremes) {
      expectProbability(model.probabilityAlive(row));
      for (const t of horizons) expectCount(model.expectedPurchases(t, row));
    }
    for (const t of horizons) expectCount(model.expectedPurchasesNewCustomer(t));
  });

  it('tends to 0 P(alive) for a frequent buyer silent for ages, and to 1 right after a purchase', () => {
    const model = BgNbdModel.fromJSON({ model: 'bg-nbd', params: parameterSets[0]! });
    expect(model.probabilityAlive({ frequency: 500, recency: 1, T: 1e5 })).toBe(0);
    expect(model.probabilityAlive({ frequency: 500, recency: 1e5, T: 1e5 })).toBeGreaterThan(0.99);
  });
});

describe('Pareto/NBD predictions for extreme customers', () => {
  it('stays finite where lifetimes once overflowed', () => {
    // lifetimes' test_overflow_error: r = 10.465, alpha = 0.00799, s = 3.0516, beta = 2.82.
    const model = ParetoNbdModel.fromJSON({
      model: 'pareto-nbd',
      params: { r: 10.465, alpha: 7.98565181e-3, s: 3.0516, beta: 2.82 },
    });
    for (const row of [
      { frequency: 400, recency: 5, T: 6 },
      { frequency: 500, recency: 1, T: 37 },
      { frequency: 500, recency: 4, T: 37 },
      ...extremes,
    ]) {
      expectProbability(model.probabilityAlive(row));
      for (const t of horizons) expectCount(model.expectedPurchases(t, row));
    }
  });

  it.each([
    { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 },
    { r: 0.5534, alpha: 1e4, s: 0.6061, beta: 1e-3 },
    { r: 0.5534, alpha: 1e-3, s: 0.6061, beta: 1e4 },
    { r: 2, alpha: 3, s: 1, beta: 3 }, // alpha = beta, s = 1
  ])('stays finite for %o', (params) => {
    const model = ParetoNbdModel.fromJSON({ model: 'pareto-nbd', params });
    for (const row of extremes) {
      expectProbability(model.probabilityAlive(row));
      for (const t of horizons) expectCount(model.expectedPurchases(t, row));
    }
  });
});

describe('fitting with extreme customers in the data', () => {
  const rows = [
    ...cdnowSummary(),
    { frequency: 400, recency: 38.5, T: 38.86 },
    { frequency: 350, recency: 2, T: 38.86 },
    { frequency: 5, recency: 38.86, T: 38.86 },
    { frequency: 0, recency: 0, T: 0 },
  ];
  it('fits BG/NBD and Pareto/NBD without NaN', () => {
    for (const model of [fitBgNbd(rows), fitParetoNbd(rows)]) {
      expect(Number.isFinite(model.logLikelihood)).toBe(true);
      for (const value of Object.values(model.params)) expect(Number.isFinite(value)).toBe(true);
      for (const value of Object.values(model.fit!.standardErrors)) expect(Number.isFinite(value)).toBe(true);
    }
  });
});

describe('Gamma-Gamma and BG/BB for extreme customers', () => {
  it('stays finite', () => {
    const spend = GammaGammaModel.fromJSON({ model: 'gamma-gamma', params: { p: 6.25, q: 3.74, v: 15.44 } });
    for (const [frequency, monetaryValue] of [
      [1000, 1e9],
      [1000, 1e-9],
      [1, 1e-300],
    ] as const) {
      const value = spend.expectedAverageSpend({ frequency, monetaryValue });
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
    }
    const bgbb = BgBbModel.fromJSON({
      model: 'bg-bb',
      params: { alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.78 },
    });
    for (const row of [
      { frequency: 1000, recency: 1000, n: 1000 },
      { frequency: 1, recency: 1, n: 1000 },
      { frequency: 0, recency: 0, n: 1000 },
    ]) {
      expectProbability(bgbb.probabilityAlive(row));
      expectCount(bgbb.expectedPurchases(100, row));
    }
  });
});

describe('the BG/NBD expectation at a = 1', () => {
  it('is continuous', () => {
    const at = (a: number) =>
      BgNbdModel.fromJSON({ model: 'bg-nbd', params: { r: 0.5, alpha: 2, a, b: 1.5 } }).expectedPurchases(
        10,
        {
          frequency: 2,
          recency: 5,
          T: 10,
        },
      );
    expect(at(1)).toBeCloseTo(at(1 + 1e-5), 4);
    expect(at(1)).toBeCloseTo(at(1 - 1e-5), 4);
  });
});

describe('BG/NBD expectations over very long horizons (2F1 with z near 1)', () => {
  it('stays finite and increasing, and tends to the lifetime total when a > 1', () => {
    const cdnow = BgNbdModel.fromJSON({
      model: 'bg-nbd',
      params: { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 },
    });
    const heavy = BgNbdModel.fromJSON({ model: 'bg-nbd', params: { r: 0.5, alpha: 3, a: 2.5, b: 4 } });
    for (const model of [cdnow, heavy]) {
      for (const row of [
        { frequency: 0, recency: 0, T: 0 },
        { frequency: 10, recency: 1, T: 1 },
        { frequency: 1000, recency: 1e-3, T: 1e-3 },
        { frequency: 1000, recency: 1, T: 1 },
      ]) {
        let previous = 0;
        for (const t of [1e3, 1e5, 1e6, 1e8]) {
          const value = model.expectedPurchases(t, row);
          expect(Number.isFinite(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(previous);
          previous = value;
        }
      }
    }
    // a > 1: every customer eventually drops out; E[purchases | alive] → (a + b + x − 1)/(a − 1).
    const { a, b } = heavy.params;
    const row = { frequency: 3, recency: 2, T: 2 };
    expect(heavy.expectedPurchases(1e12, row) / heavy.probabilityAlive(row)).toBeCloseTo(
      (a + b + 3 - 1) / (a - 1),
      4,
    );
  });
});
