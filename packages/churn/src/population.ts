import { InstantSchema } from '@crmkit/core';
import { z } from 'zod';
import { ChurnConfigError, parseConfig } from './errors';
import type { CustomerHistory } from './history';
import { type ChurnSource, forEachHistory } from './source';

const DAY = 86_400_000;
const rate = z.number().gt(0, 'must be > 0').max(1, 'must be <= 1 (a share, 0.05 is 5 %)');

/**
 * Options of the population alert: the churn-rate threshold (a share; the
 * handbooks' example is 5 %), thresholds of their own for some segments,
 * and how many customers a segment needs before it can alert.
 *
 * @example
 * ```ts
 * PopulationAlertOptionsSchema.parse({ threshold: 0.05, segments: { vip: 0.02 }, minCustomers: 30 });
 * ```
 */
export const PopulationAlertOptionsSchema = z
  .object({
    threshold: rate.default(0.05),
    segments: z.record(z.string().min(1), rate).default({}),
    minCustomers: z.number().int().min(1).default(1),
  })
  .strict();

/**
 * What {@link PopulationAlertOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: PopulationAlertOptions = { threshold: 0.05 };
 * ```
 */
export type PopulationAlertOptions = z.input<typeof PopulationAlertOptionsSchema>;

/**
 * The churn of one segment (or of everyone, `segment: null`) over a period.
 *
 * @example
 * ```ts
 * const s: SegmentChurn = { segment: 'vip', customers: 200, churned: 14, rate: 0.07, threshold: 0.05, alert: true };
 * ```
 */
export interface SegmentChurn {
  /** The segment; `null` for the whole population. */
  readonly segment: string | null;
  /** Customers at the start of the period. */
  readonly customers: number;
  /** Of them, those who churned. */
  readonly churned: number;
  /** churned ÷ customers (0 for no customers). */
  readonly rate: number;
  /** The threshold that applies. */
  readonly threshold: number;
  /** Whether `rate > threshold` (with at least `minCustomers`). */
  readonly alert: boolean;
}

/**
 * A population alert report: everyone, each segment, and the ones alerting.
 *
 * @example
 * ```ts
 * const report: PopulationReport = populationAlert(rows, { threshold: 0.05 });
 * report.alerts.map((s) => s.segment);
 * ```
 */
export interface PopulationReport {
  /** The whole population. */
  readonly overall: SegmentChurn;
  /** Each segment, by name. */
  readonly segments: readonly SegmentChurn[];
  /** Overall and the segments whose rate is above their threshold. */
  readonly alerts: readonly SegmentChurn[];
}

/**
 * Churn rates overall and per segment from one row per customer present at
 * the start of a period, alerting where the rate is above the threshold.
 *
 * @example
 * ```ts
 * const report = populationAlert(
 *   [{ segment: 'vip', churned: true }, { segment: 'vip', churned: false }, { segment: 'new', churned: false }],
 *   { threshold: 0.05 },
 * );
 * report.segments[1]; // { segment: 'vip', customers: 2, churned: 1, rate: 0.5, threshold: 0.05, alert: true }
 * ```
 */
export function populationAlert(
  rows: Iterable<{ readonly segment?: string | null | undefined; readonly churned: boolean }>,
  options: PopulationAlertOptions = {},
): PopulationReport {
  const resolved = parseConfig(PopulationAlertOptionsSchema, 'population alert options', options);
  const counts: Counts = new Map();
  let customers = 0;
  let churned = 0;
  let i = 0;
  for (const row of rows) {
    if (typeof row?.churned !== 'boolean')
      throw new ChurnConfigError('population rows', [
        { path: [i, 'churned'], message: 'must be a boolean', code: 'custom' },
      ]);
    customers++;
    if (row.churned) churned++;
    if (row.segment !== undefined && row.segment !== null) {
      const c = counts.get(row.segment) ?? { customers: 0, churned: 0 };
      c.customers++;
      if (row.churned) c.churned++;
      counts.set(row.segment, c);
    }
    i++;
  }
  return report(resolved, { customers, churned }, counts);
}

/**
 * The period of {@link scanPopulationChurn}: customers who ordered within
 * `activeDays` before `from` are the population; those with no order in
 * `[from, to)` churned.
 *
 * @example
 * ```ts
 * ChurnPeriodSchema.parse({ from: '2026-04-01', to: '2026-07-01', activeDays: 365 });
 * ```
 */
export const ChurnPeriodSchema = z
  .object({
    from: InstantSchema,
    to: InstantSchema,
    activeDays: z.number().positive('must be > 0').default(365),
  })
  .strict()
  .refine((p) => p.to > p.from, { message: 'must be after from', path: ['to'] });

/**
 * What {@link ChurnPeriodSchema} accepts.
 *
 * @example
 * ```ts
 * const period: ChurnPeriod = { from: '2026-04-01', to: '2026-07-01' };
 * ```
 */
export type ChurnPeriod = z.input<typeof ChurnPeriodSchema>;

/**
 * Streams a source once and reports the churn rate over a period, overall
 * and per segment, with alerts above the threshold (bounded memory: one
 * counter per segment).
 *
 * @example
 * ```ts
 * const report = await scanPopulationChurn(storageSource(storage), { from: '2026-04-01', to: '2026-07-01' }, { threshold: 0.05 }, (h) => h.customer?.attributes.region as string);
 * if (report.alerts.length > 0) notifyManagers(report.alerts);
 * ```
 */
export async function scanPopulationChurn<C extends { readonly id: string }>(
  source: ChurnSource<C>,
  period: ChurnPeriod,
  options: PopulationAlertOptions = {},
  segmentOf?: (history: CustomerHistory<C>) => string | undefined,
): Promise<PopulationReport> {
  const { from, to, activeDays } = parseConfig(ChurnPeriodSchema, 'churn period', period);
  const resolved = parseConfig(PopulationAlertOptionsSchema, 'population alert options', options);
  const start = from.getTime();
  const end = to.getTime();
  const activeSince = start - activeDays * DAY;
  const summary: Counts = new Map();
  let overall = { customers: 0, churned: 0 };
  await forEachHistory(source, (history) => {
    let active = false;
    let bought = false;
    for (const o of history.orders) {
      if (o.status === 'cancelled') continue;
      const t = o.placedAt.getTime();
      if (t >= activeSince && t < start) active = true;
      else if (t >= start && t < end) bought = true;
    }
    if (!active) return;
    overall = { customers: overall.customers + 1, churned: overall.churned + (bought ? 0 : 1) };
    const segment = segmentOf?.(history);
    if (segment !== undefined) {
      const c = summary.get(segment) ?? { customers: 0, churned: 0 };
      c.customers++;
      if (!bought) c.churned++;
      summary.set(segment, c);
    }
  });
  return report(resolved, overall, summary);
}

type Counts = Map<string, { customers: number; churned: number }>;

function report(
  options: z.output<typeof PopulationAlertOptionsSchema>,
  overall: { customers: number; churned: number },
  counts: Counts,
): PopulationReport {
  const make = (segment: string | null, n: number, k: number): SegmentChurn => {
    const threshold = (segment === null ? undefined : options.segments[segment]) ?? options.threshold;
    const r = n === 0 ? 0 : k / n;
    return {
      segment,
      customers: n,
      churned: k,
      rate: r,
      threshold,
      alert: n >= options.minCustomers && r > threshold,
    };
  };
  const all = make(null, overall.customers, overall.churned);
  const segments = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([segment, c]) => make(segment, c.customers, c.churned));
  return { overall: all, segments, alerts: [all, ...segments].filter((s) => s.alert) };
}
