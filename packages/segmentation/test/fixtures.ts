import { type Order, parseOrder } from '@crmkit/core';

export const AS_OF = new Date('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

/**
 * Ten customers with hand-picked recency (days), frequency and net spend;
 * their orders split the spend evenly (h: 6 × 170 + 180), the last order
 * exactly `recency` days before AS_OF, earlier ones a week apart.
 */
export const TEN = [
  { id: 'a', recency: 3, frequency: 6, monetary: 900 },
  { id: 'b', recency: 8, frequency: 1, monetary: 40 },
  { id: 'c', recency: 15, frequency: 4, monetary: 300 },
  { id: 'd', recency: 25, frequency: 2, monetary: 120 },
  { id: 'e', recency: 40, frequency: 5, monetary: 650 },
  { id: 'f', recency: 70, frequency: 1, monetary: 75 },
  { id: 'g', recency: 100, frequency: 3, monetary: 210 },
  { id: 'h', recency: 150, frequency: 7, monetary: 1200 },
  { id: 'i', recency: 200, frequency: 2, monetary: 60 },
  { id: 'j', recency: 400, frequency: 1, monetary: 20 },
] as const;

export function ordersOf(
  customers: readonly { id: string; recency: number; frequency: number; monetary: number }[],
): Order[] {
  const orders: Order[] = [];
  for (const c of customers) {
    const each = Math.floor(c.monetary / c.frequency);
    for (let k = 0; k < c.frequency; k++) {
      const amount = k === 0 ? c.monetary - each * (c.frequency - 1) : each;
      orders.push(
        parseOrder({
          id: `${c.id}-${k}`,
          customerId: c.id,
          placedAt: new Date(AS_OF.getTime() - (c.recency + 7 * k) * DAY),
          currency: 'EUR',
          lines: [{ sku: 'tea', quantity: 1, unitPrice: String(amount) }],
        }),
      );
    }
  }
  return orders;
}

export async function* stream<T>(rows: readonly T[]): AsyncIterable<T> {
  for (const row of rows) yield row;
}
