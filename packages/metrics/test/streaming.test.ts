import { createMemoryStorage, type Order, type OrderQuery, parseOrder } from '@crmkit/core';
import { generateDataset } from '@crmkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cohortRetention,
  customerCounts,
  interPurchaseInterval,
  isPurchase,
  orderRevenue,
  periodKpis,
  periodKpisFromStorage,
} from '../src/index';

const DAY = 86_400_000;
const period = { start: new Date('2025-07-01T00:00:00Z'), end: new Date('2025-10-01T00:00:00Z') };
const options = { period, lost: { inactivityDays: 60 }, currency: 'EUR' } as const;

/** A deliberately plain reference: per customer, filter arrays for each definition. */
function reference(orders: readonly Order[]) {
  const start = period.start.getTime();
  const end = period.end.getTime();
  const W = 60 * DAY;
  const byCustomer = new Map<string, number[]>();
  for (const o of orders) {
    if (!isPurchase(o)) continue;
    byCustomer.set(o.customerId, [...(byCustomer.get(o.customerId) ?? []), o.placedAt.getTime()]);
  }
  const activeAt = (times: number[], t: number) => times.some((x) => x >= t - W && x < t);
  let activeAtStart = 0;
  let activeAtEnd = 0;
  let newCustomers = 0;
  let purchasers = 0;
  let repeaters = 0;
  for (const times of byCustomer.values()) {
    if (activeAt(times, start)) activeAtStart++;
    if (activeAt(times, end)) activeAtEnd++;
    if (Math.min(...times) >= start && Math.min(...times) < end) newCustomers++;
    const inside = times.filter((t) => t >= start && t < end).length;
    if (inside > 0) purchasers++;
    if (inside > 1) repeaters++;
  }
  const inPeriod = orders.filter(
    (o) => isPurchase(o) && o.placedAt.getTime() >= start && o.placedAt.getTime() < end,
  );
  const revenue = inPeriod.reduce((sum, o) => sum.plus(orderRevenue(o)), orderRevenue(inPeriod[0]!).times(0));
  return {
    activeAtStart,
    activeAtEnd,
    newCustomers,
    purchasers,
    repeaters,
    orders: inPeriod.length,
    revenue,
  };
}

describe('streaming over a seeded generated dataset', () => {
  const data = generateDataset({ customers: 600, seed: 11, interactions: false });
  const orders = data.orders.map(parseOrder);
  const storage = createMemoryStorage();

  beforeAll(async () => {
    await storage.customers.createMany(data.customers);
    await storage.orders.createMany(data.orders);
  });

  it('matches a naive in-memory reference', async () => {
    const kpis = await periodKpis(orders, options);
    const ref = reference(orders);
    expect(kpis.counts.activeAtStart).toBe(ref.activeAtStart);
    expect(kpis.counts.activeAtEnd).toBe(ref.activeAtEnd);
    expect(kpis.counts.new).toBe(ref.newCustomers);
    expect(kpis.counts.purchasers).toBe(ref.purchasers);
    expect(kpis.repurchaseRate.numerator).toBe(ref.repeaters);
    expect(kpis.averageOrderValue.orders).toBe(ref.orders);
    expect(kpis.averageOrderValue.revenue.amount.equals(ref.revenue)).toBe(true);
    expect(kpis.counts.activeAtStart).toBeGreaterThan(20); // the sample is not trivial
  });

  it('gives identical results from the storage port, reading it once grouped by customer', async () => {
    const calls: OrderQuery[] = [];
    const spy = {
      orders: {
        ...storage.orders,
        list: (query?: OrderQuery) => {
          calls.push(query ?? {});
          return storage.orders.list(query);
        },
      },
    };
    const fromStorage = await periodKpisFromStorage(spy, options, { batchSize: 97 });
    const fromArray = await periodKpis(orders, options);
    expect(calls).toEqual([{ orderBy: 'customer', to: period.end, batchSize: 97 }]);
    expect(JSON.stringify(fromStorage)).toBe(JSON.stringify(fromArray));
  });

  it('gives identical counts, cohorts and intervals from a stream and from an array', async () => {
    const stream = () => storage.orders.list({ orderBy: 'customer' });
    const countOptions = { period, lost: options.lost };
    expect(await customerCounts(stream(), countOptions)).toEqual(await customerCounts(orders, countOptions));
    const cohortOptions = { unit: 'month', asOf: '2026-01-01', currency: 'EUR' } as const;
    expect(JSON.stringify(await cohortRetention(stream(), cohortOptions))).toBe(
      JSON.stringify(await cohortRetention(orders, cohortOptions)),
    );
    expect(await interPurchaseInterval(stream(), { period })).toEqual(
      await interPurchaseInterval(orders, { period }),
    );
  });
});
