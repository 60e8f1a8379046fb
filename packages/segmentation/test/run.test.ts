import { type Customer, createMemoryStorage, type Order, parseOrder, ValidationError } from '@crmkit/core';
import {
  assignTiers,
  compileSegments,
  customerFacts,
  PORTFOLIO_TIERS,
  runSegmentation,
  scoreRfm,
  segmentByAttribute,
  summarizeOrders,
  VALUE_CLASSES,
} from '@crmkit/segmentation';
import { generateDataset } from '@crmkit/testkit';
import { describe, expect, it } from 'vitest';
import { AS_OF, ordersOf, stream, TEN } from './fixtures';

const definitions = [
  {
    id: 'champions',
    name: 'Champions',
    version: 1,
    when: { fact: 'rfm.segment', op: 'eq', value: 'Champions' },
  },
  {
    id: 'top-tiers',
    name: 'Top tiers',
    version: 1,
    when: { fact: 'tier', op: 'in', value: ['strategic', 'important'] },
  },
  { id: 'no-orders', name: 'Never bought', version: 1, when: { not: { fact: 'rfm', op: 'exists' } } },
  {
    id: 'tagged-vip',
    name: 'Tagged VIP',
    version: 1,
    when: { fact: 'customer.tags', op: 'contains', value: 'vip' },
  },
];

describe('runSegmentation on the ten customers (hand-checked)', () => {
  it('joins RFM, tiers and rule segments per customer, including customers without orders', async () => {
    const customers = [
      { id: 'z', tags: ['vip'] },
      ...TEN.map((c) => ({ id: c.id, tags: c.id === 'a' ? ['vip'] : [] })),
    ];
    const run = await runSegmentation({
      orders: ordersOf([...TEN]),
      customers,
      asOf: AS_OF,
      tiers: {
        method: 'thresholds',
        tiers: [{ name: 'strategic', min: 1000 }, { name: 'important', min: 500 }, { name: 'general' }],
      },
      segments: definitions,
    });
    expect(run.ordersRead).toBe(32);
    expect(run.customers.slice(0, 3)).toEqual([
      { customerId: 'z', segments: ['no-orders', 'tagged-vip'] },
      {
        customerId: 'a',
        rfmSegment: 'Champions',
        tier: 'important',
        segments: ['champions', 'top-tiers', 'tagged-vip'],
      },
      { customerId: 'b', rfmSegment: 'New', tier: 'general', segments: [] },
    ]);
    expect(run.customers.find((c) => c.customerId === 'h')).toEqual({
      customerId: 'h',
      rfmSegment: 'Cannot lose them',
      tier: 'strategic',
      segments: ['top-tiers'],
    });
    expect(run.segmentCounts).toEqual({ champions: 1, 'top-tiers': 3, 'no-orders': 1, 'tagged-vip': 2 });
    expect(run.manifest?.segments.map((s) => s.id)).toEqual(definitions.map((d) => d.id));
    expect(run.currency).toBe('EUR');
  });

  it('without customers, segments every customer with orders', async () => {
    const run = await runSegmentation({ orders: ordersOf([...TEN]), asOf: AS_OF, segments: definitions });
    expect(run.customers.map((c) => c.customerId)).toEqual(TEN.map((c) => c.id));
    expect(run.tiers).toBeUndefined();
    expect(run.segmentCounts['champions']).toBe(1);
  });

  it('handles no orders and no customers', async () => {
    const run = await runSegmentation({ orders: [], asOf: AS_OF, segments: definitions });
    expect([run.customers, run.rfm.customers, run.ordersRead]).toEqual([[], [], 0]);
  });
});

describe('runSegmentation on generated data, streamed from storage', () => {
  it('equals the separate steps, customer for customer', { timeout: 30_000 }, async () => {
    const data = generateDataset({ customers: 400, seed: 21, interactions: false });
    const storage = createMemoryStorage();
    await storage.customers.createMany(data.customers);
    await storage.orders.createMany(data.orders);
    const asOf = new Date('2025-09-01T00:00:00Z');
    const predicted = new Map(data.customers.map((c, i) => [c.id, { predictedValue: (i * 37) % 500 }]));
    const run = await runSegmentation({
      orders: storage.orders.list(),
      customers: storage.customers.list(),
      asOf,
      tiers: PORTFOLIO_TIERS,
      metrics: predicted,
      segments: definitions,
    });

    const orders: Order[] = data.orders.map(parseOrder);
    const summaries = await summarizeOrders(orders, { asOf });
    const rfm = scoreRfm(summaries);
    const byId = new Map(rfm.customers.map((c) => [c.customerId, c]));
    expect(new Map(run.rfm.customers.map((c) => [c.customerId, c]))).toEqual(byId);
    const tiers = assignTiers(
      summaries.customers.map((s) => ({
        id: s.customerId,
        value: s.monetary,
        ...predicted.get(s.customerId),
      })),
      PORTFOLIO_TIERS,
    );
    const tierById = new Map(tiers.assignments.map((a) => [a.id, a.tier]));
    const segments = compileSegments(definitions);
    const all: Customer[] = [];
    for await (const c of storage.customers.list()) all.push(c);
    expect(run.customers).toHaveLength(400);
    const withoutOrders = all.filter((c) => !byId.has(c.id)).length;
    expect(withoutOrders).toBeGreaterThan(0);
    expect(run.segmentCounts['no-orders']).toBe(withoutOrders);
    for (const [i, customer] of all.entries()) {
      const expected = segments.evaluate(
        customerFacts({
          customer,
          rfm: byId.get(customer.id),
          tier: tierById.get(customer.id),
          metrics: predicted.get(customer.id),
        }),
      );
      expect(run.customers[i]).toEqual({
        customerId: customer.id,
        ...(byId.has(customer.id)
          ? { rfmSegment: byId.get(customer.id)!.segment, tier: tierById.get(customer.id) }
          : {}),
        segments: expected,
      });
    }
    expect(run.tiers?.tiers.map((t) => t.count)).toEqual(tiers.tiers.map((t) => t.count));

    // the same run over the ports' pages (one await per page) gives the same result
    const paged = await runSegmentation({
      orders: storage.orders.pages({ batchSize: 97 }),
      customers: storage.customers.pages({ batchSize: 13 }),
      asOf,
      tiers: PORTFOLIO_TIERS,
      metrics: predicted,
      segments: definitions,
    });
    expect(paged).toEqual(run);
  });
});

describe('runSegmentation input errors', () => {
  it('validates everything before reading a single order', async () => {
    let read = 0;
    const orders = (async function* () {
      read++;
      yield* stream(ordersOf([TEN[0]]));
    })();
    const bad = [{ id: 'x', name: 'X', version: 1, when: { fact: 'rfm.r', op: 'gte' } }];
    await expect(runSegmentation({ orders, asOf: AS_OF, segments: bad })).rejects.toMatchObject({
      issues: [{ path: ['segments', 0, 'when', 'value'] }],
    });
    await expect(
      runSegmentation({
        orders,
        asOf: AS_OF,
        segments: definitions,
        segmentOptions: { previous: {} as never },
      }),
    ).rejects.toMatchObject({ issues: [{ path: ['segmentOptions', 'previous', 'segments'] }] });
    await expect(runSegmentation({ orders, asOf: 'soon', segments: definitions })).rejects.toMatchObject({
      issues: [{ path: ['asOf'] }],
    });
    await expect(
      runSegmentation({ orders, asOf: AS_OF, tiers: { method: 'shares', tiers: [] } }),
    ).rejects.toMatchObject({ issues: [{ path: ['tiers', 'tiers'] }, { path: ['tiers', 'tiers'] }] });
    await expect(
      runSegmentation({ orders, asOf: AS_OF, rfm: { recency: { method: 'edges', edges: [1] } } }),
    ).rejects.toMatchObject({ issues: [{ path: ['rfm', 'recency', 'edges'] }] });
    await expect(runSegmentation({ orders, asOf: AS_OF, metrics: {} as never })).rejects.toMatchObject({
      issues: [{ path: ['metrics'] }],
    });
    await expect(runSegmentation({ orders, asOf: AS_OF, segments: {} as never })).rejects.toMatchObject({
      issues: [{ path: ['segments'] }],
    });
    expect(read).toBe(0);
    await expect(runSegmentation(null as never)).rejects.toBeInstanceOf(ValidationError);
  });

  it('names a customer without an id by its position', async () => {
    await expect(
      runSegmentation({ orders: [], customers: [{ id: 'ok' }, { name: 'no id' } as never], asOf: AS_OF }),
    ).rejects.toMatchObject({ issues: [{ path: [1, 'id'] }] });
  });
});

describe('runSegmentation with CLV from elsewhere', () => {
  const clv: Record<string, number> = {
    a: 80,
    b: 2500,
    c: 300,
    d: 40,
    e: 900,
    f: 60,
    g: 150,
    h: 700,
    i: 20,
    j: 10,
  };

  it('tiers high / medium / low by a CLV callback instead of past spend (hand-checked)', async () => {
    const run = await runSegmentation({
      orders: ordersOf([...TEN]),
      asOf: AS_OF,
      tiers: { ...VALUE_CLASSES, by: 'clv' },
      metrics: (id) => ({ clv: clv[id] }),
      segments: [
        {
          id: 'high-clv-lapsing',
          name: 'High CLV, lapsing',
          version: 1,
          when: {
            all: [
              { fact: 'tier', op: 'eq', value: 'high' },
              { fact: 'rfm.r', op: 'lte', value: 3 },
            ],
          },
        },
      ],
    });
    // CLV ranks 10 j, 20 i, 40 d, 60 f, 80 a | 150 g, 300 c, 700 h, 900 e, 2500 b
    // mid-rank percentiles (w + 0.5)/10 × 3 → j i d = low, f a g c = medium, h e b = high
    expect(Object.fromEntries(run.customers.map((c) => [c.customerId, c.tier]))).toEqual({
      a: 'medium',
      b: 'high',
      c: 'medium',
      d: 'low',
      e: 'high',
      f: 'medium',
      g: 'medium',
      h: 'high',
      i: 'low',
      j: 'low',
    });
    // R scores: e (40 days) 3, h (150 days) 2 → both high and lapsing; b (8 days) is not
    expect(run.segmentCounts).toEqual({ 'high-clv-lapsing': 2 });
    expect(run.tiers?.tiers[0]).toMatchObject({ name: 'high', criterion: 'clv', min: 700, max: 2500 });
  });

  it('names the customer whose CLV is missing', async () => {
    await expect(
      runSegmentation({
        orders: ordersOf([...TEN]),
        asOf: AS_OF,
        tiers: { ...VALUE_CLASSES, by: 'clv' },
        metrics: new Map(Object.entries(clv).map(([id, value]) => [id, id === 'b' ? {} : { clv: value }])),
      }),
    ).rejects.toMatchObject({ issues: [{ path: ['metrics', 'b', 'clv'] }] });
  });
});

describe('sources that are not sources', () => {
  it('get a typed error naming them, before anything is read', async () => {
    let read = 0;
    const orders = (async function* () {
      read++;
      yield* stream(ordersOf([TEN[0]]));
    })();
    await expect(runSegmentation({ orders: 42 as never, asOf: AS_OF })).rejects.toMatchObject({
      issues: [{ path: ['orders'] }],
    });
    await expect(runSegmentation({ orders, customers: 5 as never, asOf: AS_OF })).rejects.toMatchObject({
      issues: [{ path: ['customers'] }],
    });
    expect(read).toBe(0);
    await expect(summarizeOrders(null as never, { asOf: AS_OF })).rejects.toBeInstanceOf(ValidationError);
    await expect(
      segmentByAttribute({} as never, { kind: 'values', attribute: 'industry' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
