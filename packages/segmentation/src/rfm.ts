import { Money, parseWith, ValidationError, type ValidationIssue } from '@crmkit/core';
import { z } from 'zod';
import { edgeIssues, edgeScores, quantileScores, type ScoreBand, scoreBands } from './quantiles';
import {
  DEFAULT_RFM_SEGMENTS,
  fmScore,
  patternCell,
  type RfmSegmentMap,
  RfmSegmentMapSchema,
  segmentTable,
} from './rfm-segments';
import { type CustomerSummaries, type SummaryColumns, summaryColumns } from './summaries';

const DAY = 86_400_000;

/**
 * How one RFM dimension turns values into scores 1–5:
 *
 * - `{ method: 'quantile', ties }` — by rank among the customers scored (see
 *   `TieRule`: `share`, the default, gives equal values equal scores);
 * - `{ method: 'edges', edges: [e1, e2, e3, e4] }` — fixed bin edges in the
 *   dimension's own units (days, orders, currency units), strictly
 *   increasing; an edge belongs to the bin above it.
 *
 * Recency always scores inversely: the fewest days since the last order
 * score 5 (with edges `[30, 90, 180, 365]`: under 30 days scores 5, 30–89
 * days 4, …, 365 days or more 1).
 *
 * @example
 * ```ts
 * RfmScaleSchema.parse({ method: 'edges', edges: [1, 2, 4, 8] });
 * ```
 */
export const RfmScaleSchema = z.discriminatedUnion('method', [
  z
    .object({ method: z.literal('quantile'), ties: z.enum(['share', 'split-by-id']).default('share') })
    .strict(),
  z
    .object({
      method: z.literal('edges'),
      edges: z.array(z.number().finite()).length(4, 'needs exactly 4 edges for scores 1–5'),
    })
    .strict(),
]);

/**
 * Options of {@link scoreRfm}: a scale per dimension (quantiles with shared
 * ties by default) and the segment map ({@link DEFAULT_RFM_SEGMENTS} by
 * default).
 *
 * @example
 * ```ts
 * RfmOptionsSchema.parse({ frequency: { method: 'edges', edges: [2, 3, 5, 8] } });
 * ```
 */
export const RfmOptionsSchema = z
  .object({
    recency: RfmScaleSchema.default({ method: 'quantile', ties: 'share' }),
    frequency: RfmScaleSchema.default({ method: 'quantile', ties: 'share' }),
    monetary: RfmScaleSchema.default({ method: 'quantile', ties: 'share' }),
    segments: RfmSegmentMapSchema.default(() => RfmSegmentMapSchema.parse(DEFAULT_RFM_SEGMENTS)),
  })
  .strict()
  .superRefine((options, ctx) => {
    for (const dimension of ['recency', 'frequency', 'monetary'] as const) {
      const scale = options[dimension];
      if (scale.method !== 'edges') continue;
      for (const i of edgeIssues(scale.edges, [dimension, 'edges']))
        ctx.addIssue({ message: i.message, path: [...i.path], code: 'custom' });
    }
  });

/**
 * What {@link RfmOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: RfmOptions = { recency: { method: 'edges', edges: [30, 90, 180, 365] } };
 * ```
 */
export type RfmOptions = z.input<typeof RfmOptionsSchema>;

/**
 * One customer's RFM: the raw values, the three scores, FM, the mean score,
 * the code (`'545'`) and the segment.
 *
 * @example
 * ```ts
 * const c: RfmCustomer = result.customers[0]!;
 * `${c.customerId}: ${c.code} ${c.segment}`;
 * ```
 */
export interface RfmCustomer {
  /** The customer. */
  readonly customerId: string;
  /** Whole days from the last order to `asOf` (rounded down). */
  readonly recencyDays: number;
  /** Number of counted orders. */
  readonly frequency: number;
  /** Net spend (exact). */
  readonly monetary: Money;
  /** Recency score, 5 = most recent. */
  readonly r: number;
  /** Frequency score, 5 = most orders. */
  readonly f: number;
  /** Monetary score, 5 = highest spend. */
  readonly m: number;
  /** The mean of F and M, rounded half up: the axis of the default segments. */
  readonly fm: number;
  /** The mean of R, F and M (1–5), for rules such as `rfm.score >= 4`. */
  readonly score: number;
  /** The three scores as a string, e.g. `'545'`. */
  readonly code: string;
  /** The segment named by the segment map. */
  readonly segment: string;
}

/**
 * The result of {@link scoreRfm}: every customer's RFM, and the explanation
 * of the scales (which values each score covers) and of the segments.
 *
 * @example
 * ```ts
 * const result: RfmResult = scoreRfm(summaries);
 * result.scales.recency.bands[4]; // { score: 5, count, min, max } in days
 * ```
 */
export interface RfmResult {
  /** The instant scored. */
  readonly asOf: Date;
  /** Currency of every `monetary`. */
  readonly currency: string | undefined;
  /** One entry per summarised customer, in input order. */
  readonly customers: readonly RfmCustomer[];
  /** How each dimension was scored and which values each score covers. */
  readonly scales: Readonly<Record<'recency' | 'frequency' | 'monetary', RfmScaleReport>>;
  /** Every segment of the map (then the fallback, if any) with its size. */
  readonly segments: readonly { readonly name: string; readonly count: number; readonly share: number }[];
  /** The segment map used. */
  readonly segmentMap: RfmSegmentMap;
}

/**
 * How one dimension was scored: the scale and, per score, how many customers
 * got it and the range of values they had (days, orders, currency units).
 *
 * @example
 * ```ts
 * const report: RfmScaleReport = result.scales.monetary;
 * report.bands.map((b) => `${b.score}: ${b.min}–${b.max}`);
 * ```
 */
export interface RfmScaleReport {
  /** The scale as parsed. */
  readonly scale: z.output<typeof RfmScaleSchema>;
  /** Scores 1…5 with their counts and value ranges. */
  readonly bands: readonly ScoreBand[];
}

/**
 * Scores every summarised customer on recency, frequency and monetary (1–5)
 * and names their segment. Deterministic: the same summaries and options
 * always give the same result, whatever the input order (quantile ties are
 * shared, or split by customer id). Monetary is scored on its double value
 * (exact for amounts up to 15 significant digits); the amount reported
 * stays exact.
 *
 * Bad options throw `ValidationError` with paths (`['recency', 'edges', 2]`);
 * summaries that are not {@link CustomerSummaries} throw `ValidationError`
 * with the customer's index.
 *
 * @example
 * ```ts
 * const result = scoreRfm(await summarizeOrders(orders, { asOf }), {
 *   recency: { method: 'edges', edges: [30, 90, 180, 365] },
 * });
 * result.customers[0]; // { customerId, recencyDays, frequency, monetary, r, f, m, fm, score, code, segment }
 * ```
 */
export function scoreRfm(summaries: CustomerSummaries, options: RfmOptions = {}): RfmResult {
  const parsed = parseWith(RfmOptionsSchema, 'RFM options', options);
  checkSummaries(summaries);
  return scoreRfmColumns(summaryColumns(summaries), parsed);
}

/** {@link scoreRfm} over summary columns and parsed options. */
export function scoreRfmColumns(
  columns: SummaryColumns,
  parsed: z.output<typeof RfmOptionsSchema>,
): RfmResult {
  const { ids, monetary } = columns;
  const n = ids.length;
  const asOf = columns.asOf.getTime();
  const recency = new Float64Array(n);
  const frequency = Float64Array.from(columns.frequency);
  for (let i = 0; i < n; i++) recency[i] = Math.floor((asOf - columns.last[i]!) / DAY);
  const r = score(recency, parsed.recency, false, ids);
  const f = score(frequency, parsed.frequency, true, ids);
  const m = score(monetary, parsed.monetary, true, ids);
  const table = segmentTable(parsed.segments);
  const fallback = parsed.segments.fallback;
  const names = [
    ...parsed.segments.segments.map((s) => s.name),
    ...(fallback === undefined ? [] : [fallback]),
  ];
  const fallbackIndex = names.length - 1;
  const counts = new Array<number>(names.length).fill(0);
  const customers: RfmCustomer[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const ri = r[i]!;
    const fi = f[i]!;
    const mi = m[i]!;
    const rule = table[patternCell(ri, fi, mi)]!;
    const segment = rule < 0 ? fallbackIndex : rule;
    counts[segment]!++;
    customers[i] = {
      customerId: ids[i]!,
      recencyDays: recency[i]!,
      frequency: frequency[i]!,
      monetary: columns.money(i),
      r: ri,
      f: fi,
      m: mi,
      fm: fmScore(fi, mi),
      score: (ri + fi + mi) / 3,
      code: CODES[patternCell(ri, fi, mi)]!,
      segment: names[segment]!,
    };
  }
  return {
    asOf: columns.asOf,
    currency: columns.currency,
    customers,
    scales: {
      recency: { scale: parsed.recency, bands: scoreBands(recency, r, 5) },
      frequency: { scale: parsed.frequency, bands: scoreBands(frequency, f, 5) },
      monetary: { scale: parsed.monetary, bands: scoreBands(monetary, m, 5) },
    },
    segments: names.map((name, i) => ({ name, count: counts[i]!, share: n === 0 ? 0 : counts[i]! / n })),
    segmentMap: parsed.segments,
  };
}

/** The 125 codes '111'…'555' by pattern cell, built once. */
const CODES = Array.from(
  { length: 125 },
  (_, cell) => `${Math.floor(cell / 25) + 1}${(Math.floor(cell / 5) % 5) + 1}${(cell % 5) + 1}`,
);

function score(
  values: Float64Array,
  scale: z.output<typeof RfmScaleSchema>,
  higherIsBetter: boolean,
  ids: readonly string[],
): Uint8Array {
  return scale.method === 'quantile'
    ? quantileScores(values, 5, scale.ties, higherIsBetter, ids)
    : edgeScores(values, scale.edges, higherIsBetter);
}

function checkSummaries(summaries: CustomerSummaries): void {
  const issues: ValidationIssue[] = [];
  const bad = (path: (string | number)[], message: string) =>
    issues.push({ path, message, code: 'invalid_type' });
  if (typeof summaries !== 'object' || summaries === null || !Array.isArray(summaries.customers)) {
    throw new ValidationError('customer summaries', [
      { path: [], message: 'must be CustomerSummaries (see summarizeOrders)', code: 'invalid_type' },
    ]);
  }
  if (!(summaries.asOf instanceof Date) || Number.isNaN(summaries.asOf.getTime())) {
    throw new ValidationError('customer summaries', [
      { path: ['asOf'], message: 'must be a valid Date', code: 'invalid_type' },
    ]);
  }
  const asOf = summaries.asOf.getTime();
  const seen = new Set<string>();
  summaries.customers.forEach((row, i) => {
    if (issues.length >= 20) return;
    if (typeof row?.customerId !== 'string') bad(['customers', i, 'customerId'], 'must be a string');
    else if (seen.has(row.customerId)) bad(['customers', i, 'customerId'], 'duplicate customer');
    else seen.add(row.customerId);
    if (!Number.isInteger(row?.frequency) || row.frequency < 1)
      bad(['customers', i, 'frequency'], 'must be a whole number >= 1');
    if (!(row?.monetary instanceof Money) || row.monetary.currency !== summaries.currency) {
      bad(['customers', i, 'monetary'], `must be Money in ${summaries.currency}`);
    }
    if (!(row?.lastOrderAt instanceof Date) || !(row.lastOrderAt.getTime() <= asOf)) {
      bad(['customers', i, 'lastOrderAt'], 'must be a Date not after asOf');
    }
  });
  if (issues.length > 0) throw new ValidationError('customer summaries', issues);
}
