// Parameter recovery and Monte Carlo checks on seeded simulations of each model (50,000 customers).
// Tolerances are 4 standard errors (the fitted ones) — a correct fitter fails that with probability
// about 6e-5 per parameter, and the seeds are fixed, so the tests never flake.
import { createSeededRandom } from '@crmkit/core';
import { describe, expect, it, vi } from 'vitest';
import {
  BgBbModel,
  BgNbdModel,
  fitBgBb,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  ParetoNbdModel,
} from '../src/index';
import {
  cohortT,
  followBgBbCustomer,
  followBgNbdCustomer,
  followParetoNbdCustomer,
  simulateBgBb,
  simulateBgNbd,
  simulateGammaGamma,
  simulateParetoNbd,
} from './helpers/simulate';

// Fits and simulations share two cores with other work: allow them time (this is no speed assertion).
vi.setConfig({ testTimeout: 120_000 });

const CUSTOMERS = 50_000;

function expectRecovered(
  fitted: { params: object; fit: { standardErrors: object } | undefined },
  truth: Record<string, number>,
  maxRelativeSe = 0.15,
) {
  const params = fitted.params as Record<string, number>;
  const errors = fitted.fit!.standardErrors as Record<string, number>;
  for (const [name, value] of Object.entries(truth)) {
    const estimate = params[name]!;
    const se = errors[name]!;
    expect(Math.abs(estimate - value), `${name}: ${estimate} vs ${value} (se ${se})`).toBeLessThan(4 * se);
    // and the standard error is small: the data pin the parameter down
    expect(se / value).toBeLessThan(maxRelativeSe);
  }
}

// Mean and standard error of the mean.
function meanOf(values: readonly number[]) {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

describe('BG/NBD', () => {
  const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };

  it('recovers the parameters from 50,000 simulated customers', () => {
    const model = fitBgNbd(simulateBgNbd(truth, CUSTOMERS, 101));
    expectRecovered(model, truth);
  });

  it('predicts P(alive) and future purchases that match the simulated customers on average', () => {
    const random = createSeededRandom(202);
    const model = BgNbdModel.fromJSON({ model: 'bg-nbd', params: truth });
    const customers = Array.from({ length: CUSTOMERS }, () =>
      followBgNbdCustomer(truth, cohortT(random), 39, random),
    );
    // E[P(alive | history)] = P(alive) and E[E[future | history]] = E[future], by the law of total expectation.
    const predictedAlive = meanOf(customers.map((c) => model.probabilityAlive(c.row)));
    const actualAlive = meanOf(customers.map((c) => (c.aliveAtT ? 1 : 0)));
    expect(Math.abs(predictedAlive.mean - actualAlive.mean)).toBeLessThan(4 * actualAlive.se);
    const predicted = meanOf(customers.map((c) => model.expectedPurchases(39, c.row)));
    const actual = meanOf(customers.map((c) => c.future));
    expect(Math.abs(predicted.mean - actual.mean)).toBeLessThan(4 * actual.se);
    // and per frequency group, for the groups with enough customers
    for (const x of [0, 1, 2, 5]) {
      const group = customers.filter((c) => c.row.frequency === x);
      const groupActual = meanOf(group.map((c) => c.future));
      const groupPredicted = meanOf(group.map((c) => model.expectedPurchases(39, c.row))).mean;
      expect(Math.abs(groupPredicted - groupActual.mean)).toBeLessThan(4 * groupActual.se);
    }
  });

  it('predicts a new customer’s purchases', () => {
    const random = createSeededRandom(303);
    const model = BgNbdModel.fromJSON({ model: 'bg-nbd', params: truth });
    const counts = Array.from({ length: CUSTOMERS }, () => followBgNbdCustomer(truth, 0, 52, random).future);
    const actual = meanOf(counts);
    expect(Math.abs(model.expectedPurchasesNewCustomer(52) - actual.mean)).toBeLessThan(4 * actual.se);
  });
});

describe('Pareto/NBD', () => {
  const truth = { r: 0.55, alpha: 10.5, s: 0.6, beta: 11.7 };

  it('recovers the parameters from 50,000 simulated customers', () => {
    const model = fitParetoNbd(simulateParetoNbd(truth, CUSTOMERS, 404));
    // beta (the dropout scale) is weakly identified over 39 weeks: its SE stays near a third of its value.
    expectRecovered(model, truth, 0.4);
  });

  it('predicts P(alive) and future purchases that match the simulated customers on average', () => {
    const random = createSeededRandom(505);
    const model = ParetoNbdModel.fromJSON({ model: 'pareto-nbd', params: truth });
    const customers = Array.from({ length: CUSTOMERS }, () =>
      followParetoNbdCustomer(truth, cohortT(random), 39, random),
    );
    const predictedAlive = meanOf(customers.map((c) => model.probabilityAlive(c.row))).mean;
    const actualAlive = meanOf(customers.map((c) => (c.aliveAtT ? 1 : 0)));
    expect(Math.abs(predictedAlive - actualAlive.mean)).toBeLessThan(4 * actualAlive.se);
    const predicted = meanOf(customers.map((c) => model.expectedPurchases(39, c.row))).mean;
    const actual = meanOf(customers.map((c) => c.future));
    expect(Math.abs(predicted - actual.mean)).toBeLessThan(4 * actual.se);
    const fresh = meanOf(
      Array.from({ length: CUSTOMERS }, () => followParetoNbdCustomer(truth, 0, 52, random).future),
    );
    expect(Math.abs(model.expectedPurchasesNewCustomer(52) - fresh.mean)).toBeLessThan(4 * fresh.se);
  });
});

describe('Gamma-Gamma', () => {
  it('recovers the parameters from 50,000 simulated repeat customers', () => {
    const truth = { p: 6, q: 3.7, v: 15 };
    const random = createSeededRandom(606);
    const frequencies = Array.from({ length: CUSTOMERS }, () => 1 + Math.floor(random.next() * 10));
    const model = fitGammaGamma(simulateGammaGamma(truth, frequencies, 607));
    expectRecovered(model, truth);
  });
});

describe('BG/BB', () => {
  const truth = { alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.78 };

  it('recovers the parameters from 50,000 simulated donors', () => {
    const model = fitBgBb(simulateBgBb(truth, CUSTOMERS, 6, 707));
    expectRecovered(model, truth);
  });

  it('predicts P(alive) and future transactions that match the simulated donors on average', () => {
    const random = createSeededRandom(808);
    const model = BgBbModel.fromJSON({ model: 'bg-bb', params: truth });
    const donors = Array.from({ length: CUSTOMERS }, () => followBgBbCustomer(truth, 6, 5, random));
    const predictedAlive = meanOf(donors.map((d) => model.probabilityAlive(d.row))).mean;
    const actualAlive = meanOf(donors.map((d) => (d.aliveAtNext ? 1 : 0)));
    expect(Math.abs(predictedAlive - actualAlive.mean)).toBeLessThan(4 * actualAlive.se);
    const predicted = meanOf(donors.map((d) => model.expectedPurchases(5, d.row))).mean;
    const actual = meanOf(donors.map((d) => d.future));
    expect(Math.abs(predicted - actual.mean)).toBeLessThan(4 * actual.se);
    const fresh = meanOf(donors.map((d) => d.row.frequency));
    expect(Math.abs(model.expectedPurchasesNewCustomer(6) - fresh.mean)).toBeLessThan(4 * fresh.se);
  });
});
