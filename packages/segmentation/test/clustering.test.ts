import { createSeededRandom, ValidationError } from '@crmkit/core';
import { chooseK, clusterCustomers, kMeans, silhouette } from '@crmkit/segmentation';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** Seeded blobs around the given centres, `per` points each. */
function blobs(centres: number[][], per: number, spread: number, seed: number): number[][] {
  const random = createSeededRandom(seed);
  return centres.flatMap((c) =>
    Array.from({ length: per }, () => c.map((x) => x + (random.next() - 0.5) * 2 * spread)),
  );
}

describe('kMeans', () => {
  it('finds two obvious clusters (hand-checked centroids and inertia)', () => {
    const result = kMeans(
      [
        [1, 1],
        [1.2, 0.8],
        [8, 9],
        [9, 8],
      ],
      { k: 2, seed: 7 },
    );
    expect(result.assignments).toEqual([0, 0, 1, 1]);
    expect(result.centroids[0]![0]).toBeCloseTo(1.1, 12);
    expect(result.centroids[0]![1]).toBeCloseTo(0.9, 12);
    expect(result.centroids[1]).toEqual([8.5, 8.5]);
    expect(result.inertia).toBeCloseTo(0.04 + 1, 12);
    expect(result.sizes).toEqual([2, 2]);
    expect(result.converged).toBe(true);
  });

  it('numbers clusters by size, largest first', () => {
    const result = kMeans([[0], [50], [50.5], [100], [100.2], [99.8]], { k: 3, seed: 1 });
    expect(result.sizes).toEqual([3, 2, 1]);
    expect(result.assignments).toEqual([2, 1, 1, 0, 0, 0]);
  });

  it('is deterministic for a seed, and different seeds agree on clear data', () => {
    const points = blobs(
      [
        [0, 0],
        [10, 0],
        [5, 9],
      ],
      40,
      1.5,
      3,
    );
    const a = kMeans(points, { k: 3, seed: 'a' });
    expect(kMeans(points, { k: 3, seed: 'a' })).toEqual(a);
    const b = kMeans(points, { k: 3, seed: 'b', restarts: 1 });
    expect(b.assignments).toEqual(a.assignments);
    expect(new Set(a.assignments.slice(0, 40)).size).toBe(1);
  });

  it('finds fewer clusters than asked when there are fewer distinct points', () => {
    const tooMany = kMeans([[1], [2], [3]], { k: 5, seed: 1 });
    expect([tooMany.k, tooMany.requestedK, tooMany.inertia]).toEqual([3, 5, 0]);
    const same = kMeans(
      [
        [2, 2],
        [2, 2],
        [2, 2],
        [2, 2],
      ],
      { k: 3, seed: 1 },
    );
    expect(same).toMatchObject({ k: 1, centroids: [[2, 2]], assignments: [0, 0, 0, 0], inertia: 0 });
    const twoValues = kMeans([[1], [1], [1], [7], [7]], { k: 4, seed: 9 });
    expect(twoValues).toMatchObject({ k: 2, sizes: [3, 2], centroids: [[1], [7]] });
  });

  it('handles empty input and one point', () => {
    expect(kMeans([], { k: 2 })).toMatchObject({ k: 0, assignments: [], centroids: [] });
    expect(kMeans([[4, 2]], { k: 1 })).toMatchObject({
      k: 1,
      assignments: [0],
      centroids: [[4, 2]],
      inertia: 0,
    });
  });

  it('ends at a fixed point: every point at its nearest centroid, every centroid the mean of its points (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 2, maxLength: 2 }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer(),
        (points, k, seed) => {
          const result = kMeans(points, { k, seed, restarts: 2 });
          const distinct = new Set(points.map((p) => p.join(','))).size;
          expect(result.k).toBe(Math.min(k, distinct));
          expect(result.sizes.every((s) => s > 0)).toBe(true);
          expect(result.sizes.reduce((a, b) => a + b, 0)).toBe(points.length);
          const d2 = (p: number[], c: readonly number[]) => (p[0]! - c[0]!) ** 2 + (p[1]! - c[1]!) ** 2;
          let inertia = 0;
          points.forEach((p, i) => {
            const own = d2(p, result.centroids[result.assignments[i]!]!);
            inertia += own;
            for (const c of result.centroids) expect(own).toBeLessThanOrEqual(d2(p, c) + 1e-9);
          });
          expect(result.inertia).toBeCloseTo(inertia, 6);
          result.centroids.forEach((c, label) => {
            const members = points.filter((_, i) => result.assignments[i] === label);
            expect(c[0]).toBeCloseTo(members.reduce((s, p) => s + p[0]!, 0) / members.length, 9);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects bad points and options with paths', () => {
    const paths = (run: () => unknown) => {
      try {
        run();
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((i) => i.path.join('.'));
      }
    };
    expect(paths(() => kMeans([[1, 2], [3]], { k: 1 }))).toEqual(['1']);
    expect(paths(() => kMeans([[1, Number.NaN]], { k: 1 }))).toEqual(['0.1']);
    expect(paths(() => kMeans([[1]], { k: 0 }))).toEqual(['k']);
  });
});

describe('silhouette', () => {
  it('matches the hand computation', () => {
    const s = silhouette([[0], [1], [10], [11]], [0, 0, 1, 1]);
    const outer = (10.5 - 1) / 10.5;
    const inner = (9.5 - 1) / 9.5;
    expect(s.mean).toBeCloseTo((2 * outer + 2 * inner) / 4, 12);
    expect(s.perCluster[0]).toBeCloseTo((outer + inner) / 2, 12);
    expect(s.scored).toBe(4);
  });

  it('scores a lone point 0, is undefined for one cluster, and samples deterministically', () => {
    expect(silhouette([[0], [1], [10]], [0, 0, 1]).perCluster[1]).toBe(0);
    expect(silhouette([[0], [1]], [0, 0]).mean).toBeUndefined();
    const points = blobs([[0], [10]], 50, 1, 2);
    const labels = points.map((_, i) => (i < 50 ? 0 : 1));
    const exact = silhouette(points, labels);
    const sampled = silhouette(points, labels, { sampleSize: 20, seed: 4 });
    expect(sampled.scored).toBe(20);
    expect(silhouette(points, labels, { sampleSize: 20, seed: 4 })).toEqual(sampled);
    expect(Math.abs(sampled.mean! - exact.mean!)).toBeLessThan(0.05);
    expect(() => silhouette([[0]], [-1])).toThrow(ValidationError);
  });
});

describe('chooseK', () => {
  it('by silhouette picks the visible number of groups', () => {
    const result = chooseK([[1], [1.1], [5], [5.2], [9], [9.1]], { min: 2, max: 4 });
    expect(result.k).toBe(3);
    expect(result.candidates.map((c) => c.k)).toEqual([2, 3, 4]);
    expect(result.candidates[1]!.silhouette).toBeGreaterThan(result.candidates[0]!.silhouette!);
  });

  it('by elbow on blobs', () => {
    const points = blobs(
      [
        [0, 0],
        [10, 0],
        [5, 9],
        [15, 12],
      ],
      30,
      1,
      8,
    );
    const result = chooseK(points, { min: 1, max: 8, method: 'elbow', seed: 2 });
    expect(result.k).toBe(4);
    expect(result.candidates).toHaveLength(8);
    const inertias = result.candidates.map((c) => c.inertia);
    expect(inertias[0]).toBeGreaterThan(inertias[3]! * 10);
  });

  it('stops at the number of distinct points and rejects impossible ranges', () => {
    expect(chooseK([[0], [0], [5], [6]], { min: 2, max: 6 }).candidates.map((c) => c.k)).toEqual([2, 3]);
    expect(() => chooseK([[1], [1]], { min: 2, max: 3 })).toThrow(ValidationError);
    expect(() => chooseK([[1]], { min: 2, max: 3, method: 'elbow' })).toThrow(/three values of k/);
    expect(() => chooseK([[1]], { min: 5, max: 3 })).toThrow(ValidationError);
  });
});

describe('clusterCustomers', () => {
  const rows = [
    ...Array.from({ length: 6 }, (_, i) => ({
      id: `loyal${i}`,
      features: { recencyDays: 5 + i, orders: 12 + (i % 3), spend: 2000 + 50 * i },
    })),
    ...Array.from({ length: 8 }, (_, i) => ({
      id: `lapsed${i}`,
      features: { recencyDays: 300 + 10 * i, orders: 1 + (i % 2), spend: 40 + 5 * i },
    })),
  ];

  it('scales, clusters and profiles in original units', () => {
    const result = clusterCustomers(rows, { features: ['recencyDays', 'orders', 'spend'], k: 2, seed: 1 });
    expect(result.k).toBe(2);
    expect(result.clusters.map((c) => [c.size, c.share])).toEqual([
      [8, 8 / 14],
      [6, 6 / 14],
    ]);
    expect(result.clusters[0]!.centroid).toEqual({ recencyDays: 335, orders: 1.5, spend: 57.5 });
    expect(result.clusters[1]!.centroid['recencyDays']).toBeCloseTo(7.5, 12);
    expect(result.clusters[1]!.centroid['spend']).toBeCloseTo(2125, 9);
    expect(result.assignments.filter((a) => a.cluster === 1).map((a) => a.id)).toEqual(
      rows.slice(0, 6).map((r) => r.id),
    );
    expect(result.silhouette).toBeGreaterThan(0.7);
    expect(result.scaling.method).toBe('z');
  });

  it('chooses k from a range and reports the evidence', () => {
    const result = clusterCustomers(rows, {
      features: ['recencyDays', 'spend'],
      k: { min: 2, max: 4 },
      seed: 1,
    });
    expect(result.choice?.k).toBe(result.k);
    expect(result.choice?.candidates.length).toBe(3);
  });

  it('handles empty input and names missing features', () => {
    expect(clusterCustomers([], { features: ['x'], k: 2 })).toMatchObject({
      k: 0,
      clusters: [],
      assignments: [],
    });
    try {
      clusterCustomers(
        [
          { id: 'a', features: { x: 1 } },
          { id: 'b', features: {} },
        ],
        { features: ['x'], k: 2 },
      );
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues[0]!.path).toEqual([1, 'features', 'x']);
    }
    expect(() => clusterCustomers([], { features: ['x', 'x'], k: 2 })).toThrow(ValidationError);
  });
});
