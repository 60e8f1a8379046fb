import {
  createSeededRandom,
  Decimal,
  Money,
  netTotal,
  type Order,
  type OrderInput,
  parseOrder,
  randomInt,
  ValidationError,
} from '@crmkit/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { CustomerSummary, PostgresStorage } from '../src/index';
import { NEEDS_SERVER, pgliteDatabase, SERVER_URL, serverDatabase, type TestDatabase } from './databases';

// PGlite takes seconds to start and shares two cores with every other test file in CI.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const DAY = 86_400_000;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Seeded orders: 40 customers, repeat days, same-day orders, refunds, cancellations, a second currency. */
function generateOrders(seed: number): OrderInput[] {
  const random = createSeededRandom(seed);
  const orders: OrderInput[] = [];
  const start = Date.parse('2025-01-01T00:00:00Z');
  for (let c = 0; c < 40; c++) {
    const customerId = `gen-${String(c).padStart(2, '0')}`;
    const count = randomInt(random, 1, 12);
    for (let k = 0; k < count; k++) {
      const placedAt = new Date(start + randomInt(random, 0, 420) * DAY + randomInt(random, 0, DAY - 1));
      const price = `${randomInt(random, 1, 20000) / 100}`;
      const quantity = randomInt(random, 1, 3);
      const refund = random.next() < 0.2;
      orders.push({
        id: `${customerId}-o${k}`,
        customerId,
        placedAt,
        currency: c % 13 === 5 && k % 2 === 1 ? 'USD' : 'EUR',
        lines: [{ sku: 'sku', quantity, unitPrice: price }],
        status: random.next() < 0.1 ? 'cancelled' : 'paid',
        refunds: refund
          ? [
              {
                id: 'r',
                refundedAt: new Date(placedAt.getTime() + DAY),
                amount: `${randomInt(random, 1, 100) / 100}`,
              },
            ]
          : [],
      });
    }
  }
  return orders;
}

/** The definitions, computed the plain way in Node. */
function summariseInNode(
  inputs: readonly OrderInput[],
  asOf: Date,
  timeUnit: 'days' | 'weeks',
  currency?: string,
): CustomerSummary[] {
  const unit = timeUnit === 'weeks' ? 7 : 1;
  const byCustomer = new Map<string, Order[]>();
  for (const order of inputs.map(parseOrder)) {
    if (order.status === 'cancelled' || order.placedAt >= asOf) continue;
    if (currency !== undefined && order.currency !== currency) continue;
    byCustomer.set(order.customerId, [...(byCustomer.get(order.customerId) ?? []), order]);
  }
  return [...byCustomer.keys()].sort().map((customerId) => {
    const orders = byCustomer.get(customerId)!;
    const times = orders.map((o) => o.placedAt.getTime());
    const dayNet = new Map<number, Decimal>();
    const spend = new Map<string, { gross: Money; net: Money }>();
    for (const o of orders) {
      const day = Math.floor(o.placedAt.getTime() / DAY);
      dayNet.set(day, (dayNet.get(day) ?? new Decimal(0)).plus(netTotal(o).amount));
      const s = spend.get(o.currency) ?? { gross: Money.zero(o.currency), net: Money.zero(o.currency) };
      spend.set(o.currency, { gross: s.gross.plus(o.total), net: s.net.plus(netTotal(o)) });
    }
    const days = [...dayNet.keys()].sort((a, b) => a - b);
    const first = days[0]!;
    const frequency = days.length - 1;
    const repeat = days.slice(1).reduce((sum, d) => sum.plus(dayNet.get(d)!), new Decimal(0));
    const currencies = [...spend.keys()].sort();
    const only = currencies.length === 1 ? currencies[0]! : undefined;
    return {
      customerId,
      firstOrderAt: new Date(Math.min(...times)),
      lastOrderAt: new Date(Math.max(...times)),
      orders: orders.length,
      purchaseDays: days.length,
      daysSinceLastOrder: (asOf.getTime() - Math.max(...times)) / DAY,
      spend: currencies.map((c) => ({ currency: c, ...spend.get(c)! })),
      btyd: {
        frequency,
        recency: (days.at(-1)! - first) / unit,
        T: (asOf.getTime() - first * DAY) / DAY / unit,
        monetaryValue:
          only === undefined
            ? null
            : frequency === 0
              ? Money.zero(only)
              : Money.of(repeat, only).dividedBy(frequency),
      },
    };
  });
}

function summarySuite(db: TestDatabase) {
  let storage: PostgresStorage;
  const generated = generateOrders(2026);
  beforeAll(async () => {
    storage = await db.storage('summaries');
    await storage.orders.createMany(generated);
  });

  it('computes a hand-checked summary: same-day orders, refunds, cancelled and later orders left out', async () => {
    const own = await db.storage('summary_hand');
    const o = (id: string, placedAt: string, total: string, extra: Partial<OrderInput> = {}): OrderInput => ({
      id,
      customerId: 'x',
      placedAt,
      currency: 'EUR',
      lines: [{ sku: 'a', quantity: 1, unitPrice: total }],
      ...extra,
    });
    await own.orders.createMany([
      o('1', '2026-01-01T10:00:00Z', '10.00'),
      o('2', '2026-01-01T15:00:00Z', '5.00'),
      o('3', '2026-01-08T09:00:00Z', '20.00', {
        refunds: [{ id: 'r', refundedAt: '2026-01-09', amount: '4.00' }],
      }),
      o('4', '2026-01-15T23:59:00Z', '30.00'),
      o('5', '2026-01-20T12:00:00Z', '100.00', { status: 'cancelled' }),
      o('6', '2026-01-31T00:00:00Z', '1000.00'),
    ]);
    const asOf = new Date('2026-01-31T00:00:00Z');
    const [days] = await collect(own.customerSummaries({ asOf }));
    expect(days!.orders).toBe(4);
    expect(days!.purchaseDays).toBe(3);
    expect(days!.firstOrderAt.toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(days!.lastOrderAt.toISOString()).toBe('2026-01-15T23:59:00.000Z');
    expect(days!.daysSinceLastOrder).toBe(15 + 1 / 1440);
    expect(days!.spend.map((s) => [s.currency, s.gross.toString(), s.net.toString()])).toEqual([
      ['EUR', '65 EUR', '61 EUR'],
    ]);
    // Repeat days: Jan 8 (20 − 4 = 16) and Jan 15 (30): mean 23.
    expect(days!.btyd).toEqual({ frequency: 2, recency: 14, T: 30, monetaryValue: Money.of('23', 'EUR') });
    const [weeks] = await collect(own.customerSummaries({ asOf, timeUnit: 'weeks' }));
    expect(weeks!.btyd).toMatchObject({ frequency: 2, recency: 2, T: 30 / 7 });
  });

  it('equals the plain Node computation over 40 generated customers, in days and weeks', async () => {
    const asOf = new Date('2026-01-01T00:00:00Z');
    for (const timeUnit of ['days', 'weeks'] as const) {
      const sql = await collect(storage.customerSummaries({ asOf, timeUnit }));
      expect(sql).toEqual(summariseInNode(generated, asOf, timeUnit));
    }
    const mixed = (await collect(storage.customerSummaries({ asOf }))).filter((s) => s.spend.length > 1);
    expect(mixed.length).toBeGreaterThan(0);
    expect(mixed.every((s) => s.btyd.monetaryValue === null)).toBe(true);
  });

  it('gives the same rows whatever the batch size, and filters by currency', async () => {
    const asOf = new Date('2025-09-01T00:00:00Z');
    const whole = await collect(storage.customerSummaries({ asOf, batchSize: 1000 }));
    expect(await collect(storage.customerSummaries({ asOf, batchSize: 7 }))).toEqual(whole);
    expect(await collect(storage.customerSummaries({ asOf, batchSize: 1 }))).toEqual(whole);
    const usd = await collect(storage.customerSummaries({ asOf, currency: 'USD', batchSize: 3 }));
    expect(usd).toEqual(summariseInNode(generated, asOf, 'days', 'USD'));
    expect(usd.length).toBeGreaterThan(0);
  });

  it('rejects a bad query with ValidationError when the stream starts', async () => {
    const first = (query: Parameters<PostgresStorage['customerSummaries']>[0]) =>
      storage.customerSummaries(query)[Symbol.asyncIterator]().next();
    await expect(first({ asOf: new Date(Number.NaN) })).rejects.toThrow(ValidationError);
    await expect(first({ asOf: new Date(), timeUnit: 'months' as unknown as 'days' })).rejects.toThrow(
      ValidationError,
    );
    await expect(first({ asOf: new Date(), currency: 'XXX1' })).rejects.toThrow(ValidationError);
  });
}

describe('customer summaries on PGlite', () => summarySuite(pgliteDatabase()));

// Skipped without a server: CRMKIT_PG_URL is unset (scripts/with-postgres.sh starts one and sets it).
describe.skipIf(SERVER_URL === undefined)(`customer summaries on a PostgreSQL server (${NEEDS_SERVER})`, () =>
  summarySuite(serverDatabase(SERVER_URL ?? '')),
);
