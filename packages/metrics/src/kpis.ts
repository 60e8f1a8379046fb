import { CurrencySchema, Decimal, Money, type Order, parseWith, type Storage } from '@crmkit/core';
import { z } from 'zod';
import {
  CountsTally,
  type CustomerCounts,
  churnEventsByCustomer,
  churnRate,
  classify,
  LostDefinitionSchema,
  retentionRate,
} from './activity';
import { type Period, PeriodSchema } from './period';
import { checkCurrency, isPurchase, orderCost, orderRevenue, ordersByCustomer } from './purchases';
import { type Rate, rate } from './rate';
import type { Source } from './source';

/**
 * Options of {@link periodKpis}: the period, the definition of lost and the
 * currency every order must be in.
 *
 * @example
 * ```ts
 * PeriodKpisOptionsSchema.parse({ period: { start: '2026-01-01', end: '2026-04-01' }, lost: { inactivityDays: 90 }, currency: 'EUR' });
 * ```
 */
export const PeriodKpisOptionsSchema = z
  .object({ period: PeriodSchema, lost: LostDefinitionSchema, currency: CurrencySchema })
  .strict();

/**
 * What {@link PeriodKpisOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: PeriodKpisOptions = { period: { start: '2026-01-01', end: '2026-04-01' }, lost: { inactivityDays: 90 }, currency: 'EUR' };
 * ```
 */
export type PeriodKpisOptions = z.input<typeof PeriodKpisOptionsSchema>;

/**
 * Revenue, cost of goods and gross margin of the purchases in a period.
 *
 * @example
 * ```ts
 * const m: GrossMargin = { revenue: Money.of(100, 'EUR'), cost: Money.of(60, 'EUR'), margin: Money.of(40, 'EUR'), share: new Decimal('0.4'), uncostedOrders: 0 };
 * ```
 */
export interface GrossMargin {
  /** Σ net revenue (total less refunds). */
  readonly revenue: Money;
  /** Σ unitCost × quantity over lines that have a cost. */
  readonly cost: Money;
  /** `revenue − cost`. */
  readonly margin: Money;
  /** `margin ÷ revenue`, `null` when revenue is zero. */
  readonly share: Decimal | null;
  /** Purchases with at least one line without `unitCost` (their cost is understated). */
  readonly uncostedOrders: number;
}

/**
 * Average order value: `Σ net revenue ÷ number of purchases` in a period.
 *
 * @example
 * ```ts
 * const aov: AverageOrderValue = { orders: 4, revenue: Money.of(200, 'EUR'), value: Money.of(50, 'EUR') };
 * ```
 */
export interface AverageOrderValue {
  /** Purchases in the period. */
  readonly orders: number;
  /** Their net revenue. */
  readonly revenue: Money;
  /** `revenue ÷ orders` (exact, not rounded), `null` when there was no purchase. */
  readonly value: Money | null;
}

/**
 * Every period KPI of {@link periodKpis}, from one pass over the orders.
 *
 * @example
 * ```ts
 * const kpis: PeriodKpis = await periodKpis(orders, options);
 * kpis.churnRate.value;
 * ```
 */
export interface PeriodKpis {
  /** The period measured. */
  readonly period: Period;
  /** Customer counts (see {@link customerCounts}). */
  readonly counts: CustomerCounts;
  /** `churned ÷ activeAtStart`. */
  readonly churnRate: Rate;
  /** `retained ÷ activeAtStart`. */
  readonly retentionRate: Rate;
  /** Customers with ≥ 2 purchases ÷ customers with ≥ 1 purchase in the period. */
  readonly repurchaseRate: Rate;
  /** Purchases ÷ purchasing customers in the period. */
  readonly purchaseFrequency: Rate;
  /** Net revenue ÷ purchases. */
  readonly averageOrderValue: AverageOrderValue;
  /** Revenue, cost and margin. */
  readonly grossMargin: GrossMargin;
}

/** Accumulates order-level sums of a period (internal). */
class OrderTally {
  orders = 0;
  revenue = new Decimal(0);
  cost = new Decimal(0);
  uncosted = 0;
  constructor(readonly currency: string) {}

  add(order: Order): void {
    checkCurrency(order, this.currency);
    this.orders++;
    this.revenue = this.revenue.plus(orderRevenue(order));
    const { cost, complete } = orderCost(order);
    this.cost = this.cost.plus(cost);
    if (!complete) this.uncosted++;
  }

  aov(): AverageOrderValue {
    const revenue = Money.of(this.revenue, this.currency);
    return { orders: this.orders, revenue, value: this.orders === 0 ? null : revenue.dividedBy(this.orders) };
  }

  margin(): GrossMargin {
    const margin = this.revenue.minus(this.cost);
    return {
      revenue: Money.of(this.revenue, this.currency),
      cost: Money.of(this.cost, this.currency),
      margin: Money.of(margin, this.currency),
      share: this.revenue.isZero() ? null : margin.dividedBy(this.revenue),
      uncostedOrders: this.uncosted,
    };
  }
}

/**
 * All period KPIs in one streaming pass: customer counts, churn and
 * retention, repurchase rate, purchase frequency, AOV and gross margin. Pass
 * every order placed before `period.end`; in-memory arrays may come in any
 * order, an async stream must be grouped by customer (as
 * `storage.orders.list({ orderBy: 'customer' })` streams) and is read once
 * with memory bounded by one customer's orders. Every order must be in
 * `currency` (else `CurrencyMismatchError`).
 *
 * @example
 * ```ts
 * const kpis = await periodKpis(orders, {
 *   period: { start: '2026-01-01', end: '2026-04-01' },
 *   lost: { inactivityDays: 90 },
 *   currency: 'EUR',
 * });
 * kpis.churnRate.value; kpis.averageOrderValue.value?.toString();
 * ```
 */
export async function periodKpis(orders: Source<Order>, options: PeriodKpisOptions): Promise<PeriodKpis> {
  const { period, lost, currency } = parseWith(PeriodKpisOptionsSchema, 'period KPI options', options);
  const events = churnEventsByCustomer(lost);
  const counts = new CountsTally();
  const tally = new OrderTally(currency);
  const start = period.start.getTime();
  const end = period.end.getTime();
  let repeaters = 0;
  const times: number[] = [];
  for await (const group of ordersByCustomer(orders)) {
    times.length = 0;
    let inPeriod = 0;
    for (const order of group) {
      if (!isPurchase(order)) continue;
      const t = order.placedAt.getTime();
      times.push(t);
      if (t >= start && t < end) {
        inPeriod++;
        tally.add(order);
      }
    }
    if (inPeriod >= 2) repeaters++;
    counts.add(classify(times, events?.get(group[0]!.customerId), period, lost), inPeriod > 0);
  }
  const result = counts.result();
  return {
    period,
    counts: result,
    churnRate: churnRate(result),
    retentionRate: retentionRate(result),
    repurchaseRate: rate(repeaters, result.purchasers),
    purchaseFrequency: rate(tally.orders, result.purchasers),
    averageOrderValue: tally.aov(),
    grossMargin: tally.margin(),
  };
}

/**
 * {@link periodKpis} straight from the orders port: streams
 * `storage.orders.list({ orderBy: 'customer', to: period.end })` once, with
 * memory bounded by one customer's orders (plus `batchSize` rows in flight).
 *
 * @example
 * ```ts
 * const kpis = await periodKpisFromStorage(storage, { period: { start: '2026-01-01', end: '2026-02-01' }, lost: { inactivityDays: 60 }, currency: 'EUR' });
 * ```
 */
export async function periodKpisFromStorage(
  storage: Pick<Storage, 'orders'>,
  options: PeriodKpisOptions,
  stream: { readonly batchSize?: number } = {},
): Promise<PeriodKpis> {
  const { period } = parseWith(PeriodKpisOptionsSchema, 'period KPI options', options);
  const query = { orderBy: 'customer' as const, to: period.end, ...stream };
  return periodKpis(storage.orders.list(query), options);
}

/**
 * Options of the order KPIs ({@link averageOrderValue},
 * {@link grossMarginContribution}): the period and the currency.
 *
 * @example
 * ```ts
 * OrderKpiOptionsSchema.parse({ period: { start: '2026-01-01', end: '2026-02-01' }, currency: 'EUR' });
 * ```
 */
export const OrderKpiOptionsSchema = z.object({ period: PeriodSchema, currency: CurrencySchema }).strict();

/**
 * What {@link OrderKpiOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: OrderKpiOptions = { period: { start: '2026-01-01', end: '2026-02-01' }, currency: 'EUR' };
 * ```
 */
export type OrderKpiOptions = z.input<typeof OrderKpiOptionsSchema>;

/**
 * Options naming just a period.
 *
 * @example
 * ```ts
 * PeriodOptionsSchema.parse({ period: { start: '2026-01-01', end: '2026-02-01' } });
 * ```
 */
export const PeriodOptionsSchema = z.object({ period: PeriodSchema }).strict();

/**
 * What {@link PeriodOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: PeriodOptions = { period: { start: '2026-01-01', end: '2026-02-01' } };
 * ```
 */
export type PeriodOptions = z.input<typeof PeriodOptionsSchema>;

async function orderTally(orders: Source<Order>, options: OrderKpiOptions): Promise<OrderTally> {
  const { period, currency } = parseWith(OrderKpiOptionsSchema, 'order KPI options', options);
  const tally = new OrderTally(currency);
  const start = period.start.getTime();
  const end = period.end.getTime();
  for await (const order of orders) {
    const t = order.placedAt.getTime();
    if (t >= start && t < end && isPurchase(order)) tally.add(order);
  }
  return tally;
}

/**
 * Average order value (AOV) in a period: `Σ net revenue ÷ purchases`, exact
 * (round with `Money.round` for display). `value` is `null` without purchases.
 *
 * @example
 * ```ts
 * const aov = await averageOrderValue(orders, { period: { start: '2026-01-01', end: '2026-02-01' }, currency: 'EUR' });
 * aov.value?.round().toString(); // e.g. '56.67 EUR'
 * ```
 */
export async function averageOrderValue(
  orders: Source<Order>,
  options: OrderKpiOptions,
): Promise<AverageOrderValue> {
  return (await orderTally(orders, options)).aov();
}

/**
 * Gross margin contribution in a period: `revenue − cost of goods`, and its
 * share of revenue. Revenue is net of refunds; cost is Σ `unitCost ×
 * quantity` (refunds do not give cost back); lines without a cost are counted
 * in `uncostedOrders`.
 *
 * @example
 * ```ts
 * const m = await grossMarginContribution(orders, { period: { start: '2026-01-01', end: '2026-02-01' }, currency: 'EUR' });
 * m.margin.toString(); m.share?.toString();
 * ```
 */
export async function grossMarginContribution(
  orders: Source<Order>,
  options: OrderKpiOptions,
): Promise<GrossMargin> {
  return (await orderTally(orders, options)).margin();
}

async function purchasesPerCustomer(
  orders: Source<Order>,
  options: PeriodOptions,
): Promise<Map<string, number>> {
  const { period } = parseWith(PeriodOptionsSchema, 'period options', options);
  const start = period.start.getTime();
  const end = period.end.getTime();
  const counts = new Map<string, number>();
  for await (const order of orders) {
    const t = order.placedAt.getTime();
    if (t >= start && t < end && isPurchase(order))
      counts.set(order.customerId, (counts.get(order.customerId) ?? 0) + 1);
  }
  return counts;
}

/**
 * Repurchase rate in a period: customers with ≥ 2 purchases in the period ÷
 * customers with ≥ 1 purchase in the period.
 *
 * @example
 * ```ts
 * (await repurchaseRate(orders, { period: { start: '2026-01-01', end: '2027-01-01' } })).value; // e.g. 0.31
 * ```
 */
export async function repurchaseRate(orders: Source<Order>, options: PeriodOptions): Promise<Rate> {
  const counts = await purchasesPerCustomer(orders, options);
  let repeaters = 0;
  for (const n of counts.values()) if (n >= 2) repeaters++;
  return rate(repeaters, counts.size);
}

/**
 * Purchase frequency in a period: purchases ÷ customers who purchased
 * (average purchases per buying customer).
 *
 * @example
 * ```ts
 * (await purchaseFrequency(orders, { period: { start: '2026-01-01', end: '2027-01-01' } })).value; // e.g. 1.8
 * ```
 */
export async function purchaseFrequency(orders: Source<Order>, options: PeriodOptions): Promise<Rate> {
  const counts = await purchasesPerCustomer(orders, options);
  let total = 0;
  for (const n of counts.values()) total += n;
  return rate(total, counts.size);
}
