import { createSeededRandom, forEachRow, Money, type RowSource } from '@crmkit/core';
import type { ChurnSetup, OrderRecord } from '../src/index';

// The data of the churn benchmark, shared by the vitest bench and the measuring script.
//
// The orders are generated once, before anything is timed, into compact columns (customer index, placed-at
// instant, price index: ~14 bytes an order). The timed streams then only do what a storage adapter's
// `orders.list({ orderBy: 'customer' })` does per row: build an order record (with its `Date`) and hand it
// over — as a plain iterable, or as an async iterable like a storage port. `streamAlone` measures that
// materialising cost by itself so that it can be subtracted from a run.

export const DAY = 86_400_000;
export const AS_OF = Date.UTC(2026, 0, 1);
const START = Date.UTC(2024, 0, 1);
const PRICES = Array.from({ length: 512 }, (_, i) => Money.of((4.99 + i * 0.37).toFixed(2), 'EUR'));

/** Orders as columns, grouped by customer (ids sorted), each customer's orders in time order. */
export interface OrderColumns {
  readonly ids: readonly string[];
  readonly orders: number;
  readonly customer: Uint32Array;
  readonly placedAt: Float64Array;
  readonly price: Uint16Array;
}

/**
 * About 10 orders per customer: a geometric number of orders (mean 19, cut at the as-of date) with
 * exponential gaps around a personal rhythm of 3–43 days, starting somewhere in the two years before
 * {@link AS_OF}; seeded, so every run sees the same customers.
 */
export function generateOrders(customers: number): OrderColumns {
  const random = createSeededRandom('churn-bench');
  let customer = new Uint32Array(customers * 12);
  let placedAt = new Float64Array(customer.length);
  let price = new Uint16Array(customer.length);
  const ids = new Array<string>(customers);
  let j = 0;
  for (let n = 1; n <= customers; n++) {
    ids[n - 1] = `c${String(n).padStart(7, '0')}`;
    const count = 1 + Math.floor(-Math.log(1 - random.next()) * 19);
    const gap = 3 + random.next() * 40;
    let t = START + (AS_OF - START) * (0.3 + 0.65 * random.next());
    for (let k = 0; k < count && t < AS_OF; k++) {
      if (j === customer.length) {
        customer = grow(customer, new Uint32Array(j * 2));
        placedAt = grow(placedAt, new Float64Array(j * 2));
        price = grow(price, new Uint16Array(j * 2));
      }
      customer[j] = n - 1;
      placedAt[j] = Math.floor(t);
      price[j] = (n * 31 + k) & 511;
      j++;
      t += -Math.log(1 - random.next()) * gap * DAY;
    }
  }
  return { ids, orders: j, customer, placedAt, price };
}

function grow<T extends Uint32Array | Float64Array | Uint16Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Peak memory seen while a run reads its stream: the stream samples `process.memoryUsage()` every 65,536
 * rows (a run that never yields to the event loop gives timers no chance to fire).
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

/** The orders as a plain iterable of order records, built row by row. */
export function* orderStream(data: OrderColumns, peak?: MemoryPeak): Generator<OrderRecord> {
  const { ids, customer, placedAt, price } = data;
  for (let j = 0; j < data.orders; j++) {
    if ((j & 0xffff) === 0) peak?.sample();
    yield { customerId: ids[customer[j]!]!, placedAt: new Date(placedAt[j]!), total: PRICES[price[j]!]! };
  }
}

/** The same orders as an async iterable, as a storage port streams them. */
export async function* asyncOrderStream(data: OrderColumns, peak?: MemoryPeak): AsyncGenerator<OrderRecord> {
  const { ids, customer, placedAt, price } = data;
  for (let j = 0; j < data.orders; j++) {
    if ((j & 0xffff) === 0) peak?.sample();
    yield { customerId: ids[customer[j]!]!, placedAt: new Date(placedAt[j]!), total: PRICES[price[j]!]! };
  }
}

/**
 * The same orders as an async iterable of pages of `pageSize` records, as a storage port's `pages()` streams
 * them (500 is the memory adapter's default batch size): one await per page instead of one per record.
 */
export async function* pagedOrderStream(
  data: OrderColumns,
  peak?: MemoryPeak,
  pageSize = 500,
): AsyncGenerator<readonly OrderRecord[]> {
  const { ids, customer, placedAt, price } = data;
  for (let start = 0; start < data.orders; start += pageSize) {
    peak?.sample();
    const end = Math.min(start + pageSize, data.orders);
    const page = new Array<OrderRecord>(end - start);
    for (let j = start; j < end; j++)
      page[j - start] = {
        customerId: ids[customer[j]!]!,
        placedAt: new Date(placedAt[j]!),
        total: PRICES[price[j]!]!,
      };
    yield page;
  }
}

/** Reads a stream without assessing anything: what materialising the rows alone costs. */
export async function streamAlone(stream: RowSource<OrderRecord>): Promise<number> {
  let n = 0;
  await forEachRow(stream, () => n++);
  return n;
}

/** Three levels over the three indicators the baseline computes too. */
export const SETUP: ChurnSetup = {
  indicators: { asOf: new Date(AS_OF), recentDays: 90, baselineDays: 180 },
  thresholds: {
    rules: [
      { id: 'slipping', level: 'watch', when: { fact: 'frequencyDropPct', op: 'gte', value: 50 } },
      {
        id: 'late',
        level: 'warning',
        when: { fact: 'recencyRatio', op: 'gte', value: 3 },
        exit: { fact: 'recencyRatio', op: 'lt', value: 2 },
      },
      { id: 'silent', level: 'critical', when: { fact: 'recencyDays', op: 'gte', value: 180 } },
    ],
  },
};

/**
 * The baseline: a hand-written plain loop computing only the three indicators the rules use, with float
 * arithmetic and if/else thresholds (no decimals, no rules engine, no explanations, no hysteresis).
 */
export function baseline(stream: Iterable<OrderRecord>): Record<string, number> {
  const counts: Record<string, number> = {};
  const recentStart = AS_OF - 90 * DAY;
  const baselineStart = recentStart - 180 * DAY;
  let current: string | undefined;
  let times: number[] = [];
  const flush = () => {
    if (current === undefined) return;
    let recent = 0;
    let base = 0;
    for (const t of times) {
      if (t >= recentStart) recent++;
      else if (t >= baselineStart) base++;
    }
    const recency = Math.round(((AS_OF - times[times.length - 1]!) / DAY) * 1e4) / 1e4;
    let level = 'none';
    if (recency >= 180) level = 'critical';
    else {
      if (times.length >= 2) {
        const gaps = times.slice(1).map((t, i) => t - times[i]!);
        gaps.sort((a, b) => a - b);
        const m = gaps.length >> 1;
        const median =
          Math.round(((gaps.length % 2 ? gaps[m]! : (gaps[m - 1]! + gaps[m]!) / 2) / DAY) * 1e4) / 1e4;
        if (median > 0 && Math.round((recency / median) * 1e4) / 1e4 >= 3) level = 'warning';
      }
      if (
        level === 'none' &&
        base > 0 &&
        Math.round((1 - (recent * 180) / (base * 90)) * 100 * 1e4) / 1e4 >= 50
      )
        level = 'watch';
    }
    counts[level] = (counts[level] ?? 0) + 1;
  };
  for (const o of stream) {
    if (o.customerId !== current) {
      flush();
      current = o.customerId;
      times = [];
    }
    times.push(o.placedAt.getTime());
  }
  flush();
  return counts;
}
