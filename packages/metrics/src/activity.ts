import { IdSchema, InstantSchema, type Order, parseWith } from '@crmkit/core';
import { z } from 'zod';
import { type Period, PeriodSchema } from './period';
import { isPurchase, ordersByCustomer } from './purchases';
import { type Rate, rate } from './rate';
import type { Source } from './source';

const DAY = 86_400_000;

/**
 * When a customer counts as lost — always explicit:
 *
 * - `{ inactivityDays: W }`: a customer is **active** at instant `t` when they
 *   made a purchase in `[t − W days, t)`; they are lost at `last purchase + W`
 *   unless they buy again by then, and **reactivated** by their next purchase.
 * - `{ events: [{ customerId, at }] }`: explicit churn events (a cancelled
 *   contract, a closed account). A customer is active from their first
 *   purchase until a churn event, and reactivated by the next purchase after
 *   it. A purchase and an event at the same instant: the purchase comes first.
 *
 * @example
 * ```ts
 * LostDefinitionSchema.parse({ inactivityDays: 90 });
 * LostDefinitionSchema.parse({ events: [{ customerId: 'c1', at: '2026-03-10' }] });
 * ```
 */
export const LostDefinitionSchema = z.union([
  z.object({ inactivityDays: z.number().int().positive() }).strict(),
  z.object({ events: z.array(z.object({ customerId: IdSchema, at: InstantSchema }).strict()) }).strict(),
]);

/**
 * A validated {@link LostDefinitionSchema}.
 *
 * @example
 * ```ts
 * const lost: LostDefinition = { inactivityDays: 90 };
 * ```
 */
export type LostDefinition = z.output<typeof LostDefinitionSchema>;

/**
 * Options of {@link customerCounts}: the period and the definition of lost.
 *
 * @example
 * ```ts
 * CustomerCountsOptionsSchema.parse({ period: { start: '2026-01-01', end: '2026-04-01' }, lost: { inactivityDays: 90 } });
 * ```
 */
export const CustomerCountsOptionsSchema = z
  .object({ period: PeriodSchema, lost: LostDefinitionSchema })
  .strict();

/**
 * What {@link CustomerCountsOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: CustomerCountsOptions = { period: { start: '2026-01-01', end: '2026-04-01' }, lost: { inactivityDays: 90 } };
 * ```
 */
export type CustomerCountsOptions = z.input<typeof CustomerCountsOptionsSchema>;

/**
 * How many customers were in each state over a period `[start, end)`. A
 * customer who is lost and reactivated within the period counts in both
 * `lost` and `reactivated`. Always `retained + churned = activeAtStart`.
 *
 * @example
 * ```ts
 * const counts: CustomerCounts = { activeAtStart: 4, new: 1, reactivated: 1, lost: 2, churned: 1, retained: 3, activeAtEnd: 4, purchasers: 4 };
 * ```
 */
export interface CustomerCounts {
  /** Active at the instant `start`. */
  readonly activeAtStart: number;
  /** First purchase ever inside the period. */
  readonly new: number;
  /** Came back inside the period after having been lost. */
  readonly reactivated: number;
  /** Became lost inside the period (whether active at start or not). */
  readonly lost: number;
  /** Active at start and lost inside the period (the churn numerator). */
  readonly churned: number;
  /** Active at start and never lost inside the period. */
  readonly retained: number;
  /** Active at the instant `end`. */
  readonly activeAtEnd: number;
  /** Made at least one purchase inside the period. */
  readonly purchasers: number;
}

/** One customer's states in a period (internal). */
export interface CustomerFlags {
  activeAtStart: boolean;
  isNew: boolean;
  reactivated: boolean;
  lost: boolean;
  activeAtEnd: boolean;
}

/** Classifies one customer from their purchase times (ascending) and churn-event times (internal). */
export function classify(
  times: readonly number[],
  churnTimes: readonly number[] | undefined,
  period: Period,
  lost: LostDefinition,
): CustomerFlags {
  const start = period.start.getTime();
  const end = period.end.getTime();
  const flags: CustomerFlags = {
    activeAtStart: false,
    isNew: false,
    reactivated: false,
    lost: false,
    activeAtEnd: false,
  };
  if (times.length === 0 || times[0]! >= end) return flags;
  // A transition at time x decides the state of every instant after x.
  let active = false;
  const apply = (at: number, nowActive: boolean, reactivation: boolean) => {
    if (at < start) flags.activeAtStart = nowActive;
    else if (at < end) {
      if (!nowActive) flags.lost = true;
      else if (reactivation) flags.reactivated = true;
      else flags.isNew = true;
    }
    if (at < end) flags.activeAtEnd = nowActive;
    active = nowActive;
  };
  if ('inactivityDays' in lost) {
    const window = lost.inactivityDays * DAY;
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      if (t >= end) break;
      if (!active) apply(t, true, i > 0);
      const lapse = t + window;
      const next = times[i + 1];
      if (next === undefined || next > lapse) {
        if (lapse >= end) break;
        apply(lapse, false, false);
      }
    }
  } else {
    const events = churnTimes ?? [];
    let e = 0;
    let started = false;
    for (const t of times) {
      while (e < events.length && events[e]! < t) {
        if (active) apply(events[e]!, false, false);
        e++;
      }
      if (t >= end) break;
      if (!active) apply(t, true, started);
      started = true;
    }
    for (; e < events.length && events[e]! < end; e++) if (active) apply(events[e]!, false, false);
  }
  return flags;
}

/** Groups churn events by customer, times ascending (internal). */
export function churnEventsByCustomer(lost: LostDefinition): Map<string, number[]> | undefined {
  if (!('events' in lost)) return undefined;
  const map = new Map<string, number[]>();
  for (const e of lost.events) {
    const list = map.get(e.customerId);
    if (list === undefined) map.set(e.customerId, [e.at.getTime()]);
    else list.push(e.at.getTime());
  }
  for (const list of map.values()) list.sort((a, b) => a - b);
  return map;
}

/** Mutable tally of customer counts (internal). */
export class CountsTally {
  activeAtStart = 0;
  new = 0;
  reactivated = 0;
  lost = 0;
  churned = 0;
  retained = 0;
  activeAtEnd = 0;
  purchasers = 0;

  add(flags: CustomerFlags, purchasedInPeriod: boolean): void {
    if (flags.activeAtStart) {
      this.activeAtStart++;
      if (flags.lost) this.churned++;
      else this.retained++;
    }
    if (flags.isNew) this.new++;
    if (flags.reactivated) this.reactivated++;
    if (flags.lost) this.lost++;
    if (flags.activeAtEnd) this.activeAtEnd++;
    if (purchasedInPeriod) this.purchasers++;
  }

  result(): CustomerCounts {
    const { activeAtStart, reactivated, lost, churned, retained, activeAtEnd, purchasers } = this;
    return { activeAtStart, new: this.new, reactivated, lost, churned, retained, activeAtEnd, purchasers };
  }
}

/**
 * Counts customers over a period in one pass over their orders: active at
 * start, new, reactivated, lost, churned (active at start and lost), retained
 * and active at end, with "lost" defined explicitly by
 * {@link LostDefinitionSchema}. Only purchases count (see {@link isPurchase}).
 * Pass every order placed before `period.end` (earlier history decides who is
 * new and who is active at start). In-memory arrays may come in any order;
 * an async stream must be grouped by customer (`orderBy: 'customer'`) and is
 * read with memory bounded by one customer's orders.
 *
 * @example
 * ```ts
 * const counts = await customerCounts(orders, {
 *   period: { start: '2026-01-01', end: '2026-04-01' },
 *   lost: { inactivityDays: 90 },
 * });
 * churnRate(counts).value; // churned ÷ activeAtStart
 * ```
 */
export async function customerCounts(
  orders: Source<Order>,
  options: CustomerCountsOptions,
): Promise<CustomerCounts> {
  const { period, lost } = parseWith(CustomerCountsOptionsSchema, 'customer counts options', options);
  const events = churnEventsByCustomer(lost);
  const tally = new CountsTally();
  const start = period.start.getTime();
  const end = period.end.getTime();
  for await (const group of ordersByCustomer(orders)) {
    const times: number[] = [];
    let purchased = false;
    for (const order of group) {
      if (!isPurchase(order)) continue;
      const t = order.placedAt.getTime();
      times.push(t);
      if (t >= start && t < end) purchased = true;
    }
    tally.add(classify(times, events?.get(group[0]!.customerId), period, lost), purchased);
  }
  return tally.result();
}

/**
 * Churn rate over a period: `churned ÷ activeAtStart` — customers active at
 * the start who were lost during the period, over the customers active at
 * the start. New customers are not in the base. `value` is `null` when no
 * customer was active at the start.
 *
 * @example
 * ```ts
 * churnRate({ activeAtStart: 200, churned: 14 } as CustomerCounts).value; // 0.07
 * ```
 */
export function churnRate(counts: Pick<CustomerCounts, 'churned' | 'activeAtStart'>): Rate {
  return rate(counts.churned, counts.activeAtStart);
}

/**
 * Retention rate over a period: `retained ÷ activeAtStart`, the complement of
 * {@link churnRate} over the same base (`retention + churn = 1` whenever the
 * base is not empty). For retention of acquisition cohorts see
 * {@link cohortRetention}.
 *
 * @example
 * ```ts
 * retentionRate({ activeAtStart: 200, retained: 186 } as CustomerCounts).value; // 0.93
 * ```
 */
export function retentionRate(counts: Pick<CustomerCounts, 'retained' | 'activeAtStart'>): Rate {
  return rate(counts.retained, counts.activeAtStart);
}
