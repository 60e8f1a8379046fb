import {
  CurrencyMismatchError,
  createMemoryStorage,
  Money,
  netTotal,
  parseOrder,
  ValidationError,
} from '@crmkit/core';
import { customerSummaries, summarizeOrders } from '@crmkit/segmentation';
import { generateDataset } from '@crmkit/testkit';
import { describe, expect, it } from 'vitest';
import { AS_OF, stream } from './fixtures';

const order = (id: string, customerId: string, placedAt: string, total: string, extra: object = {}) =>
  parseOrder({
    id,
    customerId,
    placedAt,
    currency: 'EUR',
    lines: [{ sku: 'tea', quantity: 1, unitPrice: total }],
    ...extra,
  });

describe('summarizeOrders', () => {
  const orders = [
    order('o1', 'c1', '2025-03-01T10:00:00Z', '100.10'),
    order('o2', 'c1', '2025-11-20T10:00:00Z', '49.95', {
      refunds: [
        { id: 'r1', refundedAt: '2025-11-25T00:00:00Z', amount: '9.95' },
        { id: 'r2', refundedAt: '2026-01-05T00:00:00Z', amount: '10.00' }, // after asOf: not yet known
      ],
    }),
    order('o3', 'c2', '2025-06-15T00:00:00Z', '20.00', { status: 'cancelled' }),
    order('o4', 'c2', '2025-12-31T23:59:59Z', '0.30'),
    order('o5', 'c3', '2026-01-02T00:00:00Z', '500.00'), // after asOf
  ];

  it('counts orders, first and last, and net spend as of the date (hand-checked)', async () => {
    const summaries = await summarizeOrders(orders, { asOf: AS_OF });
    expect(summaries.currency).toBe('EUR');
    expect(summaries.customers.map((c) => ({ ...c, monetary: c.monetary.toString() }))).toEqual([
      {
        customerId: 'c1',
        frequency: 2,
        monetary: '140.1 EUR', // 100.10 + 49.95 − 9.95
        firstOrderAt: new Date('2025-03-01T10:00:00Z'),
        lastOrderAt: new Date('2025-11-20T10:00:00Z'),
      },
      {
        customerId: 'c2',
        frequency: 1,
        monetary: '0.3 EUR',
        firstOrderAt: new Date('2025-12-31T23:59:59Z'),
        lastOrderAt: new Date('2025-12-31T23:59:59Z'),
      },
    ]);
  });

  it('equals netTotal once every refund is known', async () => {
    const later = new Date('2026-02-01T00:00:00Z');
    const summaries = await summarizeOrders(orders.slice(0, 2), { asOf: later });
    expect(summaries.customers[0]!.monetary.equals(netTotal(orders[0]!).plus(netTotal(orders[1]!)))).toBe(
      true,
    );
  });

  it('reads async streams and storage ports the same as arrays', async () => {
    const fromArray = await summarizeOrders(orders, { asOf: AS_OF });
    expect(await summarizeOrders(stream(orders), { asOf: AS_OF })).toEqual(fromArray);
    const storage = createMemoryStorage();
    await storage.orders.createMany(orders);
    const fromStorage = await summarizeOrders(storage.orders.list({ orderBy: 'customer' }), { asOf: AS_OF });
    expect(fromStorage.customers.map((c) => [c.customerId, c.frequency, c.monetary.toString()])).toEqual(
      fromArray.customers.map((c) => [c.customerId, c.frequency, c.monetary.toString()]),
    );
  });

  it('gives no customers for no orders, keeping the currency asked for', async () => {
    expect(await summarizeOrders([], { asOf: AS_OF, currency: 'USD' })).toEqual({
      asOf: AS_OF,
      currency: 'USD',
      customers: [],
    });
  });

  it('refuses mixed currencies and unparsed orders, with typed errors', async () => {
    const dollars = parseOrder({
      id: 'u1',
      customerId: 'c9',
      placedAt: '2025-05-01',
      currency: 'USD',
      lines: [{ sku: 'x', quantity: 1, unitPrice: '1' }],
    });
    await expect(summarizeOrders([orders[0]!, dollars], { asOf: AS_OF })).rejects.toBeInstanceOf(
      CurrencyMismatchError,
    );
    await expect(summarizeOrders([orders[0]!], { asOf: AS_OF, currency: 'USD' })).rejects.toBeInstanceOf(
      CurrencyMismatchError,
    );
    const raw = { id: 'o9', customerId: 'c1', placedAt: '2025-01-01', total: '5' };
    await expect(summarizeOrders([orders[0]!, raw as never], { asOf: AS_OF })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: [1] }],
    });
    await expect(summarizeOrders([], { asOf: 'yesterday' } as never)).rejects.toMatchObject({
      issues: [{ path: ['asOf'] }],
    });
  });

  it('matches a direct computation on generated data', { timeout: 30_000 }, async () => {
    const { orders: inputs } = generateDataset({ customers: 300, seed: 11, interactions: false });
    const parsed = inputs.map(parseOrder);
    const asOf = new Date('2025-10-01T00:00:00Z');
    const summaries = await summarizeOrders(parsed, { asOf });
    const expected = new Map<string, { n: number; total: Money; last: number }>();
    for (const o of parsed) {
      if (o.placedAt > asOf || o.status === 'cancelled') continue;
      const refunds = o.refunds
        .filter((r) => r.refundedAt <= asOf)
        .reduce((m, r) => m.plus(r.amount), Money.zero('EUR'));
      const e = expected.get(o.customerId) ?? { n: 0, total: Money.zero('EUR'), last: 0 };
      expected.set(o.customerId, {
        n: e.n + 1,
        total: e.total.plus(o.total.minus(refunds)),
        last: Math.max(e.last, o.placedAt.getTime()),
      });
    }
    expect(summaries.customers).toHaveLength(expected.size);
    for (const c of summaries.customers) {
      const e = expected.get(c.customerId)!;
      expect([c.frequency, c.monetary.toString(), c.lastOrderAt.getTime()]).toEqual([
        e.n,
        e.total.toString(),
        e.last,
      ]);
    }
  });
});

describe('customerSummaries', () => {
  it('validates every row with its index in the path', () => {
    try {
      customerSummaries(
        [
          {
            customerId: 'c1',
            frequency: 1,
            monetary: { amount: '5', currency: 'EUR' },
            lastOrderAt: '2025-01-01',
          },
          {
            customerId: 'c1',
            frequency: 2,
            monetary: { amount: '5', currency: 'USD' },
            lastOrderAt: '2026-02-01',
          },
          {
            customerId: 'c3',
            frequency: 0,
            monetary: { amount: '5', currency: 'EUR' },
            lastOrderAt: '2025-01-01',
          },
        ],
        { asOf: AS_OF },
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([[2, 'frequency']]);
    }
    try {
      customerSummaries(
        [
          {
            customerId: 'c1',
            frequency: 1,
            monetary: { amount: '5', currency: 'EUR' },
            lastOrderAt: '2025-01-01',
          },
          {
            customerId: 'c1',
            frequency: 2,
            monetary: { amount: '5', currency: 'USD' },
            lastOrderAt: '2026-02-01',
          },
        ],
        { asOf: AS_OF },
      );
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
        [1, 'customerId'],
        [1, 'monetary'],
        [1, 'lastOrderAt'],
      ]);
    }
  });

  it('defaults firstOrderAt to lastOrderAt', () => {
    const s = customerSummaries(
      [{ customerId: 'c1', frequency: 1, monetary: Money.of('5', 'EUR'), lastOrderAt: '2025-01-01' }],
      { asOf: AS_OF },
    );
    expect(s.customers[0]!.firstOrderAt).toEqual(new Date('2025-01-01T00:00:00Z'));
  });
});
