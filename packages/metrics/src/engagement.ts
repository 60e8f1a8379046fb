import { type Customer, type Interaction, type Order, parseWith } from '@crmkit/core';
import { z } from 'zod';
import { PeriodSchema } from './period';
import { isPurchase } from './purchases';
import { type Rate, rate } from './rate';
import type { Source } from './source';

const DAY = 86_400_000;

/**
 * Options of {@link referralRate}: the period, the base (how many customers
 * could refer — e.g. `counts.activeAtEnd` or the purchasers of the period)
 * and whether only converted referrals count.
 *
 * @example
 * ```ts
 * ReferralRateOptionsSchema.parse({ period: { start: '2026-01-01', end: '2026-04-01' }, base: 1200, convertedOnly: true });
 * ```
 */
export const ReferralRateOptionsSchema = z
  .object({
    period: PeriodSchema,
    base: z.number().int().nonnegative(),
    convertedOnly: z.boolean().default(false),
  })
  .strict();

/**
 * What {@link ReferralRateOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: ReferralRateOptions = { period: { start: '2026-01-01', end: '2026-04-01' }, base: 1200 };
 * ```
 */
export type ReferralRateOptions = z.input<typeof ReferralRateOptionsSchema>;

/**
 * Referral rate: distinct customers who referred someone in the period (a
 * `referral` interaction; with `convertedOnly`, one that converted) ÷ `base`.
 *
 * @example
 * ```ts
 * (await referralRate(interactions, { period: { start: '2026-01-01', end: '2026-04-01' }, base: 200 })).value; // e.g. 0.05
 * ```
 */
export async function referralRate(
  interactions: Source<Interaction>,
  options: ReferralRateOptions,
): Promise<Rate> {
  const { period, base, convertedOnly } = parseWith(
    ReferralRateOptionsSchema,
    'referral rate options',
    options,
  );
  const start = period.start.getTime();
  const end = period.end.getTime();
  const referrers = new Set<string>();
  for await (const i of interactions) {
    if (i.type !== 'referral' || (convertedOnly && !i.converted)) continue;
    const t = i.occurredAt.getTime();
    if (t >= start && t < end) referrers.add(i.customerId);
  }
  return rate(referrers.size, base);
}

/**
 * Options of {@link conversionRate}: the period in which prospects were
 * created and, optionally, how many days after creation a first purchase
 * still counts (default: any time before the period ends).
 *
 * @example
 * ```ts
 * ConversionRateOptionsSchema.parse({ period: { start: '2026-01-01', end: '2026-02-01' }, withinDays: 30 });
 * ```
 */
export const ConversionRateOptionsSchema = z
  .object({ period: PeriodSchema, withinDays: z.number().int().positive().optional() })
  .strict();

/**
 * What {@link ConversionRateOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: ConversionRateOptions = { period: { start: '2026-01-01', end: '2026-02-01' } };
 * ```
 */
export type ConversionRateOptions = z.input<typeof ConversionRateOptionsSchema>;

/**
 * Conversion rate, prospect → first purchase: of the customers created
 * (`createdAt`) in the period, the share whose first purchase came at or
 * after creation and before the period's end — or, with `withinDays`, within
 * that many days of creation. Customers who had bought before they were
 * created (imported buyers) are not prospects and are left out.
 *
 * @example
 * ```ts
 * (await conversionRate({ customers, orders }, { period: { start: '2026-01-01', end: '2026-02-01' } })).value;
 * ```
 */
export async function conversionRate(
  data: { readonly customers: Source<Customer>; readonly orders: Source<Order> },
  options: ConversionRateOptions,
): Promise<Rate> {
  const { period, withinDays } = parseWith(ConversionRateOptionsSchema, 'conversion rate options', options);
  const start = period.start.getTime();
  const end = period.end.getTime();
  const created = new Map<string, number>();
  for await (const c of data.customers) {
    const t = c.createdAt.getTime();
    if (t >= start && t < end) created.set(c.id, t);
  }
  const first = new Map<string, number>();
  for await (const o of data.orders) {
    if (!created.has(o.customerId) || !isPurchase(o)) continue;
    const t = o.placedAt.getTime();
    const seen = first.get(o.customerId);
    if (seen === undefined || t < seen) first.set(o.customerId, t);
  }
  let prospects = 0;
  let converted = 0;
  for (const [id, createdAt] of created) {
    const bought = first.get(id);
    if (bought !== undefined && bought < createdAt) continue;
    prospects++;
    const deadline = withinDays === undefined ? end : createdAt + withinDays * DAY;
    if (bought !== undefined && bought < deadline) converted++;
  }
  return rate(converted, prospects);
}

/**
 * Options of {@link complaintRate}: the period and the base — per purchase
 * (`'order'`, default) or per purchasing customer (`'customer'`).
 *
 * @example
 * ```ts
 * ComplaintRateOptionsSchema.parse({ period: { start: '2026-01-01', end: '2026-02-01' }, per: 'customer' });
 * ```
 */
export const ComplaintRateOptionsSchema = z
  .object({ period: PeriodSchema, per: z.enum(['order', 'customer']).default('order') })
  .strict();

/**
 * What {@link ComplaintRateOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: ComplaintRateOptions = { period: { start: '2026-01-01', end: '2026-02-01' } };
 * ```
 */
export type ComplaintRateOptions = z.input<typeof ComplaintRateOptionsSchema>;

/**
 * Complaint rate in a period. Per order: complaints ÷ purchases. Per
 * customer: distinct complaining customers ÷ distinct purchasing customers
 * (a customer may complain without buying in the period, so the value can
 * exceed 1).
 *
 * @example
 * ```ts
 * (await complaintRate({ interactions, orders }, { period: { start: '2026-01-01', end: '2026-02-01' } })).value; // e.g. 0.02
 * ```
 */
export async function complaintRate(
  data: { readonly interactions: Source<Interaction>; readonly orders: Source<Order> },
  options: ComplaintRateOptions,
): Promise<Rate> {
  const { period, per } = parseWith(ComplaintRateOptionsSchema, 'complaint rate options', options);
  const start = period.start.getTime();
  const end = period.end.getTime();
  const within = (d: Date) => d.getTime() >= start && d.getTime() < end;
  let complaints = 0;
  const complainants = new Set<string>();
  for await (const i of data.interactions) {
    if (i.type !== 'complaint' || !within(i.occurredAt)) continue;
    complaints++;
    complainants.add(i.customerId);
  }
  let purchases = 0;
  const purchasers = new Set<string>();
  for await (const o of data.orders) {
    if (!within(o.placedAt) || !isPurchase(o)) continue;
    purchases++;
    purchasers.add(o.customerId);
  }
  return per === 'order' ? rate(complaints, purchases) : rate(complainants.size, purchasers.size);
}
