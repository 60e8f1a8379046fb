import { createSeededRandom, forEachRow, Money, type Order } from '@crmkit/core';
import { PORTFOLIO_TIERS, runSegmentation } from '../src/index';

// The data of the segmentation benchmark, shared by the vitest bench and the profiling script.
//
// The orders are generated once, before anything is timed, into compact columns (customer index, placed-at
// instant, amount from a pool, refunded or not: ~15 bytes an order). The timed stream then only does what a
// storage adapter's `orders.pages({ orderBy: 'customer' })` does: it builds an `Order` object (with its
// `Date`) per row and yields them from an async generator in pages of 500 (SEGMENTATION_BENCH_PAGE=0: one
// by one, as `list()` does). So the timed figure is the library's run plus the bare
// cost of materialising each order once — never the seeded generator or string formatting — and
// `streamOnly` measures that materialising cost alone so that it can be subtracted.

export const AS_OF = new Date('2026-01-01T00:00:00Z');
const DAY = 86_400_000;
const START = AS_OF.getTime() - 730 * DAY;

// totals from a pool of Money amounts, one shared line, a full refund on 2 % of orders
const POOL = Array.from({ length: 4096 }, (_, i) =>
  Money.of(((5 + ((i * 7919) % 49_500)) / 100).toFixed(2), 'EUR'),
);
const LINES = Object.freeze([{ sku: 'tea', quantity: 1, unitPrice: POOL[0]! }]) as unknown as Order['lines'];
const NO_REFUNDS = Object.freeze([]) as unknown as Order['refunds'];

/** Orders as columns: row j belongs to customer `customer[j]` (0-based, rows grouped by customer). */
export interface OrderColumns {
  readonly ids: readonly string[];
  readonly orders: number;
  readonly customer: Uint32Array;
  readonly placedAt: Float64Array;
  readonly total: Uint16Array;
  readonly refunded: Uint8Array;
}

/** 1–19 orders per customer (10 on average) placed over the two years before {@link AS_OF}, seeded. */
export function generateOrders(customers: number): OrderColumns {
  const random = createSeededRandom(7);
  const capacity = customers * 19;
  let customer = new Uint32Array(Math.min(capacity, customers * 11));
  let placedAt = new Float64Array(customer.length);
  let total = new Uint16Array(customer.length);
  let refunded = new Uint8Array(customer.length);
  const ids = new Array<string>(customers);
  let j = 0;
  for (let n = 0; n < customers; n++) {
    ids[n] = `c${String(n + 1).padStart(7, '0')}`;
    const count = 1 + Math.floor(random.next() * 19);
    if (j + count > customer.length) {
      const size = Math.min(capacity, customer.length * 2);
      customer = grow(customer, new Uint32Array(size));
      placedAt = grow(placedAt, new Float64Array(size));
      total = grow(total, new Uint16Array(size));
      refunded = grow(refunded, new Uint8Array(size));
    }
    for (let k = 0; k < count; k++, j++) {
      customer[j] = n;
      placedAt[j] = START + Math.floor(random.next() * 730 * DAY);
      total[j] = Math.floor(random.next() * POOL.length);
      refunded[j] = random.next() < 0.02 ? 1 : 0;
    }
  }
  return { ids, orders: j, customer, placedAt, total, refunded };
}

function grow<T extends Uint32Array | Float64Array | Uint16Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Peak memory seen while a run reads its streams: both streams sample `process.memoryUsage()` every
 * 65,536 rows (a synchronous run gives timers no chance to fire), and {@link MemoryPeak.sample} once more
 * after the run, while its result is still held.
 */
export class MemoryPeak {
  rss = 0;
  heapUsed = 0;
  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.rss) this.rss = m.rss;
    if (m.heapUsed > this.heapUsed) this.heapUsed = m.heapUsed;
  }
}

/** The orders of `data` as `Order`s, built row by row, as a storage adapter builds them. */
function* orderRows(data: OrderColumns, peak?: MemoryPeak): Generator<Order> {
  const { ids, customer, placedAt, total, refunded } = data;
  let current = -1;
  let k = 0;
  for (let j = 0; j < data.orders; j++) {
    if ((j & 0xffff) === 0) peak?.sample();
    const c = customer[j]!;
    if (c !== current) {
      current = c;
      k = 0;
    }
    const id = ids[c]!;
    const at = placedAt[j]!;
    const amount = POOL[total[j]!]!;
    const orderId = `${id}-${k++}`;
    yield {
      id: orderId,
      customerId: id,
      placedAt: new Date(at),
      currency: 'EUR',
      lines: LINES,
      total: amount,
      status: 'fulfilled',
      refunds:
        refunded[j] === 1 ? [{ id: `${orderId}-r`, refundedAt: new Date(at + DAY), amount }] : NO_REFUNDS,
    };
  }
}

const INDUSTRIES = ['retail', 'software', 'finance', 'health'];

/** One customer record per id, with an industry and, for every 50th, a `vip` tag. */
function* customerRows(
  data: OrderColumns,
  peak?: MemoryPeak,
): Generator<{ id: string; attributes: { industry: string }; tags: string[] }> {
  for (let n = 0; n < data.ids.length; n++) {
    if ((n & 0xffff) === 0) peak?.sample();
    yield {
      id: data.ids[n]!,
      attributes: { industry: INDUSTRIES[(n + 1) % 4]! },
      tags: (n + 1) % 50 === 0 ? ['vip'] : [],
    };
  }
}

/**
 * Rows as an async stream, in pages of `pageSize` (500, the memory adapter's default batch size) as a
 * storage port's `pages()` streams them, or one by one (`pageSize` 0) as its `list()` does.
 */
async function* asStream<T>(rows: Iterable<T>, pageSize: number): AsyncGenerator<T | readonly T[]> {
  if (pageSize === 0) {
    yield* rows;
    return;
  }
  let page: T[] = [];
  for (const row of rows) {
    page.push(row);
    if (page.length === pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** How the streams deliver rows: pages of 500 unless SEGMENTATION_BENCH_PAGE says otherwise (0: one by one). */
export const PAGE_SIZE = Number(process.env['SEGMENTATION_BENCH_PAGE'] ?? 500);

/** The orders as an async stream (see {@link PAGE_SIZE}). */
export const orderStream = (data: OrderColumns, peak?: MemoryPeak) =>
  asStream(orderRows(data, peak), PAGE_SIZE);

/** The customers as an async stream (see {@link PAGE_SIZE}). */
export const customerStream = (data: OrderColumns, peak?: MemoryPeak) =>
  asStream(customerRows(data, peak), PAGE_SIZE);

/** A predicted value per customer, for the `potential` tier. */
export const predicted = (id: string) => ({
  predictedValue: (Number(id.slice(1)) * 2654435761) % 100_000,
});

export const SEGMENTS = [
  {
    id: 'champions',
    name: 'Champions',
    version: 1,
    when: { fact: 'rfm.segment', op: 'eq', value: 'Champions' },
  },
  {
    id: 'vip-at-risk',
    name: 'VIPs at risk',
    version: 1,
    when: {
      all: [
        { fact: 'tier', op: 'in', value: ['strategic', 'important'] },
        { fact: 'rfm.r', op: 'lte', value: 2 },
      ],
    },
  },
  {
    id: 'retail-regulars',
    name: 'Retail regulars',
    version: 1,
    when: {
      all: [
        { fact: 'customer.attributes.industry', op: 'eq', value: 'retail' },
        { fact: 'rfm.f', op: 'gte', value: 4 },
      ],
    },
  },
  {
    id: 'tagged-vip',
    name: 'Tagged VIP',
    version: 1,
    when: { fact: 'customer.tags', op: 'contains', value: 'vip' },
  },
];

/** The full run: RFM + portfolio tiers (potential by a predicted value) + the rule segments. */
export const crmkitRun = (data: OrderColumns, peak?: MemoryPeak) =>
  runSegmentation({
    orders: orderStream(data, peak),
    customers: customerStream(data, peak),
    asOf: AS_OF,
    tiers: PORTFOLIO_TIERS,
    metrics: predicted,
    segments: SEGMENTS,
  });

/** Reads both streams without segmenting: what materialising the rows alone costs. */
export async function streamOnly(data: OrderColumns): Promise<void> {
  await forEachRow(orderStream(data), () => {});
  await forEachRow(customerStream(data), () => {});
}

/**
 * The baseline: a naive plain-JS RFM — materialise every order, sort by customer, sum `Money` order by
 * order, rank by sorting — giving the same RFM codes (mid-rank percentile scores with shared ties, as
 * documented for crmkit's quantiles). RFM only: no tiers, no rule segments.
 */
export async function naiveRfm(data: OrderColumns): Promise<Map<string, string>> {
  const all: Order[] = [];
  await forEachRow(orderStream(data), (order) => all.push(order));
  all.sort((a, b) =>
    a.customerId < b.customerId
      ? -1
      : a.customerId > b.customerId
        ? 1
        : a.placedAt.getTime() - b.placedAt.getTime(),
  );
  const rows: { id: string; recency: number; frequency: number; monetary: number }[] = [];
  for (let i = 0; i < all.length; ) {
    const id = all[i]!.customerId;
    let total = Money.zero('EUR');
    let frequency = 0;
    let last = 0;
    for (; i < all.length && all[i]!.customerId === id; i++) {
      const order = all[i]!;
      total = total.plus(
        order.refunds.reduce((net, r) => (r.refundedAt <= AS_OF ? net.minus(r.amount) : net), order.total),
      );
      frequency++;
      last = order.placedAt.getTime();
    }
    rows.push({
      id,
      recency: Math.floor((AS_OF.getTime() - last) / DAY),
      frequency,
      monetary: total.amount.toNumber(),
    });
  }
  const scorer = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const first = new Map<number, number>();
    const end = new Map<number, number>();
    sorted.forEach((v, i) => {
      if (!first.has(v)) first.set(v, i);
      end.set(v, i + 1);
    });
    return (v: number) =>
      1 + Math.floor((5 * (first.get(v)! + (end.get(v)! - first.get(v)!) / 2)) / values.length);
  };
  const r = scorer(rows.map((x) => -x.recency));
  const f = scorer(rows.map((x) => x.frequency));
  const m = scorer(rows.map((x) => x.monetary));
  return new Map(rows.map((x) => [x.id, `${r(-x.recency)}${f(x.frequency)}${m(x.monetary)}`]));
}
