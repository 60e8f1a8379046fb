import { createSeededRandom, Money, netTotal, type Order } from '@crmkit/core';

/**
 * Fast synthetic orders for benchmarks: `customers` customers in ascending id
 * order, each with a geometric number of orders (mean `ordersPerCustomer`)
 * spread over 2025, one or two lines with prices and costs drawn from a pool
 * of Money values, 3 % cancelled and 4 % partly refunded. Built as plain
 * `Order` objects (no schema parse) so that generating 10 million orders
 * does not dominate the benchmark. Grouped by customer, as
 * `storage.orders.list({ orderBy: 'customer' })` streams them.
 */
export function* syntheticOrders(customers: number, ordersPerCustomer: number, seed = 1): Generator<Order> {
  const random = createSeededRandom(seed);
  // Money values come from small precomputed pools so that building an order costs no decimal arithmetic.
  const prices = Array.from({ length: 512 }, (_, i) => Money.of((5 + i * 0.37).toFixed(2), 'EUR'));
  const costs = prices.map((p) => p.times('0.55').round());
  const halves = prices.map((p) => p.dividedBy(2));
  const extras = prices.slice(0, 64);
  const totals: Money[][] = prices.map((p) => extras.map((e) => p.plus(e.times(2))));
  const start = Date.UTC(2025, 0, 1);
  const span = 365 * 86_400_000;
  const keep = 1 - 1 / ordersPerCustomer;
  for (let c = 1; c <= customers; c++) {
    const customerId = `c${String(c).padStart(8, '0')}`;
    let t = start + Math.floor(random.next() * span * 0.8);
    for (let k = 1; ; k++) {
      const a = Math.floor(random.next() * prices.length);
      const b = Math.floor(random.next() * extras.length);
      const two = random.next() < 0.5;
      const lines = two
        ? [
            { sku: 'A', quantity: 1, unitPrice: prices[a]!, unitCost: costs[a]! },
            { sku: 'B', quantity: 2, unitPrice: extras[b]!, unitCost: costs[b]! },
          ]
        : [{ sku: 'A', quantity: 1, unitPrice: prices[a]!, unitCost: costs[a]! }];
      const total = two ? totals[a]![b]! : prices[a]!;
      const roll = random.next();
      const placedAt = new Date(t);
      const id = `${customerId}-o${k}`;
      yield {
        id,
        customerId,
        placedAt,
        currency: 'EUR',
        lines,
        total,
        status: roll < 0.03 ? 'cancelled' : 'fulfilled',
        refunds: roll > 0.96 ? [{ id: `${id}-r`, refundedAt: placedAt, amount: halves[a]! }] : [],
      };
      t += Math.floor(-Math.log(1 - random.next()) * 20 * 86_400_000);
      if (t >= start + span || random.next() > keep) break;
    }
  }
}

/** Streams a sync generator as an async iterable, like a storage port. */
export async function* asStream<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/** Samples memory while a stream is read (timers cannot fire inside a synchronous-resolving loop). */
export function sampled<T>(items: Iterable<T>, every = 50_000): { items: Iterable<T>; peak: () => number } {
  let peak = 0;
  return {
    items: (function* () {
      let i = 0;
      for (const item of items) {
        if (++i % every === 0) peak = Math.max(peak, process.memoryUsage().rss);
        yield item;
      }
    })(),
    peak: () => Math.max(peak, process.memoryUsage().rss),
  };
}

const DAY = 86_400_000;

/**
 * The naive baseline: what an application would write without this package —
 * materialise every order, group them in a Map, then compute each KPI with
 * its own pass over `Money` values (core's `netTotal`, `Money.plus`).
 */
export function naivePeriodKpis(orders: readonly Order[], start: number, end: number, windowDays: number) {
  const W = windowDays * DAY;
  const byCustomer = new Map<string, Order[]>();
  for (const o of orders) {
    const list = byCustomer.get(o.customerId);
    if (list) list.push(o);
    else byCustomer.set(o.customerId, [o]);
  }
  const purchases = (list: Order[]) =>
    list.filter((o) => o.status !== 'cancelled' && !(o.refunds.length > 0 && netTotal(o).isZero()));
  const activeAt = (list: Order[], t: number) =>
    list.some((o) => o.placedAt.getTime() >= t - W && o.placedAt.getTime() < t);
  let activeAtStart = 0;
  let activeAtEnd = 0;
  let purchasers = 0;
  let repeaters = 0;
  let count = 0;
  let revenue = Money.zero('EUR');
  let cost = Money.zero('EUR');
  for (const list of byCustomer.values()) {
    const bought = purchases(list);
    if (activeAt(bought, start)) activeAtStart++;
    if (activeAt(bought, end)) activeAtEnd++;
    const inside = bought.filter((o) => o.placedAt.getTime() >= start && o.placedAt.getTime() < end);
    if (inside.length > 0) purchasers++;
    if (inside.length > 1) repeaters++;
    count += inside.length;
    for (const o of inside) {
      revenue = revenue.plus(netTotal(o));
      for (const line of o.lines) if (line.unitCost) cost = cost.plus(line.unitCost.times(line.quantity));
    }
  }
  return {
    activeAtStart,
    activeAtEnd,
    purchasers,
    repeaters,
    orders: count,
    revenue,
    aov: count === 0 ? null : revenue.dividedBy(count),
    margin: revenue.minus(cost),
  };
}
