import { CurrencyMismatchError, Decimal, type Order } from '@crmkit/core';
import { invalid, type Source } from './source';

/**
 * Tells whether an order counts as a purchase in every KPI of this package:
 * it is not `cancelled` and it was not refunded in full. A fully refunded
 * order is a return, not a purchase; a partial refund still leaves a
 * purchase (worth less, see {@link orderRevenue}).
 *
 * @example
 * ```ts
 * isPurchase(order); // true unless cancelled or refunded in full
 * ```
 */
export function isPurchase(order: Order): boolean {
  if (order.status === 'cancelled') return false;
  if (order.refunds.length === 0) return true;
  return refunded(order).lessThan(order.total.amount);
}

const ZERO = new Decimal(0);

function refunded(order: Order): Decimal {
  let sum = ZERO;
  for (const r of order.refunds) sum = sum.plus(r.amount.amount);
  return sum;
}

/**
 * The revenue of an order as a decimal amount in the order's currency: its
 * total less its refunds (net revenue). Refunds count against the order they
 * refund, at the order's `placedAt`, so a period's revenue does not change
 * with the refund's date.
 *
 * @example
 * ```ts
 * orderRevenue(order).toString(); // '4.5' for a 9.00 order with a 4.50 refund
 * ```
 */
export function orderRevenue(order: Order): Decimal {
  return order.refunds.length === 0 ? order.total.amount : order.total.amount.minus(refunded(order));
}

/**
 * The cost of goods of an order: Σ `unitCost × quantity` over its lines, and
 * whether every line had a cost. Lines without `unitCost` add nothing.
 *
 * @example
 * ```ts
 * orderCost(order); // { cost: Decimal(3.6), complete: true }
 * ```
 */
export function orderCost(order: Order): { readonly cost: Decimal; readonly complete: boolean } {
  let cost: Decimal | undefined;
  let complete = true;
  for (const line of order.lines) {
    if (line.unitCost === undefined) {
      complete = false;
      continue;
    }
    const lineCost = line.quantity === 1 ? line.unitCost.amount : line.unitCost.amount.times(line.quantity);
    cost = cost === undefined ? lineCost : cost.plus(lineCost);
  }
  return { cost: cost ?? ZERO, complete };
}

/** Throws CurrencyMismatchError when an order is not in the expected currency (internal). */
export function checkCurrency(order: Order, currency: string): void {
  if (order.currency !== currency)
    throw new CurrencyMismatchError(currency, order.currency, `add order ${JSON.stringify(order.id)} to`);
}

const byTimeThenId = (a: Order, b: Order) =>
  a.placedAt.getTime() - b.placedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Yields each customer's orders together, sorted by `(placedAt, id)`
 * (internal). In-memory sources are grouped here; an async source must
 * already be grouped by customer in ascending id order, as
 * `storage.orders.list({ orderBy: 'customer' })` streams them, so memory
 * stays bounded by one customer's orders.
 */
export async function* ordersByCustomer(source: Source<Order>): AsyncGenerator<Order[]> {
  if (!(Symbol.asyncIterator in source)) {
    const all = [...(source as Iterable<Order>)];
    all.sort((a, b) =>
      a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : byTimeThenId(a, b),
    );
    let group: Order[] = [];
    for (const order of all) {
      if (group.length > 0 && group[0]!.customerId !== order.customerId) {
        yield group;
        group = [];
      }
      group.push(order);
    }
    if (group.length > 0) yield group;
    return;
  }
  let group: Order[] = [];
  let sorted = true;
  let index = 0;
  for await (const order of source as AsyncIterable<Order>) {
    const last = group[group.length - 1];
    if (last !== undefined && last.customerId !== order.customerId) {
      if (order.customerId < last.customerId)
        invalid(
          'orders',
          [index, 'customerId'],
          `streamed orders must be grouped by customer in ascending id order (list them with orderBy: 'customer'); ${JSON.stringify(order.customerId)} came after ${JSON.stringify(last.customerId)}`,
        );
      if (!sorted) group.sort(byTimeThenId);
      yield group;
      group = [];
      sorted = true;
    } else if (last !== undefined && byTimeThenId(last, order) > 0) sorted = false;
    group.push(order);
    index++;
  }
  if (group.length > 0) {
    if (!sorted) group.sort(byTimeThenId);
    yield group;
  }
}
