import {
  type Campaign,
  CurrencyMismatchError,
  CurrencySchema,
  type Customer,
  type Decimal,
  IdSchema,
  InstantSchema,
  type Interaction,
  Money,
  MoneySchema,
  type Order,
  parseWith,
} from '@crmkit/core';
import { z } from 'zod';
import { PeriodSchema } from './period';
import { isPurchase } from './purchases';
import { checkMoney, invalid, type Source } from './source';

/**
 * Marketing spend: an amount spent on a channel (and optionally a campaign)
 * at an instant. Campaign budgets become spend with {@link spendFromCampaigns}.
 *
 * @example
 * ```ts
 * SpendSchema.parse({ channel: 'search', at: '2026-03-01', amount: { amount: '5000', currency: 'EUR' } });
 * ```
 */
export const SpendSchema = z
  .object({
    channel: z.string().min(1),
    campaignId: IdSchema.optional(),
    at: InstantSchema,
    amount: MoneySchema.refine((m) => !m.isNegative(), 'must not be negative'),
  })
  .strict();

/**
 * A validated {@link SpendSchema}.
 *
 * @example
 * ```ts
 * const s: Spend = { channel: 'search', at: new Date('2026-03-01'), amount: Money.of(5000, 'EUR') };
 * ```
 */
export type Spend = z.output<typeof SpendSchema>;

/**
 * What {@link SpendSchema} accepts.
 *
 * @example
 * ```ts
 * const s: SpendInput = { channel: 'social', at: '2026-03-01', amount: Money.of(800, 'EUR') };
 * ```
 */
export type SpendInput = z.input<typeof SpendSchema>;

/**
 * Turns campaigns into spend: each campaign's whole `spend` on its channel
 * at its `startsAt`.
 *
 * @example
 * ```ts
 * spendFromCampaigns(campaigns)[0]?.channel; // 'search'
 * ```
 */
export function spendFromCampaigns(campaigns: readonly Campaign[]): Spend[] {
  return campaigns.map((c) => ({ channel: c.channel, campaignId: c.id, at: c.startsAt, amount: c.spend }));
}

/**
 * A new customer and the channel (and campaign) credited with acquiring them.
 *
 * @example
 * ```ts
 * const a: Acquisition = { customerId: 'c1', at: new Date('2026-03-04'), channel: 'search' };
 * ```
 */
export interface Acquisition {
  /** The customer. */
  readonly customerId: string;
  /** Their first purchase. */
  readonly at: Date;
  /** The credited channel (`'unattributed'` when nothing names one). */
  readonly channel: string;
  /** The credited campaign, when known. */
  readonly campaignId?: string;
}

/**
 * Options of {@link attributeAcquisitions}: `'first-touch'` credits the
 * earliest marketing touch, `'last-touch'` the latest one at or before the
 * first purchase.
 *
 * @example
 * ```ts
 * AttributionOptionsSchema.parse({ model: 'last-touch' });
 * ```
 */
export const AttributionOptionsSchema = z
  .object({ model: z.enum(['first-touch', 'last-touch']).default('first-touch') })
  .strict();

/**
 * What {@link AttributionOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: AttributionOptions = { model: 'first-touch' };
 * ```
 */
export type AttributionOptions = z.input<typeof AttributionOptionsSchema>;

interface Touch {
  at: number;
  channel: string;
  campaignId: string | undefined;
}

/**
 * Finds every customer's acquisition — their first purchase — and credits a
 * channel: from their `marketing` touches at or before that purchase (first
 * or last touch), else from the customer's own `acquisition.channel` when
 * `customers` are given, else `'unattributed'`. A touch without a channel
 * counts as `'unknown'`.
 *
 * @example
 * ```ts
 * const acquisitions = await attributeAcquisitions({ orders, touches: interactions, customers }, { model: 'last-touch' });
 * ```
 */
export async function attributeAcquisitions(
  data: {
    readonly orders: Source<Order>;
    readonly touches?: Source<Interaction>;
    readonly customers?: Source<Customer>;
  },
  options: AttributionOptions = {},
): Promise<Acquisition[]> {
  const { model } = parseWith(AttributionOptionsSchema, 'attribution options', options);
  const first = new Map<string, number>();
  for await (const o of data.orders) {
    if (!isPurchase(o)) continue;
    const t = o.placedAt.getTime();
    const seen = first.get(o.customerId);
    if (seen === undefined || t < seen) first.set(o.customerId, t);
  }
  const credited = new Map<string, Touch>();
  for await (const i of data.touches ?? []) {
    if (i.type !== 'marketing') continue;
    const bought = first.get(i.customerId);
    const t = i.occurredAt.getTime();
    if (bought === undefined || t > bought) continue;
    const current = credited.get(i.customerId);
    if (current === undefined || (model === 'first-touch' ? t < current.at : t >= current.at))
      credited.set(i.customerId, { at: t, channel: i.channel ?? 'unknown', campaignId: i.campaignId });
  }
  const declared = new Map<string, Touch>();
  for await (const c of data.customers ?? []) {
    if (c.acquisition !== undefined && first.has(c.id) && !credited.has(c.id))
      declared.set(c.id, { at: 0, channel: c.acquisition.channel, campaignId: c.acquisition.campaignId });
  }
  const out: Acquisition[] = [];
  for (const [customerId, t] of first) {
    const touch = credited.get(customerId) ?? declared.get(customerId);
    const at = new Date(t);
    if (touch === undefined) out.push({ customerId, at, channel: 'unattributed' });
    else if (touch.campaignId === undefined) out.push({ customerId, at, channel: touch.channel });
    else out.push({ customerId, at, channel: touch.channel, campaignId: touch.campaignId });
  }
  return out;
}

/**
 * Customer acquisition cost with its parts: `value = spend ÷ newCustomers`
 * (exact), or `null` when no customer was acquired — CAC is then undefined,
 * never Infinity. Zero spend with new customers gives a CAC of zero.
 *
 * @example
 * ```ts
 * const cac: Cac = { spend: Money.of(1000, 'EUR'), newCustomers: 40, value: Money.of(25, 'EUR') };
 * ```
 */
export interface Cac {
  /** Marketing spend counted. */
  readonly spend: Money;
  /** Customers acquired. */
  readonly newCustomers: number;
  /** `spend ÷ newCustomers`, `null` when `newCustomers` is 0. */
  readonly value: Money | null;
}

/**
 * CAC = marketing spend ÷ new customers acquired. Throws `ValidationError`
 * for a negative spend or a count that is not a whole number ≥ 0.
 *
 * @example
 * ```ts
 * customerAcquisitionCost(Money.of(1000, 'EUR'), 40).value?.toString(); // '25 EUR'
 * customerAcquisitionCost(Money.of(1000, 'EUR'), 0).value; // null (undefined CAC)
 * ```
 */
export function customerAcquisitionCost(spend: Money, newCustomers: number): Cac {
  if (!Money.isMoney(spend) || spend.isNegative()) invalid('CAC input', ['spend'], 'must be Money ≥ 0');
  if (!Number.isInteger(newCustomers) || newCustomers < 0)
    invalid('CAC input', ['newCustomers'], 'must be a whole number ≥ 0');
  return { spend, newCustomers, value: newCustomers === 0 ? null : spend.dividedBy(newCustomers) };
}

/**
 * Options of {@link cacBy}: the period, the currency and the grouping.
 *
 * @example
 * ```ts
 * CacByOptionsSchema.parse({ period: { start: '2026-01-01', end: '2026-04-01' }, currency: 'EUR', by: 'campaign' });
 * ```
 */
export const CacByOptionsSchema = z
  .object({
    period: PeriodSchema,
    currency: CurrencySchema,
    by: z.enum(['channel', 'campaign']).default('channel'),
  })
  .strict();

/**
 * What {@link CacByOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: CacByOptions = { period: { start: '2026-01-01', end: '2026-04-01' }, currency: 'EUR' };
 * ```
 */
export type CacByOptions = z.input<typeof CacByOptionsSchema>;

/**
 * CAC per channel (or campaign) in a period: the spend dated in the period
 * over the acquisitions dated in the period, per group, plus the total.
 * Groups appear if they have spend or acquisitions; a group with spend and
 * no acquisition has `value: null`. Acquisitions or spend without a campaign
 * group under `'(none)'` when grouping by campaign. Spend in another currency
 * throws `CurrencyMismatchError`.
 *
 * @example
 * ```ts
 * const { groups, total } = cacBy(acquisitions, spend, { period: { start: '2026-01-01', end: '2026-04-01' }, currency: 'EUR' });
 * groups.find((g) => g.key === 'search')?.cac.value?.toString();
 * ```
 */
export function cacBy(
  acquisitions: readonly Acquisition[],
  spend: readonly SpendInput[],
  options: CacByOptions,
): { readonly groups: { readonly key: string; readonly cac: Cac }[]; readonly total: Cac } {
  const { period, currency, by } = parseWith(CacByOptionsSchema, 'CAC options', options);
  const entries = parseWith(z.array(SpendSchema), 'spend', spend);
  const start = period.start.getTime();
  const end = period.end.getTime();
  const within = (d: Date) => d.getTime() >= start && d.getTime() < end;
  const key = (x: { channel: string; campaignId?: string | undefined }) =>
    by === 'channel' ? x.channel : (x.campaignId ?? '(none)');
  const groups = new Map<string, { spend: Money; customers: number }>();
  const group = (k: string) => {
    let g = groups.get(k);
    if (g === undefined) {
      g = { spend: Money.zero(currency), customers: 0 };
      groups.set(k, g);
    }
    return g;
  };
  let total = Money.zero(currency);
  let customers = 0;
  for (const s of entries) {
    if (!within(s.at)) continue;
    const g = group(key(s));
    g.spend = g.spend.plus(s.amount);
    total = total.plus(s.amount);
  }
  for (const a of acquisitions) {
    if (!within(a.at)) continue;
    group(key(a)).customers++;
    customers++;
  }
  return {
    groups: [...groups].map(([k, g]) => ({ key: k, cac: customerAcquisitionCost(g.spend, g.customers) })),
    total: customerAcquisitionCost(total, customers),
  };
}

/**
 * CAC against a benchmark: the difference and the percentage difference
 * `(cac − benchmark) ÷ benchmark × 100` (negative = cheaper than the
 * benchmark). The benchmark must be greater than zero.
 *
 * @example
 * ```ts
 * cacVsBenchmark(Money.of(45, 'EUR'), Money.of(50, 'EUR')).percent.toString(); // '-10'
 * ```
 */
export function cacVsBenchmark(
  cac: Money,
  benchmark: Money,
): { readonly difference: Money; readonly percent: Decimal } {
  checkMoney('CAC benchmark', ['cac'], cac);
  checkMoney('CAC benchmark', ['benchmark'], benchmark);
  if (!benchmark.isPositive()) invalid('CAC benchmark', ['benchmark'], 'must be greater than zero');
  const difference = cac.minus(benchmark);
  return { difference, percent: difference.ratio(benchmark).times(100) };
}

/**
 * Payback period in months: `CAC ÷ margin per customer per month`. `null`
 * when the monthly margin is zero or negative (the cost is never paid back).
 *
 * @example
 * ```ts
 * paybackPeriod(Money.of(120, 'EUR'), Money.of(15, 'EUR'))?.toString(); // '8'
 * ```
 */
export function paybackPeriod(cac: Money, marginPerMonth: Money): Decimal | null {
  checkMoney('payback input', ['cac'], cac);
  checkMoney('payback input', ['marginPerMonth'], marginPerMonth);
  if (cac.isNegative()) invalid('payback input', ['cac'], 'must not be negative');
  if (cac.currency !== marginPerMonth.currency)
    throw new CurrencyMismatchError(cac.currency, marginPerMonth.currency, 'divide');
  return marginPerMonth.isPositive() ? cac.ratio(marginPerMonth) : null;
}

/**
 * LTV:CAC ratio: `ltv ÷ cac` (3 is the usual healthy mark). `null` when CAC
 * is zero (nothing was spent per customer).
 *
 * @example
 * ```ts
 * ltvToCac(Money.of(900, 'EUR'), Money.of(300, 'EUR'))?.toString(); // '3'
 * ```
 */
export function ltvToCac(ltv: Money, cac: Money): Decimal | null {
  checkMoney('LTV:CAC input', ['ltv'], ltv);
  checkMoney('LTV:CAC input', ['cac'], cac);
  if (cac.isNegative()) invalid('LTV:CAC input', ['cac'], 'must not be negative');
  if (ltv.currency !== cac.currency) throw new CurrencyMismatchError(ltv.currency, cac.currency, 'divide');
  return cac.isZero() ? null : ltv.ratio(cac);
}
