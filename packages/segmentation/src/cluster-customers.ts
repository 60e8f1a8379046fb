import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import { ChooseKOptionsSchema, type ChooseKResult, chooseKMatrix } from './choose-k';
import { kMeansMatrix } from './kmeans';
import { assertArray, featureMatrix } from './matrix';
import { applyScaling, fitScaling, type ScalingParameters, ScalingSchema } from './scaling';
import { silhouetteMatrix } from './silhouette';

/**
 * Options of {@link clusterCustomers}: which features, how many clusters (a
 * number, or a range to choose from by silhouette or elbow), the scaling
 * (`z` by default) and the seed.
 *
 * @example
 * ```ts
 * ClusterOptionsSchema.parse({ features: ['recencyDays', 'frequency', 'monetary'], k: { min: 2, max: 6 }, seed: 1 });
 * ```
 */
export const ClusterOptionsSchema = z
  .object({
    features: z
      .array(z.string().min(1))
      .min(1, 'needs at least one feature')
      .refine((f) => new Set(f).size === f.length, 'features must be unique'),
    k: z.union([
      z.number().int().min(1),
      z
        .object({
          min: z.number().int().min(1).default(2),
          max: z.number().int().min(1).default(8),
          method: z.enum(['silhouette', 'elbow']).default('silhouette'),
        })
        .strict(),
    ]),
    scaling: ScalingSchema.default('z'),
    seed: z.union([z.number().int(), z.string()]).default(1),
    restarts: z.number().int().min(1).max(100).default(4),
    maxIterations: z.number().int().min(1).max(10_000).default(300),
    silhouetteSample: z.number().int().min(1).optional(),
  })
  .strict();

/**
 * What {@link ClusterOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: ClusterOptions = { features: ['frequency', 'monetary'], k: 3 };
 * ```
 */
export type ClusterOptions = z.input<typeof ClusterOptionsSchema>;

/**
 * A customer to cluster: an id and numeric features by name.
 *
 * @example
 * ```ts
 * const row: ClusterRow = { id: 'c1', features: { recencyDays: 12, frequency: 5, monetary: 430.5 } };
 * ```
 */
export interface ClusterRow {
  /** The customer. */
  readonly id: string;
  /** Feature values by name. */
  readonly features: Readonly<Record<string, number>>;
}

/**
 * One cluster's profile: its size and its centroid in the features'
 * original units (the mean of its members), so a team can name it.
 *
 * @example
 * ```ts
 * const p: ClusterProfile = { cluster: 0, size: 412, share: 0.41, centroid: { recencyDays: 18.2, frequency: 6.1, monetary: 512.9 } };
 * ```
 */
export interface ClusterProfile {
  /** The cluster number (0 = largest). */
  readonly cluster: number;
  /** Members. */
  readonly size: number;
  /** Share of all customers. */
  readonly share: number;
  /** Mean of each feature over the members, in original units. */
  readonly centroid: Readonly<Record<string, number>>;
}

/**
 * The result of {@link clusterCustomers}.
 *
 * @example
 * ```ts
 * const result: ClusterResult = clusterCustomers(rows, { features: ['frequency', 'monetary'], k: 3 });
 * result.clusters.map((c) => c.centroid);
 * ```
 */
export interface ClusterResult {
  /** Clusters found (fewer than asked when there are fewer distinct customers). */
  readonly k: number;
  /** Cluster profiles, largest first. */
  readonly clusters: readonly ClusterProfile[];
  /** Each customer's cluster, in input order. */
  readonly assignments: readonly { readonly id: string; readonly cluster: number }[];
  /** Sum of squared distances to the centroids, in scaled units. */
  readonly inertia: number;
  /** Mean silhouette in scaled units (`undefined` with fewer than two clusters). */
  readonly silhouette: number | undefined;
  /** How the features were scaled. */
  readonly scaling: ScalingParameters;
  /** When k was chosen from a range: the evidence. */
  readonly choice?: ChooseKResult;
}

/**
 * Clusters customers by numeric features: scales them, picks k when given
 * a range, runs seeded k-means (see `kMeans`) and profiles every cluster
 * in original units. Deterministic for a seed. Rows missing a feature or
 * holding a non-finite number throw `ValidationError` naming the row and
 * the feature.
 *
 * @example
 * ```ts
 * const result = clusterCustomers(
 *   rfm.customers.map((c) => ({ id: c.customerId, features: { recencyDays: c.recencyDays, frequency: c.frequency, monetary: c.monetary.amount.toNumber() } })),
 *   { features: ['recencyDays', 'frequency', 'monetary'], k: { min: 2, max: 6 }, seed: 1 },
 * );
 * result.clusters[0]?.centroid;
 * ```
 */
export function clusterCustomers(rows: readonly ClusterRow[], options: ClusterOptions): ClusterResult {
  const parsed = parseWith(ClusterOptionsSchema, 'cluster options', options);
  assertArray('cluster rows', rows);
  const original = featureMatrix(
    'cluster rows',
    rows.map((r) => r?.features),
    parsed.features,
    'features',
  );
  const scaling = fitScaling(original, parsed.scaling);
  const scaled = applyScaling(original, scaling);
  const common = { seed: parsed.seed, restarts: parsed.restarts, maxIterations: parsed.maxIterations };
  let choice: ChooseKResult | undefined;
  let k: number;
  if (typeof parsed.k === 'number') k = parsed.k;
  else {
    choice = chooseKMatrix(
      scaled,
      ChooseKOptionsSchema.parse({ ...parsed.k, ...common, silhouetteSample: parsed.silhouetteSample }),
    );
    k = choice.k;
  }
  const result = kMeansMatrix(scaled, { k, ...common });
  const labels = Int32Array.from(result.assignments);
  const { columns, data } = original;
  const clusters: ClusterProfile[] = result.sizes.map((size, cluster) => {
    const sums = new Float64Array(columns);
    labels.forEach((label, i) => {
      if (label !== cluster) return;
      for (let j = 0; j < columns; j++) sums[j]! += data[i * columns + j]!;
    });
    return {
      cluster,
      size,
      share: size / rows.length,
      centroid: Object.fromEntries(parsed.features.map((f, j) => [f, sums[j]! / size])),
    };
  });
  const s =
    result.k < 2
      ? undefined
      : silhouetteMatrix(scaled, labels, { sampleSize: parsed.silhouetteSample, seed: parsed.seed }).mean;
  return {
    k: result.k,
    clusters,
    assignments: rows.map((row, i) => ({ id: row.id, cluster: labels[i]! })),
    inertia: result.inertia,
    silhouette: s,
    scaling,
    ...(choice === undefined ? {} : { choice }),
  };
}
