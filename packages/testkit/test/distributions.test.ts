import { createSeededRandom } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  pickWeighted,
  sampleBeta,
  sampleExponential,
  sampleGamma,
  sampleLogNormal,
  sampleNormal,
  samplePoisson,
} from '../src/index';

const N = 100_000;

function moments(draw: () => number) {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < N; i++) {
    const x = draw();
    sum += x;
    sq += x * x;
  }
  const mean = sum / N;
  return { mean, variance: sq / N - mean * mean };
}

// Tolerances: 5 standard errors of the sample mean (sd/sqrt(N)) and ~5 % for variances.
describe('distributions (seeded, 100k draws)', () => {
  it('normal(3, 2)', () => {
    const r = createSeededRandom(1);
    const m = moments(() => sampleNormal(r, 3, 2));
    expect(Math.abs(m.mean - 3)).toBeLessThan((5 * 2) / Math.sqrt(N));
    expect(m.variance).toBeCloseTo(4, 0);
  });

  it('exponential(rate 0.5): mean 2, variance 4', () => {
    const r = createSeededRandom(2);
    const m = moments(() => sampleExponential(r, 0.5));
    expect(Math.abs(m.mean - 2)).toBeLessThan((5 * 2) / Math.sqrt(N));
    expect(Math.abs(m.variance - 4) / 4).toBeLessThan(0.05);
  });

  it.each([
    [0.25, 4],
    [2, 0.5],
    [9, 3],
  ])('gamma(shape %d, rate %d): mean shape/rate, variance shape/rate²', (shape, rate) => {
    const r = createSeededRandom(shape * 100 + rate);
    const m = moments(() => sampleGamma(r, shape, rate));
    const sd = Math.sqrt(shape) / rate;
    expect(Math.abs(m.mean - shape / rate)).toBeLessThan((5 * sd) / Math.sqrt(N));
    expect(Math.abs(m.variance - shape / rate ** 2) / (shape / rate ** 2)).toBeLessThan(0.06);
  });

  it('beta(2, 6): mean 0.25, variance ab/((a+b)²(a+b+1)) = 0.02083', () => {
    const r = createSeededRandom(4);
    const m = moments(() => sampleBeta(r, 2, 6));
    expect(Math.abs(m.mean - 0.25)).toBeLessThan((5 * Math.sqrt(0.02083)) / Math.sqrt(N));
    expect(Math.abs(m.variance - 0.020833) / 0.020833).toBeLessThan(0.05);
  });

  it.each([0.3, 3, 40, 800])('poisson(%d): mean and variance equal the mean', (mean) => {
    const r = createSeededRandom(mean * 10);
    const m = moments(() => samplePoisson(r, mean));
    expect(Math.abs(m.mean - mean)).toBeLessThan((5 * Math.sqrt(mean)) / Math.sqrt(N));
    expect(Math.abs(m.variance - mean) / mean).toBeLessThan(0.05);
  });

  it('log-normal(0, 0.5): mean exp(σ²/2) = 1.1331', () => {
    const r = createSeededRandom(5);
    const m = moments(() => sampleLogNormal(r, 0, 0.5));
    expect(m.mean).toBeCloseTo(1.1331, 2);
  });

  it('pickWeighted follows the weights', () => {
    const r = createSeededRandom(6);
    let a = 0;
    for (let i = 0; i < N; i++)
      if (
        pickWeighted(r, [
          ['a', 3],
          ['b', 1],
        ] as const) === 'a'
      )
        a++;
    expect(Math.abs(a / N - 0.75)).toBeLessThan(5 * Math.sqrt((0.75 * 0.25) / N));
  });

  it('rejects bad parameters with a RangeError naming them', () => {
    const r = createSeededRandom(7);
    expect(() => sampleGamma(r, 0)).toThrow(/shape must be a finite number > 0/);
    expect(() => sampleGamma(r, 1, -1)).toThrow(/rate must be/);
    expect(() => sampleBeta(r, 1, Number.NaN)).toThrow(/b must be/);
    expect(() => sampleExponential(r, 0)).toThrow(/rate must be/);
    expect(() => samplePoisson(r, -1)).toThrow(/mean must be/);
    expect(() => sampleNormal(r, 0, -1)).toThrow(/sd must be/);
    expect(() => pickWeighted(r, [])).toThrow(RangeError);
  });
});
