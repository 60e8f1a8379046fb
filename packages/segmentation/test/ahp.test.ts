import { ValidationError } from '@crmkit/core';
import { ahpWeights, InconsistentJudgementsError, SAATY_RANDOM_INDEX } from '@crmkit/segmentation';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('ahpWeights', () => {
  it("reproduces Saaty's drink consumption example (Int. J. Services Sciences 1(1), 2008)", () => {
    // rows and columns: coffee, wine, tea, beer, sodas, milk, water
    const drinks = [
      [1, 9, 5, 2, 1, 1, '1/2'],
      ['1/9', 1, '1/3', '1/9', '1/9', '1/9', '1/9'],
      ['1/5', 3, 1, '1/3', '1/4', '1/3', '1/9'],
      ['1/2', 9, 3, 1, '1/2', 1, '1/3'],
      [1, 9, 4, 2, 1, 2, '1/2'],
      [1, 9, 3, 1, '1/2', 1, '1/3'],
      [2, 9, 9, 3, 2, 3, 1],
    ];
    const result = ahpWeights(drinks);
    // published priorities: .177 .019 .042 .116 .190 .129 .327; CR .022
    expect(result.weights.map((w) => Number(w.toFixed(3)))).toEqual([
      0.177, 0.019, 0.042, 0.116, 0.19, 0.129, 0.327,
    ]);
    expect(Number(result.consistencyRatio.toFixed(3))).toBe(0.022);
    expect(result.randomIndex).toBe(1.32);
    expect(result.lambdaMax).toBeCloseTo(7.1766, 4);
    expect(result.consistencyIndex).toBeCloseTo((result.lambdaMax - 7) / 6, 12);
    expect(result.consistent).toBe(true);
    expect(result.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('gives the exact ratios of a perfectly consistent matrix, with CR 0', () => {
    // weights 4 : 2 : 1
    const result = ahpWeights([
      [1, 2, 4],
      [0.5, 1, 2],
      [0.25, 0.5, 1],
    ]);
    expect(result.weights[0]).toBeCloseTo(4 / 7, 12);
    expect(result.weights[1]).toBeCloseTo(2 / 7, 12);
    expect(result.weights[2]).toBeCloseTo(1 / 7, 12);
    expect(result.lambdaMax).toBeCloseTo(3, 12);
    expect(result.consistencyRatio).toBeCloseTo(0, 12);
  });

  it('handles one and two criteria (RI 0, CR 0)', () => {
    expect(ahpWeights([[1]]).weights).toEqual([1]);
    const two = ahpWeights([
      [1, 3],
      ['1/3', 1],
    ]);
    expect(two.weights[0]).toBeCloseTo(0.75, 12);
    expect(two.consistencyRatio).toBe(0);
    expect(SAATY_RANDOM_INDEX[2]).toBe(0);
  });

  it('rejects CR ≥ 0.1 with a typed error unless told otherwise', () => {
    // a > b (9), b > c (9), but c > a (9): a cycle
    const cyclic = [
      [1, 9, '1/9'],
      ['1/9', 1, 9],
      [9, '1/9', 1],
    ];
    expect(() => ahpWeights(cyclic)).toThrow(InconsistentJudgementsError);
    try {
      ahpWeights(cyclic);
    } catch (e) {
      expect((e as InconsistentJudgementsError).code).toBe('AHP_INCONSISTENT');
      expect((e as InconsistentJudgementsError).consistencyRatio).toBeGreaterThan(1);
    }
    const allowed = ahpWeights(cyclic, { allowInconsistent: true });
    expect(allowed.consistent).toBe(false);
    expect(allowed.weights.map((w) => w.toFixed(6))).toEqual(['0.333333', '0.333333', '0.333333']);
    const drinksLike = [
      [1, 3, 5],
      ['1/3', 1, 2],
      ['1/5', '1/2', 1],
    ];
    expect(() => ahpWeights(drinksLike, { maxConsistencyRatio: 0.003 })).toThrow(InconsistentJudgementsError);
  });

  it('names the bad cell of a malformed matrix', () => {
    const paths = (matrix: unknown) => {
      try {
        ahpWeights(matrix as never);
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((i) => i.path.join('.'));
      }
    };
    expect(paths([[1, 2], [0.5]])).toEqual(['1']);
    expect(
      paths([
        [1, 2],
        [2, 1],
      ]),
    ).toEqual(['1.0']);
    expect(paths([[2]])).toEqual(['0.0']);
    expect(
      paths([
        [1, -2],
        [-0.5, 1],
      ]),
    ).toEqual(['0.1', '1.0']);
    expect(
      paths([
        [1, 'two'],
        ['1/2', 1],
      ]),
    ).toEqual(['0.1']);
    expect(paths([])).toEqual(['']);
    expect(
      paths(Array.from({ length: 16 }, (_, i) => Array.from({ length: 16 }, (_, j) => (i === j ? 1 : 1)))),
    ).toEqual(['']);
  });
});

describe('ahpWeights on generated judgements', () => {
  it('recovers the weights behind any perfectly consistent matrix, with CR 0 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 9 }), (raw) => {
        const matrix = raw.map((wi) => raw.map((wj) => wi / wj));
        const result = ahpWeights(matrix);
        const total = raw.reduce((a, b) => a + b, 0);
        result.weights.forEach((w, i) => {
          expect(w).toBeCloseTo(raw[i]! / total, 9);
        });
        expect(result.lambdaMax).toBeCloseTo(raw.length, 9);
        expect(result.consistencyRatio).toBeLessThan(1e-9);
      }),
      { numRuns: 100 },
    );
  });

  it('gives positive weights adding up to 1 for any reciprocal matrix it accepts (property)', () => {
    const judgement = fc.constantFrom(1, 2, 3, 4, 5, 6, 7, 8, 9, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 7, 1 / 9);
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 6 }).chain((n) =>
          fc.array(judgement, { minLength: (n * (n - 1)) / 2, maxLength: (n * (n - 1)) / 2 }).map((upper) => {
            const m = Array.from({ length: n }, () => new Array<number>(n).fill(1));
            let k = 0;
            for (let i = 0; i < n; i++)
              for (let j = i + 1; j < n; j++) {
                m[i]![j] = upper[k]!;
                m[j]![i] = 1 / upper[k++]!;
              }
            return m;
          }),
        ),
        (matrix) => {
          const result = ahpWeights(matrix, { allowInconsistent: true });
          expect(result.weights.every((w) => w > 0)).toBe(true);
          expect(result.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
          expect(result.lambdaMax).toBeGreaterThanOrEqual(matrix.length - 1e-9);
          expect(result.consistent).toBe(result.consistencyRatio < 0.1);
          if (!result.consistent) expect(() => ahpWeights(matrix)).toThrow(InconsistentJudgementsError);
        },
      ),
      { numRuns: 60 },
    );
  });
});
