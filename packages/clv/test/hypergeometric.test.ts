import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  hyp2f1,
  hyp2f1Series,
  logHyp2f1AOne,
  logHyp2f1AOneWithGradient,
  logHyp2f1Series,
} from '../src/math/hypergeometric';

// Fits and simulations share two cores with other work: allow them time (this is no speed assertion).
vi.setConfig({ testTimeout: 120_000 });

describe('2F1(a, b; a + 1; z) by continued fraction', () => {
  it('matches closed forms', () => {
    for (const z of [1e-8, 0.1, 0.5, 0.9, 0.999, 1 - 1e-6]) {
      // 2F1(1, 1; 2; z) = −log(1 − z)/z
      expect(logHyp2f1AOne(1, 1, z)).toBeCloseTo(Math.log(-Math.log1p(-z) / z), 10);
      // 2F1(1/2, 1; 3/2; z) = atanh(√z)/√z
      expect(logHyp2f1AOne(0.5, 1, z)).toBeCloseTo(Math.log(Math.atanh(Math.sqrt(z)) / Math.sqrt(z)), 10);
      // 2F1(a, b; a + 1; z) with b = a + 1 is (1 − z)^−(a + 1)·… ; with b = 0 it is 1.
      expect(logHyp2f1AOne(2.5, 0, z)).toBeCloseTo(0, 14);
    }
    expect(logHyp2f1AOne(3, 2, 0)).toBe(0);
  });

  it('matches the Gauss series wherever both apply', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 600, noNaN: true }),
        fc.double({ min: 0.01, max: 600, noNaN: true }),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        (a, b, z) => {
          const series = logHyp2f1Series(a, b, a + 1, z);
          const fraction = logHyp2f1AOne(a, b, z);
          expect(Math.abs(fraction - series)).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(series)));
        },
      ),
      { numRuns: 500, seed: 20261123 },
    );
  });

  it('stays finite and exact for large parameters near z = 1 (the Pareto/NBD hard region)', () => {
    // a = r + s + x with x in the hundreds, b = r + x, z = (β − α)/(β + tₓ) close to 1.
    const a = 501.2;
    const b = 500.6;
    const z = 0.999;
    const fraction = logHyp2f1AOne(a, b, z);
    expect(Number.isFinite(fraction)).toBe(true);
    expect(fraction).toBeCloseTo(logHyp2f1Series(a, b, a + 1, z), 8);
    expect(Number.isFinite(logHyp2f1AOne(0.6, 1.6, 1 - 1e-9))).toBe(true);
  });
});

describe('the signed Gauss series', () => {
  it('handles c in (−1, 0) and small z exactly', () => {
    // 2F1(a, b; c; z) = 1 + (ab/c) z + (a(a+1)b(b+1)/(c(c+1)·2)) z² + …
    const { logAbs, sign } = hyp2f1Series(0.5, 0.5, -0.5, 1e-10);
    expect(sign).toBe(1);
    expect(logAbs).toBeCloseTo(Math.log1p(-0.5e-10 - 1.125e-20), 24);
    const big = hyp2f1Series(0.5, 3, -0.5, 0.9);
    expect(big.sign).toBe(-1);
    // (1 − z)^−a for b = c: 2F1(a, b; b; z).
    expect(hyp2f1Series(2.5, 1.5, 1.5, 0.8).logAbs).toBeCloseTo(-2.5 * Math.log(0.2), 12);
  });
});

describe('2F1(a, b; a + 1; z) with its gradient', () => {
  it('returns the same value and the finite-difference derivatives', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 400, noNaN: true }),
        fc.double({ min: 0.05, max: 400, noNaN: true }),
        fc.double({ min: 0.001, max: 0.98, noNaN: true }),
        (a, b, z) => {
          const gradient = new Float64Array(3);
          const value = logHyp2f1AOneWithGradient(a, b, z, gradient);
          expect(value).toBeCloseTo(logHyp2f1AOne(a, b, z), 10);
          const args = [a, b, z];
          for (let i = 0; i < 3; i++) {
            const h = 1e-6 * Math.max(Math.abs(args[i]!), 1e-3);
            const up = [...args];
            const down = [...args];
            up[i]! += h;
            down[i]! -= h;
            const numeric =
              (logHyp2f1AOne(up[0]!, up[1]!, up[2]!) - logHyp2f1AOne(down[0]!, down[1]!, down[2]!)) / (2 * h);
            expect(Math.abs(gradient[i]! - numeric)).toBeLessThanOrEqual(
              1e-5 * Math.max(1, Math.abs(numeric)),
            );
          }
        },
      ),
      { numRuns: 300, seed: 20261123 },
    );
  });
});

describe('2F1(a, b; c; z) near z = 1', () => {
  it('switches to the connection formula and agrees with the series', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 40, noNaN: true }),
        fc.double({ min: 0.05, max: 40, noNaN: true }),
        fc.double({ min: 0.1, max: 60, noNaN: true }),
        fc.double({ min: 5e-4, max: 2e-3, noNaN: true }),
        (a, b, c, w) => {
          const z = 1 - w;
          const direct = hyp2f1Series(a, b, c, z);
          const connected = hyp2f1(a, b, c, z);
          expect(connected.sign).toBe(1);
          expect(Math.abs(connected.logAbs - direct.logAbs)).toBeLessThanOrEqual(
            1e-7 * Math.max(1, Math.abs(direct.logAbs)),
          );
        },
      ),
      { numRuns: 150, seed: 20261123 },
    );
  });

  it('matches closed forms, including an integer c − a − b', () => {
    for (const gap of [1e-6, 1e-9, 1e-12]) {
      const z = 1 - gap;
      const w = 1 - z; // exact in floating point, unlike gap
      // c − a − b = 0: 2F1(1, 1; 2; z) = −log(1 − z)/z
      expect(hyp2f1(1, 1, 2, z).logAbs).toBeCloseTo(Math.log(-Math.log(w) / z), 6);
      // 2F1(a, b; b; z) = (1 − z)^−a
      expect(hyp2f1(2.5, 1.7, 1.7, z).logAbs).toBeCloseTo(-2.5 * Math.log(w), 8);
      // c − a − b = 1 (integer, convergent at 1): 2F1(1/2, 1/2; 2; z) → Γ(2)Γ(1)/Γ(3/2)² = 4/π
      expect(Math.exp(hyp2f1(0.5, 0.5, 2, z).logAbs)).toBeCloseTo(4 / Math.PI, 4);
    }
  });
});

describe("2F1 through Euler's transformation", () => {
  it('agrees with the direct series on the BG/NBD expectation term 2F1(r + x, b + x; a + b + x − 1; z)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.integer({ min: 0, max: 120 }),
        fc.double({ min: 0.01, max: 0.95, noNaN: true }),
        (r, a, b, x, z) => {
          fc.pre(Math.abs(a - 1) > 0.01);
          const direct = hyp2f1Series(r + x, b + x, a + b + x - 1, z);
          const viaEuler = hyp2f1(r + x, b + x, a + b + x - 1, z);
          expect(viaEuler.sign).toBe(direct.sign);
          expect(Math.abs(viaEuler.logAbs - direct.logAbs)).toBeLessThanOrEqual(
            1e-10 * Math.max(1, Math.abs(direct.logAbs)),
          );
        },
      ),
      { numRuns: 300, seed: 20261123 },
    );
  });

  it('matches a closed form: 2F1(a, b; b; z) = (1 − z)^−a with a large a', () => {
    // c − b = 0 makes the transformed series terminate after its first term.
    expect(hyp2f1(80.5, 3, 3, 0.9).logAbs).toBeCloseTo(-80.5 * Math.log(0.1), 10);
  });
});
