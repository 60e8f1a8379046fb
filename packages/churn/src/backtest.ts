import { InstantSchema } from '@crmkit/core';
import { z } from 'zod';
import { createChurnAssessor } from './assess';
import { type Confusion, confusion } from './calibrate';
import { ChurnConfigError, parseConfig } from './errors';
import type { CustomerHistory, PurchaseModel } from './history';
import type { ChurnIndicators, IndicatorOptions } from './indicators';
import { type ChurnSource, forEachHistory } from './source';
import type { ThresholdConfig, Thresholds } from './thresholds';

const DAY = 86_400_000;

/**
 * The window of a backtest: indicators are computed as of `cutoff` from
 * what happened before it; a customer "actually stopped buying" when they
 * placed no order in the `windowDays` after it. Only customers who ordered
 * before the cutoff (within `activeDays`, when set) are counted.
 *
 * @example
 * ```ts
 * BacktestWindowSchema.parse({ cutoff: '2026-01-01', windowDays: 90 });
 * ```
 */
export const BacktestWindowSchema = z
  .object({
    cutoff: InstantSchema,
    windowDays: z.number().int('must be a whole number of days').positive('must be > 0'),
    activeDays: z.number().positive('must be > 0').optional(),
  })
  .strict();

/**
 * What {@link backtest} needs: the window, the indicator options (their
 * `asOf` is the cutoff), the thresholds, and optionally segments, a purchase
 * model and a callback receiving every labelled customer (to collect
 * calibration samples in the same pass).
 *
 * @example
 * ```ts
 * const setup: BacktestSetup = { window: { cutoff: '2026-01-01', windowDays: 90 }, thresholds };
 * ```
 */
export interface BacktestSetup<C = unknown> {
  /** Cut-off and following window. */
  readonly window: z.input<typeof BacktestWindowSchema>;
  /** Indicator options besides `asOf`. */
  readonly indicators?: Omit<IndicatorOptions, 'asOf'>;
  /** Threshold rules, JSON or compiled. */
  readonly thresholds: ThresholdConfig | Thresholds;
  /** The customer's segment. */
  readonly segmentOf?: (history: CustomerHistory<C>) => string | undefined;
  /** A fitted purchase model. */
  readonly model?: PurchaseModel;
  /** Receives each counted customer with their indicators, level and outcome. */
  readonly onCustomer?: (row: {
    customerId: string;
    segment?: string;
    values: ChurnIndicators;
    level: string | null;
    churned: boolean;
  }) => void;
}

/**
 * The evidence for one level: warning everyone at this level or higher,
 * how many were warned, the confusion matrix, precision, recall, F1, and
 * lift (precision ÷ the base churn rate: how much likelier a warned customer
 * is to churn than anyone).
 *
 * @example
 * ```ts
 * const row: LevelEvidence = report.levels[0]!;
 * console.log(row.level, row.precision, row.recall, row.lift);
 * ```
 */
export interface LevelEvidence extends Confusion {
  /** The level (warned: at this level or higher). */
  readonly level: string;
  /** How many customers were warned. */
  readonly warned: number;
  /** precision ÷ base rate (0 when nobody churned). */
  readonly lift: number;
}

/**
 * A backtest report.
 *
 * @example
 * ```ts
 * const report: BacktestReport = await backtest(source, setup);
 * ```
 */
export interface BacktestReport {
  /** The cut-off. */
  readonly cutoff: Date;
  /** The end of the following window (exclusive). */
  readonly windowEnd: Date;
  /** Customers counted (ordered before the cut-off). */
  readonly customers: number;
  /** Of them, those with no order in the window. */
  readonly churned: number;
  /** churned ÷ customers. */
  readonly baseRate: number;
  /** Per level, lowest first: warned at that level or higher vs churned. */
  readonly levels: readonly LevelEvidence[];
  /** Per exact level (`null`: no level): customers and how many churned. */
  readonly distribution: readonly {
    level: string | null;
    customers: number;
    churned: number;
    churnRate: number;
  }[];
}

/**
 * Backtests thresholds on history in one streaming pass: for each customer
 * who ordered before the cut-off, computes the indicators and level as of
 * the cut-off (ignoring later records) and checks whether they ordered in the
 * following window. Reports, per level, precision, recall, F1 and lift of
 * warning at that level or higher, with the confusion matrix, so thresholds
 * are chosen from evidence. The source must include the window's orders.
 *
 * @example
 * ```ts
 * const report = await backtest(storageSource(storage, { to: new Date('2026-04-01') }), {
 *   window: { cutoff: '2026-01-01', windowDays: 90 },
 *   thresholds,
 * });
 * for (const l of report.levels) console.log(l.level, l.precision.toFixed(2), l.recall.toFixed(2), l.lift.toFixed(1));
 * ```
 */
export async function backtest<C extends { readonly id: string }>(
  source: ChurnSource<C>,
  setup: BacktestSetup<C>,
): Promise<BacktestReport> {
  if (setup === null || typeof setup !== 'object')
    throw new ChurnConfigError('backtest setup', [
      { path: [], message: 'must be an object', code: 'custom' },
    ]);
  const window = parseConfig(BacktestWindowSchema, 'backtest window', setup.window);
  const cutoff = window.cutoff.getTime();
  const end = cutoff + window.windowDays * DAY;
  const activeSince = window.activeDays === undefined ? -Infinity : cutoff - window.activeDays * DAY;
  const assess = createChurnAssessor<C>({
    indicators: { ...(setup.indicators ?? {}), asOf: window.cutoff },
    thresholds: setup.thresholds,
    ...(setup.segmentOf === undefined ? {} : { segmentOf: setup.segmentOf }),
    ...(setup.model === undefined ? {} : { model: setup.model }),
    explain: false,
  });
  let levels: readonly string[] | undefined;
  const byLevel = new Map<string | null, { customers: number; churned: number }>();
  let customers = 0;
  let churned = 0;
  await forEachHistory(source, (history) => {
    let before = false;
    let after = false;
    for (const o of history.orders) {
      if (o.status === 'cancelled') continue;
      const t = o.placedAt.getTime();
      if (t < cutoff) before ||= t >= activeSince;
      else if (t < end) after = true;
    }
    if (!before) return;
    const a = assess(history);
    levels ??= a.levels;
    const gone = !after;
    customers++;
    if (gone) churned++;
    const c = byLevel.get(a.level) ?? { customers: 0, churned: 0 };
    c.customers++;
    if (gone) c.churned++;
    byLevel.set(a.level, c);
    setup.onCustomer?.({
      customerId: history.customerId,
      ...(a.segment === undefined ? {} : { segment: a.segment }),
      values: a.indicators.values,
      level: a.level,
      churned: gone,
    });
  });
  const names = levels ?? [];
  const baseRate = customers === 0 ? 0 : churned / customers;
  const evidence = names.map((level, rank): LevelEvidence => {
    let tp = 0;
    let warned = 0;
    for (const [l, c] of byLevel) {
      if (l !== null && names.indexOf(l) >= rank) {
        warned += c.customers;
        tp += c.churned;
      }
    }
    const scores = confusion(tp, warned - tp, churned - tp, customers - churned - (warned - tp));
    return { level, warned, ...scores, lift: baseRate === 0 ? 0 : scores.precision / baseRate };
  });
  const distribution = [null, ...names].map((level) => {
    const c = byLevel.get(level) ?? { customers: 0, churned: 0 };
    return { level, ...c, churnRate: c.customers === 0 ? 0 : c.churned / c.customers };
  });
  return {
    cutoff: window.cutoff,
    windowEnd: new Date(end),
    customers,
    churned,
    baseRate,
    levels: evidence,
    distribution,
  };
}
