import { ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { fitParetoNbd, ParetoNbdModel, paretoNbdLogLikelihood } from '../src/index';
import { cdnowSummary } from './helpers/fixtures';

// Fits and simulations share two cores with other work: allow them time (this is no speed assertion).
vi.setConfig({ testTimeout: 120_000 });

const rows = cdnowSummary();
const model = fitParetoNbd(rows);
const LIFETIMES = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };
const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

// ∫ from a to b of f by composite Simpson with n (even) panels.
function simpson(f: (x: number) => number, a: number, b: number, n = 20_000): number {
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

// P(alive) from its definition, 1 / (1 + s (α+T)^(r+x) (β+T)^s ∫ from tₓ to T of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ).
function aliveByQuadrature(p: typeof LIFETIMES, x: number, recency: number, T: number): number {
  const integral = simpson((tau) => (p.alpha + tau) ** -(p.r + x) * (p.beta + tau) ** -(p.s + 1), recency, T);
  return 1 / (1 + p.s * (p.alpha + T) ** (p.r + x) * (p.beta + T) ** p.s * integral);
}

describe('fitParetoNbd on CDNOW', () => {
  it('finds the published estimates, at a likelihood at least as high', () => {
    for (const [name, expected] of Object.entries(LIFETIMES)) {
      expect(relative(model.params[name as keyof typeof LIFETIMES], expected)).toBeLessThan(2e-3);
    }
    // Fader & Hardie (2005) report LL = −9595.0; the surface is flat in beta (SE ≈ 6), so compare likelihoods.
    expect(model.logLikelihood).toBeCloseTo(-9594.974, 2);
    expect(model.logLikelihood!).toBeGreaterThanOrEqual(paretoNbdLogLikelihood(LIFETIMES, rows));
    expect(paretoNbdLogLikelihood(model.params, rows)).toBeCloseTo(model.logLikelihood!, 9);
    expect(model.fit!.standardErrors.beta).toBeGreaterThan(1);
  });

  it('agrees with P(alive) by numerical integration on both sides of alpha = beta', () => {
    const cases: [number, number, number][] = [
      [0, 0, 38.86],
      [2, 30.43, 38.86],
      [7, 5, 38.86],
      [26, 30.86, 31],
    ];
    for (const params of [LIFETIMES, { r: 0.5534, alpha: 12.5, s: 0.6061, beta: 4.2 }]) {
      const m = ParetoNbdModel.fromJSON({ model: 'pareto-nbd', params });
      for (const [x, recency, T] of cases) {
        expect(m.probabilityAlive({ frequency: x, recency, T })).toBeCloseTo(
          aliveByQuadrature(params, x, recency, T),
          9,
        );
      }
    }
  });

  it('gives P(alive) = 1 when the last purchase is at T, and expected purchases from the closed form', () => {
    expect(model.probabilityAlive({ frequency: 3, recency: 20, T: 20 })).toBe(1);
    const { r, alpha, s, beta } = model.params;
    const T = 20;
    const expected =
      (((r + 3) * (beta + T)) / ((alpha + T) * (s - 1))) * (1 - ((beta + T) / (beta + T + 10)) ** (s - 1));
    expect(model.expectedPurchases(10, { frequency: 3, recency: 20, T })).toBeCloseTo(expected, 12);
    expect(model.expectedPurchasesNewCustomer(10)).toBeCloseTo(
      ((r * beta) / (alpha * (s - 1))) * (1 - (beta / (beta + 10)) ** (s - 1)),
      12,
    );
  });

  it('sums the new-customer curve over a cohort', () => {
    const [curve] = model.expectedRepeatPurchasesCurve([10], [0, 4, 12]);
    expect(curve).toBeCloseTo(
      model.expectedPurchasesNewCustomer(10) + model.expectedPurchasesNewCustomer(6),
      12,
    );
  });

  it('is continuous at s = 1', () => {
    const at = (s: number) =>
      ParetoNbdModel.fromJSON({ model: 'pareto-nbd', params: { ...LIFETIMES, s } }).expectedPurchases(10, {
        frequency: 2,
        recency: 5,
        T: 20,
      });
    expect(at(1)).toBeCloseTo(at(1 + 1e-9), 7);
    expect(at(1)).toBeCloseTo(at(1 - 1e-9), 7);
  });

  it('keeps P(alive) in [0, 1] and expected purchases finite', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
        (frequency, share, T) => {
          const row = { frequency, recency: frequency === 0 ? 0 : share * T, T };
          const alive = model.probabilityAlive(row);
          expect(alive).toBeGreaterThanOrEqual(0);
          expect(alive).toBeLessThanOrEqual(1);
          expect(Number.isFinite(model.expectedPurchases(52, row))).toBe(true);
        },
      ),
      { numRuns: 300, seed: 20261123 },
    );
  });

  it('round-trips through JSON and validates input', () => {
    const copy = ParetoNbdModel.fromJSON(model.toJSON());
    expect(copy.toJSON()).toEqual(model.toJSON());
    expect(() => ParetoNbdModel.fromJSON({ model: 'pareto-nbd', params: { r: 1, alpha: 1, s: 1 } })).toThrow(
      /params\.beta/,
    );
    expect(() => fitParetoNbd([{ frequency: 1, recency: 2, T: 1 }])).toThrow(ValidationError);
    expect(() => fitParetoNbd(rows.map(({ T }) => ({ frequency: 0, recency: 0, T })))).toThrow(
      expect.objectContaining({ code: 'CLV_NOT_IDENTIFIABLE' }),
    );
  });
});
