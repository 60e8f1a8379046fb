import { IdSchema, Money, type Order, type OrderQuery, parseOrder, refundedAmount } from '@crmkit/core';
import { z } from 'zod';
import { batchSizeSchema, type Column, type RecordKind } from './records';

const placedAt: Column<Order> = {
  name: 'placed_at',
  type: 'timestamptz',
  of: (o) => o.placedAt.toISOString(),
};
const customerId: Column<Order> = { name: 'customer_id', type: 'text', of: (o) => o.customerId };

// Amounts inside an order are plain decimal strings: OrderSchema gives them
// the order's currency when the JSON is read back.
function encodeOrder(order: Order): string {
  return JSON.stringify(order, function (this: Record<string, unknown>, key, value: unknown) {
    const original = this[key];
    return original instanceof Money ? original.amount.toFixed() : value;
  });
}

/** Orders: the JSON document plus the columns that filters, sorting and summaries use. */
export const orderKind: RecordKind<Order, OrderQuery> = {
  entity: 'order',
  table: 'orders',
  parse: parseOrder,
  encode: encodeOrder,
  columns: [
    customerId,
    placedAt,
    { name: 'currency', type: 'text', of: (o) => o.currency },
    { name: 'total', type: 'numeric', of: (o) => o.total.amount.toFixed() },
    { name: 'refunded', type: 'numeric', of: (o) => refundedAmount(o).amount.toFixed() },
    { name: 'status', type: 'text', of: (o) => o.status },
  ],
  querySchema: z
    .object({
      batchSize: batchSizeSchema,
      customerId: IdSchema.optional(),
      from: z.date().optional(),
      to: z.date().optional(),
      orderBy: z.enum(['placedAt', 'customer']).optional(),
    })
    .strict(),
  filters(query, bind) {
    const where: string[] = [];
    if (query.customerId !== undefined) where.push(`customer_id = ${bind(query.customerId)}`);
    if (query.from !== undefined) where.push(`placed_at >= ${bind(query.from.toISOString())}::timestamptz`);
    if (query.to !== undefined) where.push(`placed_at < ${bind(query.to.toISOString())}::timestamptz`);
    return where;
  },
  sort: (query) => (query.orderBy === 'customer' ? [customerId, placedAt] : [placedAt]),
};
