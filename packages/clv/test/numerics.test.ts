import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logBeta } from '../src/math/beta';
import { digamma, logGamma } from '../src/math/gamma';
import { expm1Ratio, logAddExp, logSubExp } from '../src/math/log-space';
import { hessianFromGradient, invertPositiveDefinite } from '../src/optimize/hessian';
import { minimizeLbfgs } from '../src/optimize/lbfgs';
import { compressColumns } from '../src/rows';

const EULER = 0.5772156649015329;

describe('log Γ, ψ and log B', () => {
  it('match known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 13);
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 11);
    expect(logGamma(1e-8)).toBeCloseTo(-Math.log(1e-8) - EULER * 1e-8, 12);
    expect(digamma(1)).toBeCloseTo(-EULER, 14);
    expect(digamma(0.5)).toBeCloseTo(-EULER - 2 * Math.LN2, 14);
    expect(Number.isNaN(logGamma(0))).toBe(true);
    expect(Number.isNaN(logBeta(-1, 2))).toBe(true);
  });

  it('satisfy their recurrences', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        (x, y) => {
          expect(logGamma(x + 1)).toBeCloseTo(logGamma(x) + Math.log(x), 8);
          expect(digamma(x + 1)).toBeCloseTo(digamma(x) + 1 / x, 8);
          // B(x + 1, y) = B(x, y) · x / (x + y), across the large-argument branches
          const lhs = logBeta(x + 1, y);
          const rhs = logBeta(x, y) + Math.log(x / (x + y));
          expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * Math.max(1, Math.abs(lhs)));
          expect(logBeta(x, y)).toBe(logBeta(y, x));
        },
      ),
      { numRuns: 500, seed: 20261123 },
    );
  });

  it('agrees with log Γ sums where those are exact', () => {
    for (const [a, b] of [
      [0.3, 0.7],
      [2, 3],
      [12, 0.5],
      [15, 40],
    ] as const) {
      expect(logBeta(a, b)).toBeCloseTo(logGamma(a) + logGamma(b) - logGamma(a + b), 11);
    }
  });
});

describe('log-space helpers', () => {
  it('add and subtract without overflow', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(Number.NEGATIVE_INFINITY, 3)).toBe(3);
    expect(logSubExp(1000, 1000 - Math.LN2)).toBeCloseTo(1000 - Math.LN2, 12);
    expect(logSubExp(5, 5)).toBe(Number.NEGATIVE_INFINITY);
    expect(expm1Ratio(0, 2)).toBe(2);
    expect(expm1Ratio(1e-12, 2)).toBeCloseTo(2, 10);
  });
});

describe('L-BFGS', () => {
  it('minimises the Rosenbrock function', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const [a, b] = [x[0]!, x[1]!];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.of(-1.2, 1),
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(1, 8);
  });

  it('reports a non-finite start', () => {
    const result = minimizeLbfgs(() => Number.NaN, Float64Array.of(0));
    expect(result).toMatchObject({ converged: false, reason: 'not-finite' });
  });
});

describe('Hessian and covariance', () => {
  it('differentiates a gradient and inverts a positive-definite matrix', () => {
    // f = x² + 3xy + 5y² → H = [[2, 3], [3, 10]], H⁻¹ = [[10, −3], [−3, 2]] / 11.
    const hessian = hessianFromGradient(
      (x, g) => {
        g[0] = 2 * x[0]! + 3 * x[1]!;
        g[1] = 3 * x[0]! + 10 * x[1]!;
      },
      Float64Array.of(1, 2),
    );
    expect(Array.from(hessian[0]!)).toEqual([expect.closeTo(2, 6), expect.closeTo(3, 6)]);
    const inverse = invertPositiveDefinite(hessian)!;
    expect(inverse[0]![0]).toBeCloseTo(10 / 11, 6);
    expect(inverse[0]![1]).toBeCloseTo(-3 / 11, 6);
    expect(inverse[1]![1]).toBeCloseTo(2 / 11, 6);
    expect(invertPositiveDefinite([Float64Array.of(1, 2), Float64Array.of(2, 1)])).toBeUndefined();
  });
});

describe('compressColumns', () => {
  it('merges identical rows, adding their weights, in first-seen order', () => {
    const compressed = compressColumns(
      [Float64Array.of(1, 2, 1, 1, -0), Float64Array.of(5, 5, 5, 6, 7)],
      Float64Array.of(1, 1, 2, 1, 3),
    );
    expect(compressed.size).toBe(4);
    expect(compressed.total).toBe(8);
    expect(Array.from(compressed.columns[0]!, (v) => v + 0)).toEqual([1, 2, 1, 0]);
    expect(Array.from(compressed.columns[1]!)).toEqual([5, 5, 6, 7]);
    expect(Array.from(compressed.weights)).toEqual([3, 1, 1, 3]);
  });
});
