import { parseWith, ValidationError, type ValidationIssue } from '@crmkit/core';
import { z } from 'zod';
import { assertArray, featureMatrix } from './matrix';
import { applyScaling, fitScaling, ScalingSchema } from './scaling';
import { silhouetteMatrix } from './silhouette';

/**
 * Options of {@link segmentQuality}: the features to measure the segments
 * on, their scaling (`z` by default, so features in different units weigh
 * alike) and the silhouette (exact by default, sampled with `sampleSize`,
 * or `false` to skip it).
 *
 * @example
 * ```ts
 * SegmentQualityOptionsSchema.parse({ features: ['recencyDays', 'frequency', 'monetary'], silhouette: { sampleSize: 2000 } });
 * ```
 */
export const SegmentQualityOptionsSchema = z
  .object({
    features: z
      .array(z.string().min(1))
      .min(1, 'needs at least one feature')
      .refine((f) => new Set(f).size === f.length, 'features must be unique'),
    scaling: ScalingSchema.default('z'),
    silhouette: z
      .union([
        z.literal(false),
        z
          .object({
            sampleSize: z.number().int().min(1).optional(),
            seed: z.union([z.number().int(), z.string()]).default(1),
          })
          .strict(),
      ])
      .default({ seed: 1 }),
  })
  .strict();

/**
 * What {@link SegmentQualityOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: SegmentQualityOptions = { features: ['frequency', 'monetary'], silhouette: false };
 * ```
 */
export type SegmentQualityOptions = z.input<typeof SegmentQualityOptionsSchema>;

/**
 * A customer's segment and the features the segmentation is judged on.
 *
 * @example
 * ```ts
 * const row: SegmentedRow = { segment: 'Champions', features: { recencyDays: 4, frequency: 9, monetary: 880 } };
 * ```
 */
export interface SegmentedRow {
  /** The segment label (any segmentation: RFM, tier, cluster, rule). */
  readonly segment: string;
  /** Feature values by name. */
  readonly features: Readonly<Record<string, number>>;
}

/**
 * How well segments separate customers: the variance split (total = within
 * + between, in scaled units), R² = between / total, the Calinski–Harabasz
 * index `(between / (k − 1)) / (within / (n − k))`, and the silhouette.
 * Segments that really differ have R² and silhouette well above 0.
 *
 * @example
 * ```ts
 * const q: SegmentQuality = segmentQuality(rows, { features: ['frequency', 'monetary'] });
 * `${(q.rSquared * 100).toFixed(0)} % of the variance lies between segments`;
 * ```
 */
export interface SegmentQuality {
  /** Per segment (in order of first appearance): size, mean features in original units, within sum of squares. */
  readonly segments: readonly {
    readonly name: string;
    readonly size: number;
    readonly centroid: Readonly<Record<string, number>>;
    readonly withinSS: number;
    readonly silhouette: number | undefined;
  }[];
  /** Σ squared distances to the overall mean. */
  readonly totalSS: number;
  /** Σ squared distances to each segment's mean. */
  readonly withinSS: number;
  /** Σ size × squared distance from segment mean to overall mean. */
  readonly betweenSS: number;
  /** betweenSS / totalSS (0 when there is no variance). */
  readonly rSquared: number;
  /** Calinski–Harabasz; `undefined` for fewer than 2 segments or one customer per segment. */
  readonly calinskiHarabasz: number | undefined;
  /** Mean silhouette; `undefined` when skipped or with fewer than 2 segments. */
  readonly silhouette: number | undefined;
}

/**
 * Measures any segmentation on numeric features, so a team can see whether
 * its segments really differ (see {@link SegmentQuality}). Rows missing a
 * feature throw `ValidationError` naming row and feature.
 *
 * @example
 * ```ts
 * const q = segmentQuality(
 *   [
 *     { segment: 'low', features: { spend: 10 } }, { segment: 'low', features: { spend: 20 } },
 *     { segment: 'high', features: { spend: 90 } }, { segment: 'high', features: { spend: 100 } },
 *   ],
 *   { features: ['spend'], scaling: 'none' },
 * );
 * q.totalSS; // 6500 (= within 100 + between 6400)
 * q.rSquared; // ≈ 0.985
 * ```
 */
export function segmentQuality(
  rows: readonly SegmentedRow[],
  options: SegmentQualityOptions,
): SegmentQuality {
  const parsed = parseWith(SegmentQualityOptionsSchema, 'segment quality options', options);
  assertArray('segmented rows', rows);
  const issues: ValidationIssue[] = [];
  rows.forEach((row, i) => {
    if (typeof row?.segment !== 'string' && issues.length < 20) {
      issues.push({ path: [i, 'segment'], message: 'must be a string', code: 'invalid_type' });
    }
  });
  if (issues.length > 0) throw new ValidationError('segmented rows', issues);
  const original = featureMatrix(
    'segmented rows',
    rows.map((r) => r.features),
    parsed.features,
    'features',
  );
  const scaled = applyScaling(original, fitScaling(original, parsed.scaling));
  const { rows: n, columns: d } = original;
  const names: string[] = [];
  const index = new Map<string, number>();
  const labels = new Int32Array(n);
  rows.forEach((row, i) => {
    let label = index.get(row.segment);
    if (label === undefined) {
      label = names.length;
      index.set(row.segment, label);
      names.push(row.segment);
    }
    labels[i] = label;
  });
  const k = names.length;
  const sizes = new Int32Array(k);
  const sums = new Float64Array(k * d);
  const originalSums = new Float64Array(k * d);
  const grand = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    sizes[label]!++;
    for (let j = 0; j < d; j++) {
      sums[label * d + j]! += scaled.data[i * d + j]!;
      originalSums[label * d + j]! += original.data[i * d + j]!;
      grand[j]! += scaled.data[i * d + j]! / n;
    }
  }
  const within = new Float64Array(k);
  let totalSS = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    for (let j = 0; j < d; j++) {
      const x = scaled.data[i * d + j]!;
      within[label]! += (x - sums[label * d + j]! / sizes[label]!) ** 2;
      totalSS += (x - grand[j]!) ** 2;
    }
  }
  let betweenSS = 0;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) betweenSS += sizes[c]! * (sums[c * d + j]! / sizes[c]! - grand[j]!) ** 2;
  }
  const withinSS = within.reduce((a, b) => a + b, 0);
  const s =
    parsed.silhouette === false
      ? undefined
      : silhouetteMatrix(scaled, labels, {
          sampleSize: parsed.silhouette.sampleSize,
          seed: parsed.silhouette.seed,
        });
  return {
    segments: names.map((name, c) => ({
      name,
      size: sizes[c]!,
      centroid: Object.fromEntries(parsed.features.map((f, j) => [f, originalSums[c * d + j]! / sizes[c]!])),
      withinSS: within[c]!,
      silhouette: s?.perCluster[c],
    })),
    totalSS,
    withinSS,
    betweenSS,
    rSquared: totalSS > 0 ? betweenSS / totalSS : 0,
    calinskiHarabasz:
      k < 2 || n <= k
        ? undefined
        : withinSS > 0
          ? betweenSS / (k - 1) / (withinSS / (n - k))
          : Number.POSITIVE_INFINITY,
    silhouette: s?.mean,
  };
}
