import { createSeededRandom } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortedCopy } from '../src/sort';

/** Values of one kind, seeded: what scoring and tiers sort (amounts, days, counts) and worse. */
function valuesOf(kind: number, n: number, seed: number): Float64Array {
  const random = createSeededRandom(seed);
  const next = () => random.next();
  const specials = [0, -0, Number.NaN, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, 1, -1];
  const bits = new Uint32Array(2);
  const makers: (() => number)[] = [
    () => Math.round(next() * 1e6) / 100, // net spend in currency units
    () => Math.round((next() - 0.5) * 1e6) / 100, // refunds can make it negative
    () => Math.floor(next() * 730), // recency in days
    () => -Math.floor(next() * 730), // recency negated (with -0), as quantile keys are
    () => 1 + Math.floor(next() * 19), // frequencies
    () => Math.floor(next() * 1e12) - 5e11, // whole numbers too far apart to count
    () => specials[Math.floor(next() * specials.length)]!,
    () => {
      bits[0] = Math.floor(next() * 2 ** 32);
      bits[1] = Math.floor(next() * 2 ** 32);
      return new Float64Array(bits.buffer)[0]!;
    },
  ];
  const make = makers[kind]!;
  return Float64Array.from({ length: n }, make);
}

describe('sortedCopy', () => {
  it('orders exactly as Float64Array#sort: −0 before +0, NaN last (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 12_000 }),
        fc.integer(),
        (kind, n, seed) => {
          const values = valuesOf(kind, n, seed);
          const before = Float64Array.from(values);
          const sorted = sortedCopy(values);
          const expected = Float64Array.from(values).sort();
          expect(sorted.length).toBe(n);
          for (let i = 0; i < n; i++) {
            if (!Object.is(sorted[i], expected[i])) expect([i, sorted[i]]).toEqual([i, expected[i]]);
          }
          expect(values).toEqual(before);
        },
      ),
      { numRuns: 60, seed: 20261124 },
    );
  });

  it('sorts by counting, with −0s before the zeros, and by radix (hand-checked)', () => {
    const counted = Float64Array.from({ length: 5000 }, (_, i) => [-0, 0, 1, 2][i % 4]!);
    const sorted = sortedCopy(counted);
    expect([0, 1249, 1250, 2499].map((i) => Object.is(sorted[i], i < 1250 ? -0 : 0))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([sorted[2500], sorted[3749], sorted[3750], sorted[4999]]).toEqual([1, 1, 2, 2]);
    const doubles = Float64Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? i / 100 : -i / 100));
    const radix = sortedCopy(doubles);
    expect([radix[0], radix[2499], radix[2500], radix[4999]]).toEqual([-49.99, -0.01, 0, 49.98]);
  });
});
