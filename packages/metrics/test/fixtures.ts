import { type Order, parseOrder } from '@crmkit/core';

/** Builds a one-line order; `refund` is a partial refund amount; `cost` the line's unit cost. */
export function order(
  id: string,
  customerId: string,
  placedAt: string,
  price: string | number,
  extra: { cost?: string | number; refund?: string | number; status?: 'cancelled'; currency?: string } = {},
): Order {
  return parseOrder({
    id,
    customerId,
    placedAt,
    currency: extra.currency ?? 'EUR',
    lines: [
      {
        sku: 'sku',
        quantity: 1,
        unitPrice: price,
        ...(extra.cost === undefined ? {} : { unitCost: extra.cost }),
      },
    ],
    ...(extra.status === undefined ? {} : { status: extra.status }),
    ...(extra.refund === undefined
      ? {}
      : { refunds: [{ id: `${id}-r`, refundedAt: placedAt, amount: extra.refund }] }),
  });
}

export async function* stream<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

export const MARCH = { start: '2026-03-01', end: '2026-04-01' };

/**
 * Hand-checked base, W = 30 days, period March 2026:
 * A active at start, buys again in March, retained. B active at start, lost Mar 7.
 * C lapsed in January, reactivated Mar 20. D new Mar 10 (+ Mar 12, refund 10).
 * E lost Mar 17 and back Mar 25. F only after the period. G only a cancelled order.
 */
export const base: Order[] = [
  order('a1', 'A', '2026-02-10', 80, { cost: 50 }),
  order('a2', 'A', '2026-03-05', 100, { cost: 60 }),
  order('b1', 'B', '2026-02-05', 70, { cost: 30 }),
  order('c1', 'C', '2026-01-01', 10, { cost: 5 }),
  order('c2', 'C', '2026-03-20', 50, { cost: 20 }),
  order('d1', 'D', '2026-03-10', 30, { cost: 15, refund: 10 }),
  order('d2', 'D', '2026-03-12', 40, { cost: 20 }),
  order('e1', 'E', '2026-02-15', 25, { cost: 10 }),
  order('e2', 'E', '2026-03-25', 10, { cost: 5 }),
  order('f1', 'F', '2026-04-05', 99, { cost: 1 }),
  order('g1', 'G', '2026-03-15', 45, { cost: 1, status: 'cancelled' }),
];
