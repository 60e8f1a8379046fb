import { InstantSchema, Money } from '@crmkit/core';
import { z } from 'zod';
import { ChurnInputError, parseConfig } from './errors';
import { type CustomerHistory, checkInteraction, checkOrder, type PurchaseModel } from './history';
import { SpendSum } from './spend';

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
    checkOrder(o, 'orders', i);
    if (o.customerId !== history.customerId)
      throw new ChurnInputError(['orders', i, 'customerId'], `must be ${history.customerId}`);
  });
  history.interactions.forEach((x, i) => {
    checkInteraction(x, 'interactions', i);
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
  // Keys are added in explanation order; the texts are built from the values on first read of
  // `explanations`, so a scan that only needs levels never pays for them.
  const values: Record<string, unknown> = {};
  // what the texts cite besides the values
  let first = 0;
  let last = 0;
  let scoreAt = 0;
  let reference = 0;

  // Orders: times, windows, spend (exact, in minor units; see SpendSum).
  const orders = history.orders;
  let times = scratch.times;
  if (times.length < orders.length) times = scratch.times = new Float64Array(orders.length * 2);
  let count = 0;
  let sorted = true;
  let recentOrders = 0;
  let baselineOrders = 0;
  let recentSpend: SpendSum | undefined;
  let baselineSpend: SpendSum | undefined;
  let currency: string | undefined;
  for (let i = 0; i < orders.length; i++) {
    const order = orders[i]!;
    const t = order.placedAt.getTime();
    if (t >= asOf || order.status === 'cancelled') continue;
    if (count > 0 && t < times[count - 1]!) sorted = false;
    times[count++] = t;
    if (t < baselineStart) continue;
    const total = order.total;
    if (currency === undefined) {
      currency = total.currency;
      recentSpend = new SpendSum(total.minorDigits);
      baselineSpend = new SpendSum(total.minorDigits);
    } else if (total.currency !== currency)
      throw new ChurnInputError(
        ['orders', i, 'total'],
        `currency ${total.currency} differs from ${currency}`,
      );
    const spend = t >= recentStart ? recentSpend! : baselineSpend!;
    if (t >= recentStart) recentOrders++;
    else baselineOrders++;
    spend.add(total.amount, 1);
    const refunds = order.refunds;
    if (refunds !== undefined)
      for (let r = 0; r < refunds.length; r++) {
        const refund = refunds[r]!;
        if (refund.refundedAt.getTime() < asOf) spend.add(refund.amount.amount, -1);
      }
  }
  values['orders'] = count;
  if (count > 0) {
    if (!sorted) times.subarray(0, count).sort();
    first = times[0]!;
    last = times[count - 1]!;
    values['tenureDays'] = round4(days(asOf - first));
    const recency = round4(days(asOf - last));
    values['recencyDays'] = recency;
    if (count >= 2) {
      let gaps = scratch.gaps;
      if (gaps.length < count) gaps = scratch.gaps = new Float64Array(count * 2);
      for (let i = 1; i < count; i++) gaps[i - 1] = times[i]! - times[i - 1]!;
      const median = round4(days(medianOf(gaps, count - 1)));
      values['medianIntervalDays'] = median;
      if (median > 0) values['recencyRatio'] = round4(recency / median);
    }
    if (model !== undefined) {
      const unit = options.modelTimeUnitDays * DAY;
      const row = { frequency: count - 1, recency: (last - first) / unit, T: (asOf - first) / unit };
      const pAlive = model.probabilityAlive(row);
      if (Number.isFinite(pAlive)) values['pAlive'] = round4(pAlive);
      const horizon = options.expectedHorizonDays ?? options.recentDays;
      const expected = model.expectedPurchases((horizon * DAY) / unit, row);
      if (Number.isFinite(expected)) values['expectedPurchases'] = round4(expected);
    }
  }
  values['recentOrders'] = recentOrders;
  values['baselineOrders'] = baselineOrders;
  const frequencyDrop = dropPct(recentOrders, baselineOrders, options);
  if (frequencyDrop !== undefined) values['frequencyDropPct'] = frequencyDrop;
  if (currency !== undefined) {
    const recent = spendMoney(recentSpend!, currency);
    const baseline = spendMoney(baselineSpend!, currency);
    values['recentSpend'] = recent;
    values['baselineSpend'] = baseline;
    if (baseline.isPositive()) {
      const ratio = recent.isZero() ? 0 : spendRatio(recentSpend!, baselineSpend!, options);
      values['spendDropPct'] = round4((1 - ratio) * 100);
    }
  }

  // Interactions: surveys, complaints, tickets, engagement.
  const engagement = options.engagementTypes;
  const nps = options.satisfaction.metric === 'nps';
  let scores: { t: number; score: number }[] | undefined;
  let tickets: Map<string, { t: number; status: string }> | undefined;
  let complaints = 0;
  let complaintAt = Number.NEGATIVE_INFINITY;
  let complaintReason: string | undefined;
  let recentEngagement = 0;
  let baselineEngagement = 0;
  const interactions = history.interactions;
  for (let i = 0; i < interactions.length; i++) {
    const x = interactions[i]!;
    const t = x.occurredAt.getTime();
    if (t >= asOf) continue;
    if (t >= baselineStart && engagement.includes(x.type)) {
      if (t >= recentStart) recentEngagement++;
      else baselineEngagement++;
    }
    if (x.type === 'survey') {
      const score = nps ? x.nps : x.csat;
      if (typeof score === 'number') {
        scores ??= [];
        scores.push({ t, score });
      }
    } else if (x.type === 'complaint') {
      if (t >= recentStart) complaints++;
      if (t >= complaintAt) {
        complaintAt = t;
        complaintReason = x.reason;
      }
    } else if (x.type === 'ticket' && x.ticketId !== undefined && x.status !== undefined) {
      tickets ??= new Map();
      const seen = tickets.get(x.ticketId);
      if (seen === undefined || t >= seen.t) tickets.set(x.ticketId, { t, status: x.status });
    }
  }
  if (scores !== undefined) {
    scores.sort((a, b) => a.t - b.t);
    const latest = scores[scores.length - 1]!;
    values['satisfaction'] = latest.score;
    scoreAt = latest.t;
    let against: number | undefined;
    if (options.satisfaction.compareTo === 'previous') {
      against = scores.length >= 2 ? scores[scores.length - 2]!.score : undefined;
    } else {
      const base = scores.filter((s) => s.t >= baselineStart && s.t < recentStart && s !== latest);
      if (base.length > 0) against = round4(base.reduce((sum, s) => sum + s.score, 0) / base.length);
    }
    if (against !== undefined) {
      reference = against;
      values['satisfactionChange'] = round4(latest.score - against);
    }
  }
  values['complaints'] = complaints;
  if (complaintReason !== undefined) values['lastComplaintReason'] = complaintReason;
  let unresolved = 0;
  if (tickets !== undefined)
    for (const ticket of tickets.values()) if (UNRESOLVED.has(ticket.status)) unresolved++;
  values['unresolvedTickets'] = unresolved;
  values['recentEngagement'] = recentEngagement;
  values['baselineEngagement'] = baselineEngagement;
  const engagementDrop = dropPct(recentEngagement, baselineEngagement, options);
  if (engagementDrop !== undefined) values['engagementDropPct'] = engagementDrop;

  const indicators = values as unknown as ChurnIndicators;
  if (!withTexts)
    return { customerId: history.customerId, asOf: options.asOf, values: indicators, explanations: [] };
  const context: TextContext = { first, last, scoreAt, reference, complaintAt };
  let explanations: IndicatorExplanation[] | undefined;
  return {
    customerId: history.customerId,
    asOf: options.asOf,
    values: indicators,
    get explanations() {
      explanations ??= explainAll(indicators, options, context);
      return explanations;
    },
  };
}

/** Per-call scratch space for order times and gaps (the computation is synchronous and keeps neither). */
const scratch = { times: new Float64Array(64), gaps: new Float64Array(64) };

/** What the texts need beyond the values: the instants they cite, and the satisfaction reference. */
interface TextContext {
  first: number;
  last: number;
  scoreAt: number;
  reference: number;
  complaintAt: number;
}

/** Every present indicator, explained, in the order of `values`. */
function explainAll(
  values: ChurnIndicators,
  options: ResolvedIndicatorOptions,
  context: TextContext,
): IndicatorExplanation[] {
  const explanations: IndicatorExplanation[] = [];
  for (const indicator of Object.keys(values) as IndicatorName[]) {
    const value = values[indicator] as number | string | Money;
    explanations.push({ indicator, value, text: textOf(indicator, values, options, context) });
  }
  return explanations;
}

function textOf(
  indicator: IndicatorName,
  v: ChurnIndicators,
  options: ResolvedIndicatorOptions,
  c: TextContext,
): string {
  switch (indicator) {
    case 'orders':
      return `${v.orders} orders before ${iso(options.asOf.getTime())}`;
    case 'tenureDays':
      return `first order ${v.tenureDays} days ago (${iso(c.first)})`;
    case 'recencyDays':
      return `${v.recencyDays} days since the last order (${iso(c.last)})`;
    case 'medianIntervalDays':
      return `usually ${v.medianIntervalDays} days between orders (median of ${v.orders - 1} gaps)`;
    case 'recencyRatio':
      return `${v.recencyDays} days since the last order is ${v.recencyRatio}× the usual ${v.medianIntervalDays}-day interval`;
    case 'pAlive':
      return `P(alive) ${v.pAlive} from the purchase model`;
    case 'expectedPurchases':
      return `${v.expectedPurchases} purchases expected in the next ${options.expectedHorizonDays ?? options.recentDays} days`;
    case 'recentOrders':
      return `${v.recentOrders} orders in the last ${options.recentDays} days`;
    case 'baselineOrders':
      return `${v.baselineOrders} orders in the ${options.baselineDays} days before`;
    case 'frequencyDropPct':
      return `order rate ${describeDrop(v.frequencyDropPct!)} vs the baseline window`;
    case 'recentSpend':
      return `spent ${v.recentSpend!.toString()} in the last ${options.recentDays} days`;
    case 'baselineSpend':
      return `spent ${v.baselineSpend!.toString()} in the ${options.baselineDays} days before`;
    case 'spendDropPct':
      return `spend rate ${describeDrop(v.spendDropPct!)} vs the baseline window`;
    case 'satisfaction':
      return `latest ${options.satisfaction.metric.toUpperCase()} ${v.satisfaction} (${iso(c.scoreAt)})`;
    case 'satisfactionChange': {
      const metric = options.satisfaction.metric.toUpperCase();
      const against =
        options.satisfaction.compareTo === 'previous'
          ? `the previous ${metric} ${c.reference}`
          : `the baseline mean ${c.reference}`;
      return `${metric} changed by ${v.satisfactionChange} against ${against}`;
    }
    case 'complaints':
      return `${v.complaints} complaints in the last ${options.recentDays} days`;
    case 'lastComplaintReason':
      return `latest complaint about ${v.lastComplaintReason} (${iso(c.complaintAt)})`;
    case 'unresolvedTickets':
      return `${v.unresolvedTickets} tickets not resolved`;
    case 'recentEngagement':
      return `${v.recentEngagement} ${options.engagementTypes.join('/')} interactions in the last ${options.recentDays} days`;
    case 'baselineEngagement':
      return `${v.baselineEngagement} in the ${options.baselineDays} days before`;
    case 'engagementDropPct':
      return `engagement rate ${describeDrop(v.engagementDropPct!)} vs the baseline window`;
  }
}

/** A window's spend as Money (a shared zero when nothing was spent). */
function spendMoney(spend: SpendSum, currency: string): Money {
  if (spend.exact === undefined && spend.units === 0) return zero(currency);
  return Money.of(spend.decimal(), currency);
}

/**
 * `(recent × baselineDays) ÷ (baseline × recentDays)`, the ratio of the two
 * spend rates: while both sums are whole minor units and the products stay
 * exact integers, one division of exact integers (correctly rounded, like the
 * decimal quotient's conversion to a number); else in decimal.
 */
function spendRatio(recent: SpendSum, baseline: SpendSum, options: ResolvedIndicatorOptions): number {
  if (recent.exact === undefined && baseline.exact === undefined) {
    const numerator = recent.units * options.baselineDays;
    const denominator = baseline.units * options.recentDays;
    if (Number.isSafeInteger(numerator) && Number.isSafeInteger(denominator)) return numerator / denominator;
  }
  return recent
    .decimal()
    .times(options.baselineDays)
    .dividedBy(baseline.decimal().times(options.recentDays))
    .toNumber();
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

function dropPct(recent: number, baseline: number, options: ResolvedIndicatorOptions): number | undefined {
  if (baseline === 0) return undefined;
  return round4((1 - (recent * options.baselineDays) / (baseline * options.recentDays)) * 100);
}

function describeDrop(pct: number): string {
  return pct >= 0 ? `down ${pct} %` : `up ${-pct} %`;
}

/** The median of the first `n` values (sorts them in place). */
function medianOf(values: Float64Array, n: number): number {
  if (n > 32) values.subarray(0, n).sort();
  else
    for (let i = 1; i < n; i++) {
      const v = values[i]!;
      let j = i - 1;
      for (; j >= 0 && values[j]! > v; j--) values[j + 1] = values[j]!;
      values[j + 1] = v;
    }
  const mid = n >> 1;
  return n % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** `YYYY-MM-DD` of an instant, cached by day (texts cite the same few hundred days over and over). */
function iso(ms: number): string {
  const day = Math.floor(ms / DAY);
  let text = isoDays.get(day);
  if (text === undefined) {
    text = new Date(ms).toISOString().slice(0, 10);
    if (isoDays.size >= 4096) isoDays.clear();
    isoDays.set(day, text);
  }
  return text;
}
const isoDays = new Map<number, string>();
