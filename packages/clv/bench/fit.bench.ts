// Fitting speed, each fit side by side with a named baseline in the same process:
// - BG/NBD on 1,000,000 generated customers (day-resolution times, a 12-week cohort) — baseline: the same
//   L-BFGS fit with the same analytic gradient but without merging identical rows;
// - BG/NBD on the 2,357 CDNOW customers — baseline: a lifetimes-style fit, the per-row log-likelihood
//   minimised by Nelder–Mead on log-parameters;
// - Pareto/NBD and Gamma-Gamma on the CDNOW sample — baseline: the same L-BFGS fit with central-difference
//   gradients instead of analytic ones.
// Targets (issue #10): 1M < 2 s, sample BG/NBD < 20 ms, Pareto/NBD and Gamma-Gamma < 100 ms.
import { createSeededRandom } from '@crmkit/core';
import { afterAll, bench, describe } from 'vitest';
import { bgNbdLikelihood } from '../src/bg-nbd';
import { maximizeLikelihood } from '../src/fit';
import { gammaGammaLikelihood } from '../src/gamma-gamma';
import { fitBgNbd, fitGammaGamma, fitParetoNbd } from '../src/index';
import { logBeta } from '../src/math/beta';
import { logGamma } from '../src/math/gamma';
import { paretoNbdLikelihood } from '../src/pareto-nbd';
import { type Compressed, columnsOf } from '../src/rows';
import { cdnowSummary } from '../test/helpers/fixtures';
import { cohortT, simulateBgNbdCustomer } from '../test/helpers/simulate';
import { nelderMead } from './nelder-mead';

const sample = cdnowSummary();
const repeaters = sample.filter((row) => row.frequency > 0);

const random = createSeededRandom(2026);
const truth = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };
const million = Array.from({ length: 1_000_000 }, () => {
  const row = simulateBgNbdCustomer(truth, cohortT(random), random);
  return { ...row, recency: Math.floor(row.recency * 7) / 7 }; // purchase days, in weeks
});

function uncompressed(rows: readonly { frequency: number; recency: number; T: number }[]): Compressed {
  const columns = [
    Float64Array.from(rows, (row) => row.frequency),
    Float64Array.from(rows, (row) => row.recency),
    Float64Array.from(rows, (row) => row.T),
  ];
  return { columns, weights: new Float64Array(rows.length).fill(1), size: rows.length, total: rows.length };
}

// lifetimes' BG/NBD negative log-likelihood, row by row.
function naiveBgNbd(rows: readonly { frequency: number; recency: number; T: number }[], logParams: number[]) {
  const [r, alpha, a, b] = logParams.map(Math.exp) as [number, number, number, number];
  let ll = 0;
  for (const { frequency: x, recency, T } of rows) {
    const a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
    const a2 = logBeta(a, b + x) - logBeta(a, b);
    const a3 = -(r + x) * Math.log(alpha + T);
    const a4 =
      x > 0
        ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + recency)
        : Number.NEGATIVE_INFINITY;
    ll += a1 + a2 + Math.max(a3, a4) + Math.log1p(Math.exp(-Math.abs(a3 - a4)));
  }
  return -ll / rows.length;
}

// Wall-clock and CPU time (user + system) of every run: the machine is shared, and CPU time is the
// steadier figure when other processes compete for the cores.
const timings = new Map<string, { wall: number[]; cpu: number[] }>();
function timed(name: string, run: () => unknown) {
  return () => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    run();
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const entry = timings.get(name) ?? { wall: [], cpu: [] };
    entry.wall.push(wall);
    entry.cpu.push((used.user + used.system) / 1000);
    timings.set(name, entry);
  };
}
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

afterAll(() => {
  const pairs: [string, string][] = [
    ['BG/NBD 1M: fitBgNbd', 'BG/NBD 1M: baseline, no row merging'],
    ['BG/NBD sample: fitBgNbd', 'BG/NBD sample: baseline, per-row Nelder–Mead'],
    ['Pareto/NBD sample: fitParetoNbd', 'Pareto/NBD sample: baseline, numeric gradient'],
    ['Gamma-Gamma sample: fitGammaGamma', 'Gamma-Gamma sample: baseline, numeric gradient'],
  ];
  const show = (t: { wall: number[]; cpu: number[] }) =>
    `${median(t.wall).toFixed(1).padStart(8)} ms wall ${median(t.cpu).toFixed(1).padStart(8)} ms cpu`;
  console.log('\nmedian fit times and speed-up (by CPU time) over the named baseline');
  for (const [ours, baseline] of pairs) {
    const a = timings.get(ours);
    const b = timings.get(baseline);
    if (!a || !b) continue;
    console.log(
      `${ours.padEnd(34)} ${show(a)} | ${baseline.padEnd(46)} ${show(b)} | ×${(median(b.cpu) / median(a.cpu)).toFixed(1)}`,
    );
  }
});

describe('BG/NBD on 1,000,000 customers', () => {
  bench(
    'BG/NBD 1M: fitBgNbd',
    timed('BG/NBD 1M: fitBgNbd', () => fitBgNbd(million)),
    { iterations: 3, time: 0 },
  );
  bench(
    'BG/NBD 1M: baseline, no row merging',
    timed('BG/NBD 1M: baseline, no row merging', () =>
      maximizeLikelihood(bgNbdLikelihood(uncompressed(million)), {}, 'BG/NBD'),
    ),
    { iterations: 1, time: 0, warmupIterations: 0 },
  );
});

describe('BG/NBD on the 2,357-customer CDNOW sample', () => {
  bench(
    'BG/NBD sample: fitBgNbd',
    timed('BG/NBD sample: fitBgNbd', () => fitBgNbd(sample)),
    { iterations: 30, time: 0 },
  );
  bench(
    'BG/NBD sample: baseline, per-row Nelder–Mead',
    timed('BG/NBD sample: baseline, per-row Nelder–Mead', () =>
      nelderMead((x) => naiveBgNbd(sample, x), [0, 0, 0, 0]),
    ),
    { iterations: 2, time: 0, warmupIterations: 1 },
  );
});

describe('Pareto/NBD on the CDNOW sample', () => {
  bench(
    'Pareto/NBD sample: fitParetoNbd',
    timed('Pareto/NBD sample: fitParetoNbd', () => fitParetoNbd(sample)),
    {
      iterations: 10,
      time: 0,
    },
  );
  bench(
    'Pareto/NBD sample: baseline, numeric gradient',
    timed('Pareto/NBD sample: baseline, numeric gradient', () => {
      const likelihood = paretoNbdLikelihood(columnsOf(sample, ['frequency', 'recency', 'T']));
      maximizeLikelihood(
        { ...likelihood, analyticGradient: false, logLikelihood: (theta) => likelihood.logLikelihood(theta) },
        {},
        'Pareto/NBD',
      );
    }),
    { iterations: 3, time: 0 },
  );
});

describe('Gamma-Gamma on the CDNOW repeat customers', () => {
  bench(
    'Gamma-Gamma sample: fitGammaGamma',
    timed('Gamma-Gamma sample: fitGammaGamma', () => fitGammaGamma(repeaters)),
    {
      iterations: 20,
      time: 0,
    },
  );
  bench(
    'Gamma-Gamma sample: baseline, numeric gradient',
    timed('Gamma-Gamma sample: baseline, numeric gradient', () => {
      const likelihood = gammaGammaLikelihood(columnsOf(repeaters, ['frequency', 'monetaryValue']));
      maximizeLikelihood(
        { ...likelihood, analyticGradient: false, logLikelihood: (theta) => likelihood.logLikelihood(theta) },
        {},
        'Gamma-Gamma',
      );
    }),
    { iterations: 5, time: 0 },
  );
});
