import { type Money, netTotal, type Order } from '@crmkit/core';

/**
 * Per-customer order facts for conditions (segments, lifecycle guards,
 * churn levels): counts, dates and spend. `netSpent` (total less refunds) is
 * Money when every order shares one currency, `undefined` otherwise;
 * cancelled orders are left out.
 *
 * @example
 * ```ts
 * const stats: CustomerStats = customerStats(orders, clock.now());
 * stats.daysSinceLastOrder; // 12
 * ```
 */
export interface CustomerStats {
  /** Orders that were not cancelled. */
  readonly orderCount: number;
  /** Orders with at least one refund. */
  readonly refundedOrderCount: number;
  /** The first order's `placedAt`. */
  readonly firstOrderAt?: Date;
  /** The last order's `placedAt`. */
  readonly lastOrderAt?: Date;
  /** Whole days from the last order to `now` (rounded down). */
  readonly daysSinceLastOrder?: number;
  /** Whole days from the first order to `now` (rounded down). */
  readonly daysSinceFirstOrder?: number;
  /** Sum of net totals, when all orders share a currency. */
  readonly netSpent?: Money;
}

const DAY = 86_400_000;

/**
 * Computes {@link CustomerStats} from one customer's orders, in one pass.
 *
 * @example
 * ```ts
 * customerStats([order], new Date('2026-03-11T00:00:00Z')).daysSinceLastOrder; // 10 for an order of 2026-03-01
 * ```
 */
export function customerStats(orders: Iterable<Order>, now: Date): CustomerStats {
  let orderCount = 0;
  let refundedOrderCount = 0;
  let first: Date | undefined;
  let last: Date | undefined;
  let spent: Money | undefined;
  let mixed = false;
  for (const order of orders) {
    if (order.status === 'cancelled') continue;
    orderCount++;
    if (order.refunds.length > 0) refundedOrderCount++;
    if (first === undefined || order.placedAt < first) first = order.placedAt;
    if (last === undefined || order.placedAt > last) last = order.placedAt;
    const net = netTotal(order);
    if (spent === undefined) spent = net;
    else if (spent.currency === net.currency) spent = spent.plus(net);
    else mixed = true;
  }
  const days = (d: Date) => Math.floor((now.getTime() - d.getTime()) / DAY);
  return {
    orderCount,
    refundedOrderCount,
    ...(first === undefined ? {} : { firstOrderAt: first, daysSinceFirstOrder: days(first) }),
    ...(last === undefined ? {} : { lastOrderAt: last, daysSinceLastOrder: days(last) }),
    ...(spent === undefined || mixed ? {} : { netSpent: spent }),
  };
}
