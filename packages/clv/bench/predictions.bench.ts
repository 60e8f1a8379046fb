// Predictions for many customers at once, side by side with the per-customer functions in the same
// process: customerLifetimeValues against a loop of customerLifetimeValue, and purchasePredictions
// against a loop of expectedPurchases + probabilityAlive, on 200,000 simulated BG/NBD customers
// (day-resolution times in weeks, a 12-week cohort), 12 months ahead. Both give the same doubles.
import { createSeededRandom } from '@crmkit/core';
import { afterAll, bench, describe } from 'vitest';
import {
  BgNbdModel,
  customerLifetimeValue,
  customerLifetimeValues,
  GammaGammaModel,
  purchasePredictions,
} from '../src/index';
import { cohortT, simulateBgNbdCustomer } from '../test/helpers/simulate';

const random = createSeededRandom(2026);
const params = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };
const rows = Array.from({ length: 200_000 }, () => {
  const row = simulateBgNbdCustomer(params, cohortT(random), random);
  const recency = Math.floor(row.recency * 7) / 7; // purchase days, in weeks
  return { ...row, recency, monetaryValue: row.frequency === 0 ? 0 : 10 + random.next() * 40 };
});
const columns = {
  frequency: Float64Array.from(rows, (r) => r.frequency),
  recency: Float64Array.from(rows, (r) => r.recency),
  T: Float64Array.from(rows, (r) => r.T),
  monetaryValue: Float64Array.from(rows, (r) => r.monetaryValue),
};
const purchases = new BgNbdModel(params);
const spend = new GammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 });
const options = { months: 12, discountRate: 0.01, timeUnit: 'weeks' } as const;

const cpuMs = new Map<string, number>();
function timed(name: string, run: () => unknown) {
  return () => {
    const cpu = process.cpuUsage();
    run();
    const used = process.cpuUsage(cpu);
    cpuMs.set(name, Math.min(cpuMs.get(name) ?? Number.POSITIVE_INFINITY, (used.user + used.system) / 1000));
  };
}
const once = { iterations: 3, time: 0, warmupIterations: 1 };

describe('CLV of 200,000 customers', () => {
  bench(
    'customerLifetimeValues',
    timed('customerLifetimeValues', () => customerLifetimeValues(purchases, spend, columns, options)),
    once,
  );
  bench(
    'baseline: customerLifetimeValue per customer',
    timed('baseline: customerLifetimeValue per customer', () =>
      rows.map((row) => customerLifetimeValue(purchases, spend, row, options)),
    ),
    once,
  );
});

describe('purchases in 52 weeks and P(alive) of 200,000 customers', () => {
  bench(
    'purchasePredictions',
    timed('purchasePredictions', () => purchasePredictions(purchases, 52, columns)),
    once,
  );
  bench(
    'baseline: expectedPurchases + probabilityAlive per customer',
    timed('baseline: expectedPurchases + probabilityAlive per customer', () =>
      rows.map((row) => [purchases.expectedPurchases(52, row), purchases.probabilityAlive(row)]),
    ),
    once,
  );
});

afterAll(() => {
  console.log('\nbest CPU time of 3 runs, and the speed-up over the per-customer baseline');
  for (const [ours, baseline] of [
    ['customerLifetimeValues', 'baseline: customerLifetimeValue per customer'],
    ['purchasePredictions', 'baseline: expectedPurchases + probabilityAlive per customer'],
  ] as const) {
    const a = cpuMs.get(ours);
    const b = cpuMs.get(baseline);
    if (a === undefined || b === undefined) continue;
    console.log(
      `${ours.padEnd(24)} ${a.toFixed(0).padStart(6)} ms | ${baseline} ${b.toFixed(0).padStart(6)} ms | ×${(b / a).toFixed(1)}`,
    );
  }
});
