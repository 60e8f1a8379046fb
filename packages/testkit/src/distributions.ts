import type { Random } from '@crmkit/core';

function positive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
}

/**
 * A draw from the standard normal distribution (Box–Muller).
 *
 * @example
 * ```ts
 * const z = sampleNormal(createSeededRandom(1));
 * ```
 */
export function sampleNormal(random: Random, mean = 0, sd = 1): number {
  if (!(sd >= 0)) throw new RangeError(`sd must be >= 0, got ${sd}`);
  const u = 1 - random.next();
  const v = random.next();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A draw from the exponential distribution with the given rate (mean 1/rate).
 *
 * @example
 * ```ts
 * sampleExponential(createSeededRandom(1), 0.5); // mean 2
 * ```
 */
export function sampleExponential(random: Random, rate: number): number {
  positive('rate', rate);
  return -Math.log(1 - random.next()) / rate;
}

/**
 * A draw from the gamma distribution with `shape` and `rate` (mean
 * shape/rate), by Marsaglia and Tsang's method, boosted for shape < 1.
 *
 * @example
 * ```ts
 * sampleGamma(createSeededRandom(1), 2, 4); // mean 0.5
 * ```
 */
export function sampleGamma(random: Random, shape: number, rate = 1): number {
  positive('shape', shape);
  positive('rate', rate);
  if (shape < 1) {
    const boost = random.next() ** (1 / shape);
    return boost * sampleGamma(random, shape + 1, rate);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))
      return (d * v) / rate;
  }
}

/**
 * A draw from the beta distribution (mean a/(a+b)).
 *
 * @example
 * ```ts
 * sampleBeta(createSeededRandom(1), 2, 6); // mean 0.25
 * ```
 */
export function sampleBeta(random: Random, a: number, b: number): number {
  positive('a', a);
  positive('b', b);
  const x = sampleGamma(random, a);
  const y = sampleGamma(random, b);
  return x / (x + y);
}

/**
 * A draw from the Poisson distribution with the given mean (Knuth's method
 * for small means, a normal approximation with continuity correction above 500).
 *
 * @example
 * ```ts
 * samplePoisson(createSeededRandom(1), 3);
 * ```
 */
export function samplePoisson(random: Random, mean: number): number {
  if (!(Number.isFinite(mean) && mean >= 0))
    throw new RangeError(`mean must be a finite number >= 0, got ${mean}`);
  if (mean > 500) return Math.max(0, Math.round(sampleNormal(random, mean, Math.sqrt(mean))));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random.next();
  while (p > limit) {
    k++;
    p *= random.next();
  }
  return k;
}

/**
 * A draw from the log-normal distribution: exp(N(mu, sigma)).
 *
 * @example
 * ```ts
 * sampleLogNormal(createSeededRandom(1), 3, 0.5);
 * ```
 */
export function sampleLogNormal(random: Random, mu: number, sigma: number): number {
  return Math.exp(sampleNormal(random, mu, sigma));
}

/**
 * Picks one item by weight.
 *
 * @example
 * ```ts
 * pickWeighted(createSeededRandom(1), [['web', 3], ['store', 1]]); // 'web' 3 times in 4
 * ```
 */
export function pickWeighted<T>(random: Random, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((sum, [, w]) => sum + w, 0);
  if (!(total > 0)) throw new RangeError('pickWeighted needs at least one positive weight');
  let u = random.next() * total;
  for (const [item, weight] of choices) {
    u -= weight;
    if (u < 0) return item;
  }
  return choices[choices.length - 1]![0];
}
