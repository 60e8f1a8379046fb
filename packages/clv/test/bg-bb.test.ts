import { ValidationError } from '@crmkit/core';
import { describe, expect, it, vi } from 'vitest';
import { BgBbModel, fitBgBb, type PurchaseModel } from '../src/index';
import type { BgBbRow } from '../src/rows';
import { donations } from './helpers/fixtures';

// Fits and simulations share two cores with other work: allow them time (this is no speed assertion).
vi.setConfig({ testTimeout: 120_000 });

const rows = donations();
const model = fitBgBb(rows);
const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('fitBgBb on the donations data (11,104 donors, 6 opportunities)', () => {
  it('finds the published estimates', () => {
    // Fader, Hardie & Shang (2010) / lifetimes: 1.204, 0.750, 0.657, 2.783; LL = −33,225.6.
    const expected = { alpha: 1.2035, beta: 0.7497, gamma: 0.6567, delta: 2.7834 };
    for (const [name, value] of Object.entries(expected)) {
      expect(relative(model.params[name as keyof typeof expected], value)).toBeLessThan(1e-3);
    }
    expect(model.logLikelihood).toBeCloseTo(-33225.58, 1);
    expect(model.fit).toMatchObject({ customers: 11104, distinctRows: 22 });
  });

  it('gives the same fit from one row per donor', () => {
    const expanded = rows.flatMap(({ weight, ...row }) => Array.from({ length: weight }, () => row));
    const again = fitBgBb(expanded);
    expect(again.params.delta).toBeCloseTo(model.params.delta, 6);
    expect(again.fit!.distinctRows).toBe(22);
  });

  it('predicts from the closed forms', () => {
    const { alpha, beta, gamma, delta } = model.params;
    // A donor who never gave again after the first: P(alive) and E[purchases] are both below the population's.
    const lapsed = { frequency: 0, recency: 0, n: 6 };
    const loyal = { frequency: 6, recency: 6, n: 6 };
    expect(model.probabilityAlive(lapsed)).toBeLessThan(model.probabilityAlive(loyal));
    expect(model.expectedPurchases(5, lapsed)).toBeLessThan(model.expectedPurchases(5, loyal));
    // With n = 0 nothing has been observed: P(alive at 1) = E[1 − θ], E[purchases in 1] = E[p]·E[1 − θ].
    const fresh = { frequency: 0, recency: 0, n: 0 };
    expect(model.probabilityAlive(fresh)).toBeCloseTo(delta / (gamma + delta), 12);
    expect(model.expectedPurchases(1, fresh)).toBeCloseTo(
      (alpha / (alpha + beta)) * (delta / (gamma + delta)),
      12,
    );
    expect(model.expectedPurchasesNewCustomer(1)).toBeCloseTo(
      (alpha / (alpha + beta)) * (delta / (gamma + delta)),
      12,
    );
    expect(model.expectedPurchases(0, loyal)).toBe(0);
  });

  it('keeps every prediction a probability or a count in range', () => {
    for (const row of rows) {
      const alive = model.probabilityAlive(row);
      expect(alive).toBeGreaterThan(0);
      expect(alive).toBeLessThanOrEqual(1);
      const ten = model.expectedPurchases(10, row);
      expect(ten).toBeGreaterThan(model.expectedPurchases(5, row));
      expect(ten).toBeLessThanOrEqual(10);
    }
    const purchaseModel: PurchaseModel<BgBbRow> = model;
    expect(purchaseModel.probabilityAlive({ frequency: 1, recency: 1, n: 1 })).toBeGreaterThan(0);
  });

  it('round-trips through JSON', () => {
    const copy = BgBbModel.fromJSON(JSON.stringify(model));
    expect(copy.params).toEqual(model.params);
    expect(copy.fit).toEqual(model.fit);
  });

  it('validates rows, horizons and data', () => {
    try {
      fitBgBb([
        { frequency: 2, recency: 1, n: 6 },
        { frequency: 1, recency: 7, n: 6 },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
        [0, 'frequency'],
        [1, 'recency'],
      ]);
    }
    expect(() => model.expectedPurchases(1.5, { frequency: 0, recency: 0, n: 6 })).toThrow(
      /t: must be a whole number/,
    );
    expect(() => fitBgBb([{ frequency: 0, recency: 0, n: 6, weight: 10 }])).toThrow(
      expect.objectContaining({ code: 'CLV_NOT_IDENTIFIABLE' }),
    );
  });
});
