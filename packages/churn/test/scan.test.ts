import {
  createMemoryStorage,
  type DomainEvent,
  fixedClock,
  type Interaction,
  type Order,
  parseCustomer,
  parseInteraction,
  parseOrder,
  sequentialIds,
} from '@crmkit/core';
import { generateDataset } from '@crmkit/testkit';
import { describe, expect, it } from 'vitest';
import {
  assessCustomer,
  type ChurnAssessment,
  ChurnConfigError,
  ChurnInputError,
  type ChurnSetup,
  type CustomerHistory,
  createChurnAssessor,
  groupHistories,
  type LevelState,
  LevelStateSchema,
  levelChangeEvent,
  levelStateOf,
  scanChurn,
  scanPopulationChurn,
  storageSource,
} from '../src/index';
import { order } from './fixtures';

const setup: ChurnSetup = {
  indicators: { asOf: '2026-01-01' },
  thresholds: {
    rules: [
      { id: 'slipping', level: 'watch', when: { fact: 'frequencyDropPct', op: 'gte', value: 50 } },
      {
        id: 'late',
        level: 'warning',
        when: { fact: 'recencyRatio', op: 'gte', value: 3 },
        exit: { fact: 'recencyRatio', op: 'lt', value: 2 },
      },
      { id: 'silent', level: 'critical', when: { fact: 'recencyDays', op: 'gte', value: 150 } },
    ],
  },
};

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('groupHistories', () => {
  it('merges sorted streams into one history per customer, including customers without orders', async () => {
    const orders = [
      order('a', '2025-01-01', '1.00'),
      order('a', '2025-02-01', '1.00'),
      order('c', '2025-01-01', '1.00'),
    ];
    const interactions = [{ customerId: 'b', occurredAt: new Date('2025-01-01'), type: 'activity' }];
    const customers = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
    async function* slow<T>(items: T[]) {
      for (const item of items) yield item;
    }
    const histories = await collect(groupHistories({ orders: slow(orders), interactions, customers }));
    expect(
      histories.map((h) => [h.customerId, h.customer?.id, h.orders.length, h.interactions.length]),
    ).toEqual([
      ['a', 'a', 2, 0],
      ['b', 'b', 0, 1],
      ['c', 'c', 1, 0],
      ['d', 'd', 0, 0],
    ]);
  });

  it('streams: the first history arrives after reading only its own orders and one more', async () => {
    let pulled = 0;
    function* orders() {
      for (let c = 0; c < 1000; c++)
        for (let k = 0; k < 3; k++) {
          pulled++;
          yield order(`c${String(c).padStart(4, '0')}`, `2025-0${k + 1}-01`, '1.00');
        }
    }
    for await (const history of groupHistories({ orders: orders() })) {
      expect(history.orders).toHaveLength(3);
      expect(pulled).toBe(4);
      break;
    }
  });

  it('reads streams delivered in pages (empty pages too) exactly like row by row', async () => {
    const data = generateDataset({ customers: 60, seed: 11, end: '2026-01-01' });
    const byCustomer = (a: { customerId: string }, b: { customerId: string }) =>
      a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0;
    const orders = data.orders.map(parseOrder).sort(byCustomer);
    const interactions = data.interactions.map(parseInteraction).sort(byCustomer);
    const customers = data.customers.map(parseCustomer).sort((a, b) => (a.id < b.id ? -1 : 1));
    // pages of 1, 7, 0, 7, 1, 0, 7 … rows, some async and some not
    async function* paged<T>(items: T[]) {
      const sizes = [1, 7, 0, 7, 1, 0, 7];
      for (let i = 0, k = 0; i < items.length; k++) {
        const size = sizes[k % sizes.length]!;
        yield items.slice(i, i + size);
        i += size;
      }
      yield [];
    }
    const shape = (h: CustomerHistory<{ id: string }>) =>
      [h.customerId, h.customer?.id, h.orders, h.interactions] as const;
    const flat = await collect(groupHistories({ orders, interactions, customers }));
    const pages = await collect(
      groupHistories({
        orders: paged(orders),
        interactions: paged(interactions),
        customers: paged(customers),
      }),
    );
    expect(pages.map(shape)).toEqual(flat.map(shape));
    expect(flat.length).toBe(60);
    const scanned = async (source: Parameters<typeof scanChurn>[0]) =>
      (await collect(scanChurn(source, setup))).map((a) => [a.customerId, a.level]);
    expect(await scanned({ orders: paged(orders) })).toEqual(await scanned({ orders }));
    // a record out of order inside a page is reported at its row index
    const swapped = [
      order('a', '2025-01-01', '1.00'),
      order('c', '2025-01-01', '1.00'),
      order('b', '2025-01-01', '1.00'),
    ];
    await expect(collect(groupHistories({ orders: paged(swapped) }))).rejects.toThrow(
      expect.objectContaining({ path: ['orders', 2, 'customerId'] }),
    );
  });

  it('fails with a path when a stream is not sorted by customer', async () => {
    const orders = [order('b', '2025-01-01', '1.00'), order('a', '2025-01-01', '1.00')];
    await expect(collect(groupHistories({ orders }))).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_CHURN_INPUT', path: ['orders', 1, 'customerId'] }),
    );
    const bad = [{ customerId: 'a', placedAt: '2025-01-01', total: 3 } as never];
    await expect(collect(groupHistories({ orders: bad }))).rejects.toThrow(ChurnInputError);
    await expect(collect(groupHistories({} as never))).rejects.toThrow(/orders stream/);
  });
});

describe('scanChurn', () => {
  it('assesses every customer of core storage in one pass and emits level-change events', async () => {
    const data = generateDataset({ customers: 150, seed: 3, end: '2026-01-01' });
    const storage = createMemoryStorage();
    await storage.customers.createMany(data.customers);
    await storage.orders.createMany(data.orders);
    await storage.interactions.createMany(data.interactions);

    const events: DomainEvent<'churn.level_changed'>[] = [];
    const clock = fixedClock('2026-01-01T06:00:00Z');
    const assessments = await collect(
      scanChurn(storageSource(storage, { batchSize: 37 }), setup, {
        events: { clock, ids: sequentialIds('evt'), emit: (e) => void events.push(e) },
      }),
    );
    expect(assessments.map((a) => a.customerId)).toEqual(data.customers.map((c) => c.id)); // ascending ids
    // the same result as assessing each customer on its own
    const assess = createChurnAssessor(setup);
    const byCustomer = new Map<string, { orders: Order[]; interactions: Interaction[] }>();
    for (const c of data.customers) byCustomer.set(c.id, { orders: [], interactions: [] });
    for (const o of data.orders) byCustomer.get(o.customerId)!.orders.push(parseOrder(o));
    for (const x of data.interactions) byCustomer.get(x.customerId)!.interactions.push(parseInteraction(x));
    for (const a of assessments) {
      const direct = assess({ customerId: a.customerId, ...byCustomer.get(a.customerId)! });
      expect(a.level).toBe(direct.level);
      expect(a.indicators.values).toEqual(direct.indicators.values);
    }
    // every customer with a level changed from "none" and got exactly one event
    const leveled = assessments.filter((a) => a.level !== null);
    expect(leveled.length).toBeGreaterThan(10);
    expect(events.map((e) => e.customerId)).toEqual(leveled.map((a) => a.customerId));
    const first = events[0]!;
    expect(first).toMatchObject({
      type: 'churn.level_changed',
      id: 'evt-1',
      data: { from: null, direction: 'up' },
    });
    expect(first.occurredAt.toISOString()).toBe('2026-01-01T06:00:00.000Z');
    expect(first.data.reasons.length).toBeGreaterThan(0);
    expect(first.data.reasons[0]!.because[0]).toMatch(/ (gte) /);
  });

  it('uses the previous states for hysteresis and reports changes only', async () => {
    const orders = [
      order('a', '2025-09-01', '5.00'),
      order('a', '2025-09-11', '5.00'),
      order('a', '2025-09-21', '5.00'),
      order('a', '2025-12-06', '5.00'), // 26 days before asOf: ratio 2.6
    ];
    const previous = new Map<string, LevelState>([['a', { level: 'warning', rules: ['late'] }]]);
    const [held] = await collect(scanChurn({ orders }, setup, { previous: (id) => previous.get(id) }));
    expect(held!.indicators.values.recencyRatio).toBe(2.6);
    expect(held).toMatchObject({ level: 'warning', previousLevel: 'warning', changed: false });
    expect(held!.rules[0]).toMatchObject({ id: 'late', via: 'held' });
    const [fresh] = await collect(scanChurn({ orders }, setup));
    expect(fresh).toMatchObject({ level: null, previousLevel: null, changed: false });
    // a level-change event down, with the rules that still hold
    const down = {
      ...held!,
      level: null,
      previousLevel: 'warning',
      changed: true,
      rules: [],
    } as ChurnAssessment;
    const event = levelChangeEvent(down, { clock: fixedClock('2026-01-01'), ids: sequentialIds('e') })!;
    expect(event.data).toEqual({
      customerId: 'a',
      from: 'warning',
      to: null,
      direction: 'down',
      asOf: '2026-01-01T00:00:00.000Z',
      reasons: [],
    });
    expect(
      levelChangeEvent(held!, { clock: fixedClock('2026-01-01'), ids: sequentialIds('e') }),
    ).toBeUndefined();
    expect(levelStateOf(held!)).toEqual({ level: 'warning', rules: ['late'] });
  });

  it('keeps level states in core’s DocumentStore between runs', async () => {
    const storage = createMemoryStorage();
    const orders = [
      order('a', '2025-09-01', '5.00'),
      order('a', '2025-09-11', '5.00'),
      order('a', '2025-10-01', '5.00'),
    ];
    const run = async (asOf: string) => {
      const changes: string[] = [];
      const runSetup = { ...setup, indicators: { asOf } };
      for await (const a of scanChurn({ orders }, runSetup, {
        previous: async (id) => {
          const doc = await storage.documents.get('churn-levels', id);
          return doc && LevelStateSchema.parse(doc.data);
        },
      })) {
        if (a.changed) changes.push(`${a.previousLevel}→${a.level}`);
        await storage.documents.put('churn-levels', a.customerId, levelStateOf(a));
      }
      return changes;
    };
    // median gap 15 days: 45 days late is ratio 3 (warning); 35 days is 2.33 (held); 2026-04 is 182 days silent
    expect(await run('2025-11-15')).toEqual(['null→warning']);
    expect(await run('2025-11-05')).toEqual([]);
    expect(await run('2026-04-01')).toEqual(['warning→critical']);
  });

  it('assesses per segment with a segment fact', () => {
    const customer = parseCustomer({ id: 'v', createdAt: '2025-01-01', tags: ['vip'] });
    const history = {
      customerId: 'v',
      customer,
      orders: [order('v', '2025-12-01', '9.00')],
      interactions: [],
    };
    const a = assessCustomer(history, {
      indicators: { asOf: '2026-01-01' },
      thresholds: {
        rules: [{ id: 'x', level: 'watch', when: { fact: 'recencyDays', op: 'gte', value: 60 } }],
        segments: {
          vip: [
            {
              id: 'vip-quiet',
              level: 'warning',
              when: {
                all: [
                  { fact: 'segment', op: 'eq', value: 'vip' },
                  { fact: 'recencyDays', op: 'gte', value: 30 },
                ],
              },
            },
          ],
        },
      },
      segmentOf: (h) =>
        (h.customer as typeof customer | undefined)?.tags.includes('vip') ? 'vip' : undefined,
    });
    expect(a).toMatchObject({ segment: 'vip', level: 'warning', changed: true });
  });

  it('rejects a bad setup with paths before reading anything', async () => {
    let read = false;
    const orders: Iterable<Order> = {
      [Symbol.iterator]: () => {
        read = true;
        return [][Symbol.iterator]();
      },
    };
    const bad: ChurnSetup = {
      indicators: { asOf: '2026-01-01', recentDays: -1 },
      thresholds: { rules: [{ id: 'x', level: 'nope', when: { fact: 'a', op: 'eq', value: 1 } }] },
    };
    await expect(collect(scanChurn({ orders }, bad))).rejects.toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: ['indicators', 'recentDays'] })] }),
    );
    expect(read).toBe(false);
    expect(() => createChurnAssessor({ ...bad, indicators: { asOf: '2026-01-01' } } as ChurnSetup)).toThrow(
      expect.objectContaining({
        issues: [expect.objectContaining({ path: ['thresholds', 'rules', 0, 'level'] })],
      }),
    );
    expect(() => createChurnAssessor(null as never)).toThrow(ChurnConfigError);
    expect(() => assessCustomer({ customerId: '', orders: [], interactions: [] }, setup)).toThrow(
      expect.objectContaining({ path: ['customerId'] }),
    );
  });
});

describe('scanPopulationChurn', () => {
  it('computes the churn rate of a period per segment and alerts above 5 %', async () => {
    // 20 customers active before April: 1 of the 'a*' ten and 2 of the 'b*' ten stop buying
    const orders: Order[] = [];
    for (let i = 0; i < 20; i++) {
      const id = `${i < 10 ? 'a' : 'b'}${String(i).padStart(2, '0')}`;
      orders.push(order(id, '2026-02-01', '10.00'));
      const stops = id === 'a00' || id === 'b10' || id === 'b11';
      if (!stops) orders.push(order(id, '2026-05-01', '10.00'));
    }
    orders.push(order('z', '2026-05-01', '10.00')); // new in the period: not in the population
    const report = await scanPopulationChurn(
      { orders },
      { from: '2026-04-01', to: '2026-07-01', activeDays: 180 },
      { threshold: 0.15 },
      (h) => h.customerId.slice(0, 1),
    );
    expect(report.overall).toMatchObject({ customers: 20, churned: 3, rate: 0.15, alert: false });
    expect(report.segments.map((s) => [s.segment, s.rate, s.alert])).toEqual([
      ['a', 0.1, false],
      ['b', 0.2, true],
    ]);
    await expect(scanPopulationChurn({ orders }, { from: '2026-04-01', to: '2026-03-01' })).rejects.toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: ['to'] })] }),
    );
  });
});
