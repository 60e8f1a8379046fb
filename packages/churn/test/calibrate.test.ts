import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChurnConfigError,
  ChurnInputError,
  calibrateThreshold,
  confusion,
  percentile,
  percentiles,
} from '../src/index';

describe('percentiles', () => {
  it('interpolates between the closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 90)).toBe(46); // rank 3.6: 40 + 0.6 × 10
    expect(percentiles([5, 1, 4, 2, 3], [0, 25, 50, 100])).toEqual([1, 2, 3, 5]);
    expect(percentile([7, undefined, null], 80)).toBe(7);
  });

  it('rejects bad input', () => {
    expect(() => percentile([], 50)).toThrow(ChurnInputError);
    expect(() => percentile([1, Number.NaN], 50)).toThrow(expect.objectContaining({ path: ['values', 1] }));
    expect(() => percentiles([1], [50, 101])).toThrow(ChurnConfigError);
    expect(() => percentiles([1], [50, 101])).toThrow(/percentiles\.1: must be in \[0, 100\]/);
  });

  it('is monotone in p and stays within the data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p, q) => {
          const [a, b] = percentiles(values, [Math.min(p, q), Math.max(p, q)]);
          expect(a!).toBeLessThanOrEqual(b!);
          expect(a!).toBeGreaterThanOrEqual(Math.min(...values));
          expect(b!).toBeLessThanOrEqual(Math.max(...values));
        },
      ),
    );
  });
});

describe('calibrateThreshold', () => {
  // recency ratios of 10 past customers and whether they churned
  const samples = [
    { value: 0.5, churned: false },
    { value: 0.8, churned: false },
    { value: 1.0, churned: false },
    { value: 1.2, churned: true },
    { value: 1.5, churned: false },
    { value: 2.0, churned: false },
    { value: 2.5, churned: true },
    { value: 3.0, churned: true },
    { value: 4.0, churned: false },
    { value: 5.0, churned: true },
    { value: undefined, churned: true },
  ];

  it('maximises F1', () => {
    // ≥ 2.5 warns 4 (3 churned): precision 0.75, recall 3/5, F1 2/3 — the best, tied with ≥ 1.2
    // (7 warned, 4 churned: precision 4/7, recall 4/5, F1 2/3); ties go to fewer warnings
    const r = calibrateThreshold(samples, { fact: 'recencyRatio' })!;
    expect(r).toMatchObject({ threshold: 2.5, tp: 3, fp: 1, fn: 2, tn: 5, warned: 4 });
    expect(r.precision).toBe(0.75);
    expect(r.recall).toBe(0.6);
    expect(r.f1).toBeCloseTo(2 / 3, 12);
    expect(r.condition).toEqual({ fact: 'recencyRatio', op: 'gte', value: 2.5 });
  });

  it('maximises recall at a fixed precision', () => {
    // precision ≥ 0.5: ≥ 1.2 warns 7 with 4 churned (0.571), recall 4/5
    const r = calibrateThreshold(samples, { objective: { recallAtPrecision: 0.5 } })!;
    expect(r).toMatchObject({ threshold: 1.2, tp: 4, fp: 3, warned: 7, recall: 0.8 });
    // precision 1 is only reached by ≥ 5.0
    expect(calibrateThreshold(samples, { objective: { recallAtPrecision: 1 } })).toMatchObject({
      threshold: 5,
      tp: 1,
    });
  });

  it('calibrates low-is-bad indicators with lte', () => {
    const pAlive = [
      { value: 0.1, churned: true },
      { value: 0.2, churned: true },
      { value: 0.6, churned: false },
      { value: 0.9, churned: false },
    ];
    expect(calibrateThreshold(pAlive, { direction: 'lte', fact: 'pAlive' })?.condition).toEqual({
      fact: 'pAlive',
      op: 'lte',
      value: 0.2,
    });
  });

  it('returns undefined when no threshold reaches the precision', () => {
    expect(
      calibrateThreshold([{ value: 1, churned: false }], { objective: { recallAtPrecision: 0.5 } }),
    ).toBeUndefined();
    expect(calibrateThreshold([])).toBeUndefined();
  });

  it('rejects bad options and samples with paths', () => {
    expect(() => calibrateThreshold(samples, { objective: { recallAtPrecision: 1.5 } })).toThrow(
      expect.objectContaining({
        issues: [expect.objectContaining({ path: ['objective', 'recallAtPrecision'] })],
      }),
    );
    expect(() => calibrateThreshold([{ value: 1, churned: 'yes' as never }])).toThrow(
      expect.objectContaining({ path: ['samples', 0, 'churned'] }),
    );
  });

  it('finds the best F1 of all thresholds (brute force)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.integer({ min: 0, max: 20 }), churned: fc.boolean() }), {
          minLength: 1,
          maxLength: 40,
        }),
        (rows) => {
          const churned = rows.filter((r) => r.churned).length;
          let best = 0;
          for (const t of new Set(rows.map((r) => r.value))) {
            const tp = rows.filter((r) => r.value >= t && r.churned).length;
            const fp = rows.filter((r) => r.value >= t && !r.churned).length;
            best = Math.max(best, confusion(tp, fp, churned - tp, rows.length - churned - fp).f1);
          }
          expect(calibrateThreshold(rows)!.f1).toBeCloseTo(best, 12);
        },
      ),
    );
  });
});

describe('confusion', () => {
  it('scores counts and rejects impossible ones', () => {
    const c = confusion(8, 2, 4, 86);
    expect(c).toMatchObject({ tp: 8, fp: 2, fn: 4, tn: 86, precision: 0.8, recall: 8 / 12 });
    expect(c.f1).toBeCloseTo(16 / 22, 12); // 2 × 0.8 × 2/3 ÷ (0.8 + 2/3)
    expect(confusion(0, 0, 0, 5)).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(() => confusion(1, -1, 0, 0)).toThrow(expect.objectContaining({ path: ['fp'] }));
    expect(() => confusion(1.5, 0, 0, 0)).toThrow(ChurnInputError);
  });
});
