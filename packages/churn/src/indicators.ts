import { type Decimal, InstantSchema, Money } from '@crmkit/core';
import { z } from 'zod';
import { ChurnInputError, parseConfig } from './errors';
import {
  type CustomerHistory,
  checkInteraction,
  checkOrder,
  type OrderRecord,
  type PurchaseModel,
} from './history';

const DAY = 86_400_000;
const days = (ms: number) => ms / DAY;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const UNRESOLVED = new Set(['opened', 'responded', 'reopened']);

/**
 * Options of the indicators, validated by zod: the as-of date, the recent
 * window `[asOf − recentDays, asOf)` and the baseline window of
 * `baselineDays` just before it, which survey score to follow and against
 * what, which interaction types count as engagement, and how to feed a
 * purchase model.
 *
 * @example
 * ```ts
 * IndicatorOptionsSchema.parse({ asOf: '2026-07-01', recentDays: 90, baselineDays: 180 });
 * ```
 */
export const IndicatorOptionsSchema = z
  .object({
    asOf: InstantSchema,
    recentDays: z.number().int('must be a whole number of days').positive('must be > 0').default(90),
    baselineDays: z.number().int('must be a whole number of days').positive('must be > 0').default(180),
    satisfaction: z
      .object({
        metric: z.enum(['nps', 'csat']).default('nps'),
        compareTo: z.enum(['previous', 'baseline']).default('previous'),
      })
      .strict()
      .default({ metric: 'nps', compareTo: 'previous' }),
    engagementTypes: z
      .array(z.string().min(1))
      .min(1, 'name at least one interaction type')
      .default(['activity']),
    modelTimeUnitDays: z.number().positive('must be > 0').default(1),
    expectedHorizonDays: z.number().positive('must be > 0').optional(),
  })
  .strict();

/**
 * What {@link IndicatorOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: IndicatorOptions = { asOf: '2026-07-01', satisfaction: { metric: 'csat' } };
 * ```
 */
export type IndicatorOptions = z.input<typeof IndicatorOptionsSchema>;

/**
 * Indicator options after validation, with defaults applied.
 *
 * @example
 * ```ts
 * const resolved: ResolvedIndicatorOptions = resolveIndicatorOptions({ asOf: '2026-07-01' });
 * resolved.recentDays; // 90
 * ```
 */
export type ResolvedIndicatorOptions = z.output<typeof IndicatorOptionsSchema>;

/**
 * Validates indicator options; throws `ChurnConfigError` naming each bad field.
 *
 * @example
 * ```ts
 * resolveIndicatorOptions({ asOf: '2026-07-01', recentDays: 30 }).baselineDays; // 180
 * ```
 */
export function resolveIndicatorOptions(options: IndicatorOptions): ResolvedIndicatorOptions {
  return parseConfig(IndicatorOptionsSchema, 'indicator options', options);
}

/**
 * The churn indicators of one customer as of a date. A value is absent when
 * it cannot be computed (no orders, a single order, no baseline activity, no
 * surveys, no model): conditions over an absent fact are false.
 *
 * Drops are percentages of the baseline rate per day, so windows of
 * different lengths compare fairly: 100 means nothing happened in the recent
 * window, 0 no change, negative values growth.
 *
 * @example
 * ```ts
 * const { values } = computeIndicators(history, { asOf: '2026-07-01' });
 * values.recencyRatio; // 3.2: three times the customer's usual gap since the last order
 * ```
 */
export interface ChurnIndicators {
  /** Orders placed before the as-of date (cancelled ones excluded). */
  readonly orders: number;
  /** Days since the first order. */
  readonly tenureDays?: number;
  /** Days since the last order. */
  readonly recencyDays?: number;
  /** Median days between consecutive orders (needs two orders). */
  readonly medianIntervalDays?: number;
  /** `recencyDays ÷ medianIntervalDays`: how late the customer is by their own rhythm. */
  readonly recencyRatio?: number;
  /** Orders in the recent window. */
  readonly recentOrders: number;
  /** Orders in the baseline window. */
  readonly baselineOrders: number;
  /** Drop of the order rate, recent vs baseline, in percent. */
  readonly frequencyDropPct?: number;
  /** Net spend in the recent window. */
  readonly recentSpend?: Money;
  /** Net spend in the baseline window. */
  readonly baselineSpend?: Money;
  /** Drop of the spend rate, recent vs baseline, in percent (computed in decimal). */
  readonly spendDropPct?: number;
  /** The latest survey score (NPS or CSAT, as configured). */
  readonly satisfaction?: number;
  /** Latest score minus the previous one (or the baseline mean); negative is worse. */
  readonly satisfactionChange?: number;
  /** Complaints in the recent window. */
  readonly complaints: number;
  /** Reason of the latest complaint, when it gave one. */
  readonly lastComplaintReason?: string;
  /** Tickets whose latest status is opened, responded or reopened. */
  readonly unresolvedTickets: number;
  /** Engagement interactions in the recent window. */
  readonly recentEngagement: number;
  /** Engagement interactions in the baseline window. */
  readonly baselineEngagement: number;
  /** Drop of the engagement rate, recent vs baseline, in percent. */
  readonly engagementDropPct?: number;
  /** P(alive) from the purchase model, when one is given. */
  readonly pAlive?: number;
  /** Expected purchases over the horizon from the purchase model. */
  readonly expectedPurchases?: number;
}

/**
 * The name of one indicator.
 *
 * @example
 * ```ts
 * const name: IndicatorName = 'recencyRatio';
 * ```
 */
export type IndicatorName = keyof ChurnIndicators;

/**
 * One indicator with its value and a sentence saying what it means.
 *
 * @example
 * ```ts
 * const e: IndicatorExplanation = { indicator: 'recencyDays', value: 64, text: '64 days since the last order (2026-04-28)' };
 * ```
 */
export interface IndicatorExplanation {
  /** Which indicator. */
  readonly indicator: IndicatorName;
  /** Its value. */
  readonly value: number | string | Money;
  /** What it means, in words. */
  readonly text: string;
}

/**
 * The indicators of one customer with their explanations.
 *
 * @example
 * ```ts
 * const result: CustomerIndicators = computeIndicators(history, { asOf: '2026-07-01' });
 * ```
 */
export interface CustomerIndicators {
  /** The customer. */
  readonly customerId: string;
  /** The date the indicators are computed at. */
  readonly asOf: Date;
  /** The values, as facts for threshold conditions. */
  readonly values: ChurnIndicators;
  /** Every present indicator, explained (built on first read; empty with `explain: false` in a scan). */
  readonly explanations: readonly IndicatorExplanation[];
}

/**
 * Computes a customer's churn indicators as of a date from their history
 * (records at or after `asOf` are ignored): recency and recency relative to
 * their median inter-purchase interval, order and spend drop recent vs
 * baseline (spend in decimal Money, net of refunds), satisfaction change,
 * complaints, unresolved tickets, engagement drop, and P(alive) and expected
 * purchases when a purchase model is given. Throws `ChurnConfigError` for
 * bad options and `ChurnInputError` for unreadable records.
 *
 * @example
 * ```ts
 * const { values, explanations } = computeIndicators(
 *   { customerId: 'c1', orders, interactions },
 *   { asOf: '2026-07-01', recentDays: 90, baselineDays: 180 },
 * );
 * values.frequencyDropPct; // 50
 * explanations.map((e) => e.text);
 * ```
 */
export function computeIndicators(
  history: CustomerHistory,
  options: IndicatorOptions,
  model?: PurchaseModel,
): CustomerIndicators {
  const resolved = resolveIndicatorOptions(options);
  checkHistory(history);
  return indicatorsOf(history, resolved, model);
}

/** Checks the shape of a history (one customer's records). */
export function checkHistory(history: CustomerHistory): void {
  if (typeof history?.customerId !== 'string' || history.customerId.length === 0)
    throw new ChurnInputError(['customerId'], 'must be a non-empty string');
  if (!Array.isArray(history.orders)) throw new ChurnInputError(['orders'], 'must be an array');
  if (!Array.isArray(history.interactions)) throw new ChurnInputError(['interactions'], 'must be an array');
  history.orders.forEach((o, i) => {
    checkOrder(o, ['orders', i]);
    if (o.customerId !== history.customerId)
      throw new ChurnInputError(['orders', i, 'customerId'], `must be ${history.customerId}`);
  });
  history.interactions.forEach((x, i) => {
    checkInteraction(x, ['interactions', i]);
    if (x.customerId !== history.customerId)
      throw new ChurnInputError(['interactions', i, 'customerId'], `must be ${history.customerId}`);
  });
}

/** The computation itself, on resolved options and checked records (used by the scans). */
export function indicatorsOf(
  history: CustomerHistory,
  options: ResolvedIndicatorOptions,
  model: PurchaseModel | undefined,
  withTexts = true,
): CustomerIndicators {
  const asOf = options.asOf.getTime();
  const recentStart = asOf - options.recentDays * DAY;
  const baselineStart = recentStart - options.baselineDays * DAY;
  const values: Record<string, unknown> = {};
  // Texts are built on first read of `explanations`: a scan that only needs levels never pays for them.
  const pending: { indicator: IndicatorName; value: number | string | Money; text: () => string }[] = [];
  const explain = (indicator: IndicatorName, value: number | string | Money, text: () => string) => {
    values[indicator] = value;
    if (withTexts) pending.push({ indicator, value, text });
  };

  // Orders: times, windows, spend.
  const times: number[] = [];
  let recentOrders = 0;
  let baselineOrders = 0;
  let recentSpend: Decimal | undefined;
  let baselineSpend: Decimal | undefined;
  let currency: string | undefined;
  for (let i = 0; i < history.orders.length; i++) {
    const order = history.orders[i]!;
    const t = order.placedAt.getTime();
    if (t >= asOf || order.status === 'cancelled') continue;
    times.push(t);
    if (t < baselineStart) continue;
    if (currency === undefined) currency = order.total.currency;
    else if (order.total.currency !== currency)
      throw new ChurnInputError(
        ['orders', i, 'total'],
        `currency ${order.total.currency} differs from ${currency}`,
      );
    const net = netAmount(order, asOf);
    if (t >= recentStart) {
      recentOrders++;
      recentSpend = recentSpend === undefined ? net : recentSpend.plus(net);
    } else {
      baselineOrders++;
      baselineSpend = baselineSpend === undefined ? net : baselineSpend.plus(net);
    }
  }
  explain('orders', times.length, () => `${times.length} orders before ${iso(asOf)}`);
  if (times.length > 0) {
    if (!isSorted(times)) times.sort((a, b) => a - b);
    const first = times[0]!;
    const last = times[times.length - 1]!;
    explain(
      'tenureDays',
      round4(days(asOf - first)),
      () => `first order ${round4(days(asOf - first))} days ago (${iso(first)})`,
    );
    const recency = round4(days(asOf - last));
    explain('recencyDays', recency, () => `${recency} days since the last order (${iso(last)})`);
    if (times.length >= 2) {
      const gaps = new Array<number>(times.length - 1);
      for (let i = 1; i < times.length; i++) gaps[i - 1] = times[i]! - times[i - 1]!;
      const median = round4(days(medianOf(gaps)));
      explain(
        'medianIntervalDays',
        median,
        () => `usually ${median} days between orders (median of ${gaps.length} gaps)`,
      );
      if (median > 0) {
        const ratio = round4(recency / median);
        explain(
          'recencyRatio',
          ratio,
          () => `${recency} days since the last order is ${ratio}× the usual ${median}-day interval`,
        );
      }
    }
    if (model !== undefined) {
      const unit = options.modelTimeUnitDays * DAY;
      const row = { frequency: times.length - 1, recency: (last - first) / unit, T: (asOf - first) / unit };
      const pAlive = model.probabilityAlive(row);
      if (Number.isFinite(pAlive))
        explain('pAlive', round4(pAlive), () => `P(alive) ${round4(pAlive)} from the purchase model`);
      const horizon = options.expectedHorizonDays ?? options.recentDays;
      const expected = model.expectedPurchases((horizon * DAY) / unit, row);
      if (Number.isFinite(expected))
        explain(
          'expectedPurchases',
          round4(expected),
          () => `${round4(expected)} purchases expected in the next ${horizon} days`,
        );
    }
  }
  explain(
    'recentOrders',
    recentOrders,
    () => `${recentOrders} orders in the last ${options.recentDays} days`,
  );
  explain(
    'baselineOrders',
    baselineOrders,
    () => `${baselineOrders} orders in the ${options.baselineDays} days before`,
  );
  const frequencyDrop = dropPct(recentOrders, baselineOrders, options);
  if (frequencyDrop !== undefined)
    explain(
      'frequencyDropPct',
      frequencyDrop,
      () => `order rate ${describeDrop(frequencyDrop)} vs the baseline window`,
    );
  if (currency !== undefined) {
    const recent = recentSpend === undefined ? zero(currency) : Money.of(recentSpend, currency);
    const baseline = baselineSpend === undefined ? zero(currency) : Money.of(baselineSpend, currency);
    explain('recentSpend', recent, () => `spent ${recent.toString()} in the last ${options.recentDays} days`);
    explain(
      'baselineSpend',
      baseline,
      () => `spent ${baseline.toString()} in the ${options.baselineDays} days before`,
    );
    if (baseline.isPositive()) {
      // exact decimal ratio of the two spend rates; only the resulting percentage is a float
      const ratio = recent.isZero()
        ? 0
        : recent.amount
            .times(options.baselineDays)
            .dividedBy(baseline.amount.times(options.recentDays))
            .toNumber();
      const drop = round4((1 - ratio) * 100);
      explain('spendDropPct', drop, () => `spend rate ${describeDrop(drop)} vs the baseline window`);
    }
  }

  // Interactions: surveys, complaints, tickets, engagement.
  const engagement = options.engagementTypes;
  const scores: { t: number; score: number }[] = [];
  const tickets = new Map<string, { t: number; status: string }>();
  let complaints = 0;
  let lastComplaint: { t: number; reason?: string } | undefined;
  let recentEngagement = 0;
  let baselineEngagement = 0;
  for (const x of history.interactions) {
    const t = x.occurredAt.getTime();
    if (t >= asOf) continue;
    if (t >= baselineStart && engagement.includes(x.type)) {
      if (t >= recentStart) recentEngagement++;
      else baselineEngagement++;
    }
    if (x.type === 'survey') {
      const score = options.satisfaction.metric === 'nps' ? x.nps : x.csat;
      if (typeof score === 'number') scores.push({ t, score });
    } else if (x.type === 'complaint') {
      if (t >= recentStart) complaints++;
      if (lastComplaint === undefined || t >= lastComplaint.t)
        lastComplaint = x.reason === undefined ? { t } : { t, reason: x.reason };
    } else if (x.type === 'ticket' && x.ticketId !== undefined && x.status !== undefined) {
      const seen = tickets.get(x.ticketId);
      if (seen === undefined || t >= seen.t) tickets.set(x.ticketId, { t, status: x.status });
    }
  }
  if (scores.length > 0) {
    scores.sort((a, b) => a.t - b.t);
    const metric = options.satisfaction.metric.toUpperCase();
    const latest = scores[scores.length - 1]!;
    explain('satisfaction', latest.score, () => `latest ${metric} ${latest.score} (${iso(latest.t)})`);
    let reference: number | undefined;
    const previous = options.satisfaction.compareTo === 'previous';
    if (previous) {
      reference = scores.length >= 2 ? scores[scores.length - 2]!.score : undefined;
    } else {
      const base = scores.filter((s) => s.t >= baselineStart && s.t < recentStart && s !== latest);
      if (base.length > 0) reference = round4(base.reduce((sum, s) => sum + s.score, 0) / base.length);
    }
    if (reference !== undefined) {
      const change = round4(latest.score - reference);
      const against = previous ? `the previous ${metric} ${reference}` : `the baseline mean ${reference}`;
      explain('satisfactionChange', change, () => `${metric} changed by ${change} against ${against}`);
    }
  }
  explain('complaints', complaints, () => `${complaints} complaints in the last ${options.recentDays} days`);
  if (lastComplaint?.reason !== undefined)
    explain(
      'lastComplaintReason',
      lastComplaint.reason,
      () => `latest complaint about ${lastComplaint.reason} (${iso(lastComplaint.t)})`,
    );
  let unresolved = 0;
  for (const ticket of tickets.values()) if (UNRESOLVED.has(ticket.status)) unresolved++;
  explain('unresolvedTickets', unresolved, () => `${unresolved} tickets not resolved`);
  explain(
    'recentEngagement',
    recentEngagement,
    () =>
      `${recentEngagement} ${options.engagementTypes.join('/')} interactions in the last ${options.recentDays} days`,
  );
  explain(
    'baselineEngagement',
    baselineEngagement,
    () => `${baselineEngagement} in the ${options.baselineDays} days before`,
  );
  const engagementDrop = dropPct(recentEngagement, baselineEngagement, options);
  if (engagementDrop !== undefined)
    explain(
      'engagementDropPct',
      engagementDrop,
      () => `engagement rate ${describeDrop(engagementDrop)} vs the baseline window`,
    );

  let explanations: IndicatorExplanation[] | undefined;
  return {
    customerId: history.customerId,
    asOf: options.asOf,
    values: values as unknown as ChurnIndicators,
    get explanations() {
      explanations ??= pending.map((p) => ({ indicator: p.indicator, value: p.value, text: p.text() }));
      return explanations;
    },
  };
}

const zeros = new Map<string, Money>();
/** A shared zero per currency (Money is immutable). */
function zero(currency: string): Money {
  let z = zeros.get(currency);
  if (z === undefined) {
    z = Money.zero(currency);
    zeros.set(currency, z);
  }
  return z;
}

function netAmount(order: OrderRecord, asOf: number): Decimal {
  let amount = order.total.amount;
  const refunds = order.refunds;
  if (refunds !== undefined)
    for (const refund of refunds)
      if (refund.refundedAt.getTime() < asOf) amount = amount.minus(refund.amount.amount);
  return amount;
}

function dropPct(recent: number, baseline: number, options: ResolvedIndicatorOptions): number | undefined {
  if (baseline === 0) return undefined;
  return round4((1 - (recent * options.baselineDays) / (baseline * options.recentDays)) * 100);
}

function describeDrop(pct: number): string {
  return pct >= 0 ? `down ${pct} %` : `up ${-pct} %`;
}

function medianOf(values: number[]): number {
  if (values.length > 32) values.sort((a, b) => a - b);
  else
    for (let i = 1; i < values.length; i++) {
      const v = values[i]!;
      let j = i - 1;
      for (; j >= 0 && values[j]! > v; j--) values[j + 1] = values[j]!;
      values[j + 1] = v;
    }
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

function isSorted(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i]! < values[i - 1]!) return false;
  return true;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
