// Exact simulators of the four models, customer by customer from a seeded Random, for the
// parameter-recovery and Monte Carlo tests and the benchmarks.
import { createSeededRandom, type Random } from '@crmkit/core';
import { sampleBeta, sampleExponential, sampleGamma } from '@crmkit/testkit';
import type { BgBbParams, BgNbdParams, GammaGammaParams, ParetoNbdParams } from '../../src/index';

export interface SimulatedRow {
  frequency: number;
  recency: number;
  T: number;
}

/** A CDNOW-like cohort: first purchases spread over 12 weeks at day resolution, observed until week 39. */
export function cohortT(random: Random): number {
  return 39 - Math.floor(random.next() * 84) / 7;
}

function waitFor(random: Random, rate: number): number {
  return rate > 0 ? sampleExponential(random, rate) : Number.POSITIVE_INFINITY;
}

/** BG/NBD: λ ~ Gamma(r, α), p ~ Beta(a, b); Poisson purchases at rate λ, death with probability p after each. */
export function simulateBgNbdCustomer(
  params: BgNbdParams,
  T: number,
  random: Random,
  times?: number[],
): SimulatedRow {
  const lambda = sampleGamma(random, params.r, params.alpha);
  const p = sampleBeta(random, params.a, params.b);
  let frequency = 0;
  let recency = 0;
  let t = 0;
  for (;;) {
    t += waitFor(random, lambda);
    if (t > T) break;
    frequency++;
    recency = t;
    times?.push(t);
    if (random.next() < p) break;
  }
  return { frequency, recency, T };
}

/** Pareto/NBD: λ ~ Gamma(r, α), μ ~ Gamma(s, β); lifetime ~ Exp(μ), Poisson purchases at rate λ while alive. */
export function simulateParetoNbdCustomer(params: ParetoNbdParams, T: number, random: Random): SimulatedRow {
  const lambda = sampleGamma(random, params.r, params.alpha);
  const mu = sampleGamma(random, params.s, params.beta);
  const end = Math.min(T, waitFor(random, mu));
  let frequency = 0;
  let recency = 0;
  for (let t = waitFor(random, lambda); t <= end; t += waitFor(random, lambda)) {
    frequency++;
    recency = t;
  }
  return { frequency, recency, T };
}

export function simulateBgNbd(params: BgNbdParams, customers: number, seed: number): SimulatedRow[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: customers }, () => simulateBgNbdCustomer(params, cohortT(random), random));
}

export function simulateParetoNbd(params: ParetoNbdParams, customers: number, seed: number): SimulatedRow[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: customers }, () => simulateParetoNbdCustomer(params, cohortT(random), random));
}

/** Gamma-Gamma: ν ~ Gamma(q, v); the mean of x values ~ Gamma(p, ν) is Gamma(p·x, ν·x). */
export function simulateGammaGamma(params: GammaGammaParams, frequencies: readonly number[], seed: number) {
  const random = createSeededRandom(seed);
  return frequencies.map((frequency) => {
    const nu = sampleGamma(random, params.q, params.v);
    return { frequency, monetaryValue: sampleGamma(random, params.p * frequency, nu * frequency) };
  });
}

/** BG/BB: p ~ Beta(α, β), θ ~ Beta(γ, δ); before each of n opportunities a living customer dies with θ, else buys with p. */
export function simulateBgBb(params: BgBbParams, customers: number, n: number, seed: number) {
  const random = createSeededRandom(seed);
  const rows: { frequency: number; recency: number; n: number }[] = [];
  for (let i = 0; i < customers; i++) {
    const p = sampleBeta(random, params.alpha, params.beta);
    const theta = sampleBeta(random, params.gamma, params.delta);
    let frequency = 0;
    let recency = 0;
    for (let t = 1; t <= n; t++) {
      if (random.next() < theta) break;
      if (random.next() < p) {
        frequency++;
        recency = t;
      }
    }
    rows.push({ frequency, recency, n });
  }
  return rows;
}

/** A BG/NBD customer observed until T and followed for `horizon` more: their row, whether alive at T, purchases in (T, T + horizon]. */
export function followBgNbdCustomer(params: BgNbdParams, T: number, horizon: number, random: Random) {
  const lambda = sampleGamma(random, params.r, params.alpha);
  const p = sampleBeta(random, params.a, params.b);
  let frequency = 0;
  let recency = 0;
  let future = 0;
  let alive = true;
  let t = 0;
  for (;;) {
    t += waitFor(random, lambda);
    if (t > T + horizon) break;
    if (t <= T) {
      frequency++;
      recency = t;
    } else future++;
    if (random.next() < p) {
      alive = t > T;
      break;
    }
  }
  return { row: { frequency, recency, T }, aliveAtT: alive, future };
}

/** The same for a Pareto/NBD customer. */
export function followParetoNbdCustomer(params: ParetoNbdParams, T: number, horizon: number, random: Random) {
  const lambda = sampleGamma(random, params.r, params.alpha);
  const mu = sampleGamma(random, params.s, params.beta);
  const death = waitFor(random, mu);
  let frequency = 0;
  let recency = 0;
  let future = 0;
  for (let t = waitFor(random, lambda); t <= Math.min(death, T + horizon); t += waitFor(random, lambda)) {
    if (t <= T) {
      frequency++;
      recency = t;
    } else future++;
  }
  return { row: { frequency, recency, T }, aliveAtT: death > T, future };
}

/** A BG/BB customer over n opportunities and `horizon` more: their row, whether alive at n + 1, transactions in n + 1 … n + horizon. */
export function followBgBbCustomer(params: BgBbParams, n: number, horizon: number, random: Random) {
  const p = sampleBeta(random, params.alpha, params.beta);
  const theta = sampleBeta(random, params.gamma, params.delta);
  let frequency = 0;
  let recency = 0;
  let future = 0;
  let deathAt = Number.POSITIVE_INFINITY;
  for (let t = 1; t <= n + horizon; t++) {
    if (random.next() < theta) {
      deathAt = t;
      break;
    }
    if (random.next() < p) {
      if (t <= n) {
        frequency++;
        recency = t;
      } else future++;
    }
  }
  return { row: { frequency, recency, n }, aliveAtNext: deathAt > n + 1, future };
}
