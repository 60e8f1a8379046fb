// The analytic gradients the fitters use agree with central differences of the log-likelihood.
import { describe, expect, it, vi } from 'vitest';
import { bgNbdLikelihood } from '../src/bg-nbd';
import { gammaGammaLikelihood } from '../src/gamma-gamma';
import { paretoNbdLikelihood } from '../src/pareto-nbd';
import { columnsOf } from '../src/rows';
import { cdnowSummary } from './helpers/fixtures';

// Fits and simulations share two cores with other work: allow them time (this is no speed assertion).
vi.setConfig({ testTimeout: 120_000 });

const rows = cdnowSummary();
const rfm = columnsOf(rows, ['frequency', 'recency', 'T']);
const spend = columnsOf(
  rows.filter((row) => row.frequency > 0),
  ['frequency', 'monetaryValue'],
);

function checkGradient(
  likelihood: { logLikelihood(theta: Float64Array, gradient?: Float64Array): number },
  point: number[],
) {
  const theta = Float64Array.from(point);
  const gradient = new Float64Array(point.length);
  likelihood.logLikelihood(theta, gradient);
  for (let i = 0; i < point.length; i++) {
    const h = 1e-5 * point[i]!;
    const up = Float64Array.from(point);
    const down = Float64Array.from(point);
    up[i]! += h;
    down[i]! -= h;
    const numeric = (likelihood.logLikelihood(up) - likelihood.logLikelihood(down)) / (2 * h);
    expect(Math.abs(gradient[i]! - numeric), `∂/∂θ${i} at ${point}`).toBeLessThan(
      1e-5 * Math.max(1, Math.abs(numeric)),
    );
  }
}

describe('analytic gradients', () => {
  it('BG/NBD', () => {
    for (const point of [
      [0.2426, 4.4136, 0.7929, 2.4259],
      [1, 30, 1, 1],
      [3, 0.5, 0.1, 20],
    ]) {
      checkGradient(bgNbdLikelihood(rfm), point);
    }
  });

  it('Pareto/NBD, with alpha above and below beta', () => {
    for (const point of [
      [0.5534, 10.5802, 0.6061, 11.6562],
      [0.5534, 15, 0.6061, 3],
      [2, 1, 1.5, 30],
      [1, 20, 1, 20.000001],
    ]) {
      checkGradient(paretoNbdLikelihood(rfm), point);
    }
  });

  it('Gamma-Gamma', () => {
    for (const point of [
      [6.25, 3.74, 15.44],
      [1, 1, 35],
      [20, 10, 3],
    ]) {
      checkGradient(gammaGammaLikelihood(spend), point);
    }
  });
});
