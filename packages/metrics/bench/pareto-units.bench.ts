// The Pareto share of 200,000 customers' revenue, side by side in the same process: paretoShareOfMinorUnits
// over whole cents against paretoShare over the same amounts as Money (the baseline). Same result.
import { createSeededRandom, Money, minorUnitsToDecimal } from '@crmkit/core';
import { afterAll, bench, describe } from 'vitest';
import { paretoShare, paretoShareOfMinorUnits } from '../src/index';

const random = createSeededRandom(11);
const cents = Float64Array.from({ length: 200_000 }, () =>
  Math.round(100 * Math.exp(3 + 1.2 * random.next() * 3)),
);
const money = Array.from(cents, (c) => Money.of(minorUnitsToDecimal(c, 2), 'EUR'));

const cpuMs = new Map<string, number>();
function timed(name: string, run: () => unknown) {
  return () => {
    const cpu = process.cpuUsage();
    run();
    const used = process.cpuUsage(cpu);
    cpuMs.set(name, Math.min(cpuMs.get(name) ?? Number.POSITIVE_INFINITY, (used.user + used.system) / 1000));
  };
}
const runs = { iterations: 3, time: 0, warmupIterations: 1 };

describe('Pareto share of 200,000 customers', () => {
  bench(
    'paretoShareOfMinorUnits',
    timed('ours', () => paretoShareOfMinorUnits(cents, 'EUR', 0.2)),
    runs,
  );
  bench(
    'baseline: paretoShare over Money',
    timed('baseline', () => paretoShare(money, 0.2)),
    runs,
  );
});

afterAll(() => {
  const ours = cpuMs.get('ours');
  const baseline = cpuMs.get('baseline');
  if (ours === undefined || baseline === undefined) return;
  console.log(
    `\nparetoShareOfMinorUnits ${ours.toFixed(1)} ms CPU | baseline paretoShare over Money ${baseline.toFixed(1)} ms | ×${(baseline / ours).toFixed(1)}`,
  );
});
