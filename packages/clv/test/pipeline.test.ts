// End to end: raw transactions → summarizeTransactions → fitted models → CLV, and the options every
// fitter shares.
import { createSeededRandom } from '@crmkit/core';
import { sampleGamma } from '@crmkit/testkit';
import { describe, expect, it, vi } from 'vitest';
import {
  customerLifetimeValue,
  fitBgBb,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  type PurchaseModel,
  summarizeTransactions,
  type Transaction,
} from '../src/index';
import { cdnowSummary, donations } from './helpers/fixtures';
import { simulateBgNbdCustomer } from './helpers/simulate';

// Fits and simulations share two cores with other work: allow them time (this is no speed assertion).
vi.setConfig({ testTimeout: 120_000 });

const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);

describe('from transactions to CLV', () => {
  // 20,000 customers whose first purchases fall in the first 12 weeks of 2025, buying as BG/NBD
  // customers (weekly rates), each purchase worth Gamma(6, ν) with ν ~ Gamma(3.7, 15) per customer.
  const random = createSeededRandom(42);
  const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
  const transactions: Transaction[] = [];
  for (let c = 0; c < 20_000; c++) {
    const firstDay = Math.floor(random.next() * 84);
    const times: number[] = [];
    simulateBgNbdCustomer(truth, 52 - firstDay / 7, random, times);
    const nu = sampleGamma(random, 3.7, 15);
    for (const t of [0, ...times]) {
      const amount = sampleGamma(random, 6, nu).toFixed(2);
      transactions.push({
        customerId: `c${c}`,
        date: new Date(START + firstDay * DAY + t * 7 * DAY),
        amount,
      });
    }
  }

  it('summarises, fits and values', () => {
    const rows = summarizeTransactions(transactions, {
      calibrationEnd: new Date(START + 52 * 7 * DAY),
      timeUnit: 'weeks',
      monetary: 'mean',
    });
    expect(rows).toHaveLength(20_000);
    const purchases = fitBgNbd(rows);
    // Purchases on the same day merge, so rates come out a little lower; the shape stays.
    expect(purchases.params.r).toBeGreaterThan(0.2);
    expect(purchases.params.r).toBeLessThan(0.3);
    expect(purchases.params.a).toBeGreaterThan(0.5);
    expect(purchases.params.a).toBeLessThan(1.1);
    const spend = fitGammaGamma(rows.filter((row) => row.frequency > 0));
    // Daily amounts are sums of same-day purchases, so p may drift up a little; q and v are recovered.
    expect(spend.meanSpend()).toBeGreaterThan(25);
    expect(spend.meanSpend()).toBeLessThan(40);
    // A frequent, recent buyer is worth more over a year than a one-off buyer of the same age.
    const best = rows.filter((row) => row.recency > row.T - 1).sort((x, y) => y.frequency - x.frequency)[0]!;
    const oneOff = rows.find((row) => row.frequency === 0 && Math.abs(row.T - best.T) < 1)!;
    const models: PurchaseModel[] = [purchases, fitParetoNbd(rows)];
    for (const model of models) {
      const value = customerLifetimeValue(model, spend, best, { months: 12, timeUnit: 'weeks' });
      const low = customerLifetimeValue(model, spend, oneOff, { months: 12, timeUnit: 'weeks' });
      expect(low).toBeGreaterThan(0);
      expect(value).toBeGreaterThan(5 * low);
    }
  });
});

describe('options every fitter shares', () => {
  const rows = cdnowSummary();
  const repeaters = rows.filter((row) => row.frequency > 0);
  const sum = (params: object) => Object.values(params).reduce((s: number, v: number) => s + v, 0);

  it('shrinks every model with the penalizer', () => {
    expect(sum(fitParetoNbd(rows, { penalizer: 0.05 }).params)).toBeLessThan(sum(fitParetoNbd(rows).params));
    expect(sum(fitGammaGamma(repeaters, { penalizer: 0.05 }).params)).toBeLessThan(
      sum(fitGammaGamma(repeaters).params),
    );
    expect(sum(fitBgBb(donations(), { penalizer: 0.05 }).params)).toBeLessThan(
      sum(fitBgBb(donations()).params),
    );
  });

  it('reports non-convergence for every model', () => {
    for (const fit of [
      () => fitParetoNbd(rows, { maxIterations: 1 }),
      () => fitGammaGamma(repeaters, { maxIterations: 1 }),
      () => fitBgBb(donations(), { maxIterations: 1 }),
    ]) {
      expect(fit).toThrow(expect.objectContaining({ code: 'CLV_NOT_CONVERGED' }));
    }
  });

  it('names a bad option', () => {
    expect(() => fitParetoNbd(rows, { maxIterations: 0 })).toThrow(/maxIterations: must be > 0/);
    expect(() => fitGammaGamma(repeaters, { initialParams: { p: -1 } })).toThrow(
      /initialParams\.p: must be > 0/,
    );
    expect(() => fitBgBb(donations(), { penalizer: Number.NaN })).toThrow(/penalizer/);
  });
});
