import { createSeededRandom, parseWith, type Random } from '@crmkit/core';
import { z } from 'zod';
import { pointMatrix, squaredDistance } from './matrix';
import type { Matrix } from './scaling';

/**
 * Options of {@link kMeans}: the number of clusters, the seed, and how hard
 * to try (Lloyd iterations per run, and runs from fresh k-means++ seeds, the
 * best of which is kept).
 *
 * @example
 * ```ts
 * KMeansOptionsSchema.parse({ k: 4, seed: 'spring-2026' });
 * ```
 */
export const KMeansOptionsSchema = z
  .object({
    k: z.number().int('must be a whole number').min(1, 'must be at least 1'),
    seed: z.union([z.number().int(), z.string()]).default(1),
    restarts: z.number().int().min(1).max(100).default(4),
    maxIterations: z.number().int().min(1).max(10_000).default(300),
  })
  .strict();

/**
 * What {@link KMeansOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: KMeansOptions = { k: 3, seed: 42, restarts: 8 };
 * ```
 */
export type KMeansOptions = z.input<typeof KMeansOptionsSchema>;

/**
 * The result of {@link kMeans}. Clusters are numbered by size, largest
 * first (ties: the cluster whose first point comes first).
 *
 * @example
 * ```ts
 * const { centroids, assignments, inertia } = kMeans(points, { k: 3 });
 * ```
 */
export interface KMeansResult {
  /** Clusters found: `requestedK`, or fewer when there are fewer distinct points. */
  readonly k: number;
  /** The k asked for. */
  readonly requestedK: number;
  /** One centroid per cluster, in the points' units. */
  readonly centroids: readonly (readonly number[])[];
  /** Each point's cluster, in input order. */
  readonly assignments: readonly number[];
  /** Points per cluster. */
  readonly sizes: readonly number[];
  /** Sum of squared distances from points to their centroids. */
  readonly inertia: number;
  /** Lloyd iterations of the kept run. */
  readonly iterations: number;
  /** Whether the kept run stopped because no point changed cluster. */
  readonly converged: boolean;
}

/**
 * k-means clustering: k-means++ seeding from a seeded random stream, Lloyd
 * iterations until no point changes cluster, and the run with the lowest
 * inertia among `restarts` runs. Deterministic for a seed: equal distances go
 * to the lower-numbered cluster, an emptied cluster is re-seeded with the
 * point farthest from its centroid. When `k` exceeds the number of distinct
 * points (identical points, or k > n) it finds one cluster per distinct
 * point and reports `k` below `requestedK`. No scaling is applied: scale
 * features first, or use `clusterCustomers`.
 *
 * @example
 * ```ts
 * const result = kMeans([[1, 1], [1.2, 0.8], [8, 9], [9, 8]], { k: 2, seed: 7 });
 * result.assignments; // [0, 0, 1, 1]
 * ```
 */
export function kMeans(points: readonly (readonly number[])[], options: KMeansOptions): KMeansResult {
  const parsed = parseWith(KMeansOptionsSchema, 'k-means options', options);
  return kMeansMatrix(pointMatrix('k-means points', points), parsed);
}

/** {@link kMeans} over a matrix already checked. */
export function kMeansMatrix(matrix: Matrix, options: z.output<typeof KMeansOptionsSchema>): KMeansResult {
  const random = createSeededRandom(options.seed);
  let best: Run | undefined;
  if (matrix.rows > 0) {
    for (let run = 0; run < options.restarts; run++) {
      const candidate = lloyd(matrix, options.k, random, options.maxIterations);
      if (best === undefined || candidate.inertia < best.inertia) best = candidate;
    }
  }
  if (best === undefined) {
    return {
      k: 0,
      requestedK: options.k,
      centroids: [],
      assignments: [],
      sizes: [],
      inertia: 0,
      iterations: 0,
      converged: true,
    };
  }
  return relabel(best, matrix.columns, options.k);
}

interface Run {
  k: number;
  centroids: Float64Array;
  labels: Int32Array;
  inertia: number;
  iterations: number;
  converged: boolean;
}

function lloyd(matrix: Matrix, requested: number, random: Random, maxIterations: number): Run {
  const { rows: n, columns: d, data } = matrix;
  const centroids = seedPlusPlus(matrix, requested, random);
  const k = centroids.length / d;
  const labels = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);
  const sizes = new Int32Array(k);
  let inertia = 0;
  let iterations = 0;
  let converged = false;
  const assign = (): boolean => {
    let changed = false;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let nearest = 0;
      let nearestDistance = squaredDistance(data, i, centroids, 0, d);
      for (let c = 1; c < k; c++) {
        const distance = squaredDistance(data, i, centroids, c, d);
        if (distance < nearestDistance) {
          nearest = c;
          nearestDistance = distance;
        }
      }
      if (labels[i] !== nearest) changed = true;
      labels[i] = nearest;
      distances[i] = nearestDistance;
      inertia += nearestDistance;
    }
    return changed;
  };
  while (iterations < maxIterations) {
    iterations++;
    if (!assign()) {
      converged = true;
      break;
    }
    updateCentroids(matrix, labels, centroids, sizes, distances);
  }
  if (!converged) assign();
  return { k, centroids, labels, inertia, iterations, converged };
}

/** k-means++: the first centre uniformly, each next one with probability proportional to D². */
function seedPlusPlus(matrix: Matrix, k: number, random: Random): Float64Array {
  const { rows: n, columns: d, data } = matrix;
  const chosen: number[] = [Math.min(n - 1, Math.floor(random.next() * n))];
  const nearest = new Float64Array(n);
  for (let i = 0; i < n; i++) nearest[i] = squaredDistance(data, i, data, chosen[0]!, d);
  while (chosen.length < k) {
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i]!;
    if (total <= 0) break;
    let target = random.next() * total;
    let pick = -1;
    for (let i = 0; i < n; i++) {
      if (nearest[i]! <= 0) continue;
      pick = i;
      target -= nearest[i]!;
      if (target < 0) break;
    }
    chosen.push(pick);
    for (let i = 0; i < n; i++) {
      const distance = squaredDistance(data, i, data, pick, d);
      if (distance < nearest[i]!) nearest[i] = distance;
    }
  }
  const centroids = new Float64Array(chosen.length * d);
  chosen.forEach((point, c) => {
    centroids.set(data.subarray(point * d, point * d + d), c * d);
  });
  return centroids;
}

function updateCentroids(
  matrix: Matrix,
  labels: Int32Array,
  centroids: Float64Array,
  sizes: Int32Array,
  distances: Float64Array,
): void {
  const { rows: n, columns: d, data } = matrix;
  const k = sizes.length;
  centroids.fill(0);
  sizes.fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    sizes[c]!++;
    for (let j = 0; j < d; j++) centroids[c * d + j]! += data[i * d + j]!;
  }
  for (let c = 0; c < k; c++) {
    if (sizes[c] === 0) continue;
    for (let j = 0; j < d; j++) centroids[c * d + j]! /= sizes[c]!;
  }
  for (let c = 0; c < k; c++) {
    if (sizes[c] !== 0) continue;
    let farthest = -1;
    for (let i = 0; i < n; i++) {
      if (sizes[labels[i]!]! > 1 && (farthest < 0 || distances[i]! > distances[farthest]!)) farthest = i;
    }
    if (farthest < 0) continue;
    sizes[labels[farthest]!]!--;
    labels[farthest] = c;
    sizes[c] = 1;
    distances[farthest] = 0;
    centroids.set(data.subarray(farthest * d, farthest * d + d), c * d);
  }
}

function relabel(run: Run, d: number, requestedK: number): KMeansResult {
  const { k, labels, centroids } = run;
  const sizes = new Array<number>(k).fill(0);
  const first = new Array<number>(k).fill(Number.POSITIVE_INFINITY);
  labels.forEach((c, i) => {
    sizes[c]!++;
    if (i < first[c]!) first[c] = i;
  });
  const order = Array.from({ length: k }, (_, c) => c).sort(
    (a, b) => sizes[b]! - sizes[a]! || first[a]! - first[b]!,
  );
  const rank = new Array<number>(k);
  order.forEach((c, r) => {
    rank[c] = r;
  });
  return {
    k,
    requestedK,
    centroids: order.map((c) => Array.from(centroids.subarray(c * d, c * d + d))),
    assignments: Array.from(labels, (c) => rank[c]!),
    sizes: order.map((c) => sizes[c]!),
    inertia: run.inertia,
    iterations: run.iterations,
    converged: run.converged,
  };
}
