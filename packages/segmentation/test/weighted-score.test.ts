import { ValidationError } from '@crmkit/core';
import { InconsistentJudgementsError, scoreCustomers } from '@crmkit/segmentation';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const INDICATORS = ['purchasingPower', 'satisfaction', 'loyalty', 'profitContribution', 'growthPotential'];

describe('scoreCustomers', () => {
  it('min-max with given weights (hand-checked)', () => {
    const result = scoreCustomers(
      [
        { id: 'a', indicators: { spend: 1000, satisfaction: 6 } },
        { id: 'b', indicators: { spend: 200, satisfaction: 10 } },
        { id: 'c', indicators: { spend: 600, satisfaction: 8 } },
      ],
      {
        indicators: [
          { name: 'spend', weight: 3 },
          { name: 'satisfaction', weight: 1 },
        ],
      },
    );
    expect(result.weights).toEqual({ spend: 0.75, satisfaction: 0.25 });
    expect(result.scores).toEqual([
      { id: 'a', score: 0.75, contributions: { spend: 0.75, satisfaction: 0 } },
      { id: 'b', score: 0.25, contributions: { spend: 0, satisfaction: 0.25 } },
      { id: 'c', score: 0.5, contributions: { spend: 0.375, satisfaction: 0.125 } },
    ]);
    expect(result.normalization).toEqual({ method: 'min-max', offset: [200, 6], factor: [800, 4] });
  });

  it('z normalisation with equal weights; no spread maps to the middle', () => {
    const result = scoreCustomers(
      [
        { id: 'a', indicators: { x: 1, y: 5 } },
        { id: 'b', indicators: { x: 3, y: 5 } },
      ],
      { indicators: [{ name: 'x' }, { name: 'y' }], normalization: 'z' },
    );
    // x: mean 2, sd 1 → −1, +1; y constant → 0; weights ½ each
    expect(result.scores.map((s) => s.score)).toEqual([-0.5, 0.5]);
    const single = scoreCustomers([{ id: 'only', indicators: { x: 7 } }], { indicators: [{ name: 'x' }] });
    expect(single.scores[0]!.score).toBe(0.5);
    expect(scoreCustomers([], { indicators: [{ name: 'x' }] }).scores).toEqual([]);
  });

  it('derives weights by AHP and reports the consistency', () => {
    const result = scoreCustomers(
      [
        { id: 'a', indicators: { spend: 10, satisfaction: 0, loyalty: 0 } },
        { id: 'b', indicators: { spend: 0, satisfaction: 10, loyalty: 10 } },
      ],
      {
        indicators: [{ name: 'spend' }, { name: 'satisfaction' }, { name: 'loyalty' }],
        ahp: {
          matrix: [
            [1, 2, 4],
            ['1/2', 1, 2],
            ['1/4', '1/2', 1],
          ],
        },
      },
    );
    expect(result.weights['spend']).toBeCloseTo(4 / 7, 12);
    expect(result.ahp?.consistencyRatio).toBeCloseTo(0, 12);
    expect(result.scores[0]!.score).toBeCloseTo(4 / 7, 12);
    expect(result.scores[1]!.score).toBeCloseTo(3 / 7, 12);
  });

  it('rejects inconsistent AHP judgements unless allowed', () => {
    const spec = {
      indicators: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
      ahp: {
        matrix: [
          [1, 9, '1/9'],
          ['1/9', 1, 9],
          [9, '1/9', 1],
        ],
      },
    };
    const rows = [{ id: 'x', indicators: { a: 1, b: 2, c: 3 } }];
    expect(() => scoreCustomers(rows, spec)).toThrow(InconsistentJudgementsError);
    expect(
      scoreCustomers(rows, { ...spec, ahp: { ...spec.ahp, allowInconsistent: true } }).ahp?.consistent,
    ).toBe(false);
  });

  it('rejects bad specs and rows with paths', () => {
    const paths = (run: () => unknown) => {
      try {
        run();
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((i) => i.path.join('.'));
      }
    };
    const two = [{ name: 'a' }, { name: 'b' }];
    expect(
      paths(() => scoreCustomers([], { indicators: [{ name: 'a', weight: 1 }, { name: 'b' }] })),
    ).toEqual(['indicators']);
    expect(paths(() => scoreCustomers([], { indicators: two, ahp: { matrix: [[1]] } }))).toEqual([
      'ahp.matrix',
    ]);
    expect(paths(() => scoreCustomers([], { indicators: [{ name: 'a' }, { name: 'a' }] }))).toEqual([
      'indicators.1.name',
    ]);
    expect(paths(() => scoreCustomers([], { indicators: [{ name: 'a', weight: -1 }] }))).toEqual([
      'indicators.0.weight',
    ]);
    expect(paths(() => scoreCustomers([{ id: 'x', indicators: { a: 1 } }], { indicators: two }))).toEqual([
      '0.indicators.b',
    ]);
  });

  it('is monotone in every indicator (property)', () => {
    const row = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 5, maxLength: 5 });
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 25 }),
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 5, maxLength: 5 }),
        fc.constantFrom('min-max' as const, 'z' as const),
        fc.nat(),
        fc.nat(4),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (values, rawWeights, normalization, pick, indicator, raise) => {
          const weights = rawWeights.every((w) => w === 0) ? [1, 1, 1, 1, 1] : rawWeights;
          const spec = {
            indicators: INDICATORS.map((name, j) => ({ name, weight: weights[j]! })),
            normalization,
          };
          const rows = values.map((v, i) => ({
            id: `c${i}`,
            indicators: Object.fromEntries(INDICATORS.map((n, j) => [n, v[j]!])),
          }));
          const scores = scoreCustomers(rows, spec).scores.map((s) => s.score);
          // dominance: at least as good everywhere → never a lower score
          for (let a = 0; a < rows.length; a++) {
            for (let b = 0; b < rows.length; b++) {
              if (values[a]!.every((x, j) => x >= values[b]![j]!))
                expect(scores[a]!).toBeGreaterThanOrEqual(scores[b]! - 1e-9);
            }
          }
          // raising one customer's indicator never lowers that customer's score
          const who = pick % rows.length;
          const raised = rows.map((r, i) =>
            i === who
              ? {
                  ...r,
                  indicators: {
                    ...r.indicators,
                    [INDICATORS[indicator]!]: r.indicators[INDICATORS[indicator]!]! + raise,
                  },
                }
              : r,
          );
          const after = scoreCustomers(raised, spec).scores[who]!.score;
          expect(after).toBeGreaterThanOrEqual(scores[who]! - 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });
});
