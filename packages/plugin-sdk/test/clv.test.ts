import {
  BgNbdModel,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  GammaGammaModel,
  summarizeTransactions,
} from '@crmkit/clv';
import {
  createManualClock,
  createMemoryStorage,
  NotFoundError,
  netTotal,
  type Order,
  ValidationError,
} from '@crmkit/core';
import { generateDataset } from '@crmkit/testkit';
import { describe, expect, it } from 'vitest';
import { type ClvModels, createCrm, createTestHost } from '../src/index';
import { order } from './fixtures';

// The CDNOW parameters of @crmkit/clv's README, as models fitted elsewhere.
const models: ClvModels = {
  purchases: new BgNbdModel({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }),
  spend: new GammaGammaModel({ p: 6.25, q: 3.74, v: 15.45 }),
  timeUnit: 'weeks',
  currency: 'EUR',
};

/** c1 buys on days 0, 7 and 21 (EUR 10, 20, 30 less a 6 refund); a cancelled and a fully refunded order do not count. */
async function shop() {
  const host = await createTestHost({ start: '2026-02-12T00:00:00Z' }); // day 42
  await host.crm.recordCustomer({ id: 'c1', createdAt: '2026-01-01' });
  await host.crm.recordCustomer({ id: 'c2', createdAt: '2026-01-01' });
  await host.crm.recordOrder(order('o1', 'c1', '10.00', 0));
  await host.crm.recordOrder(order('o2', 'c1', '20.00', 7));
  await host.crm.recordOrder(order('o3', 'c1', '30.00', 21));
  await host.crm.recordRefund('o3', { id: 'r1', refundedAt: '2026-01-23', amount: '6.00' });
  await host.crm.recordOrder(order('o4', 'c1', '99.00', 14));
  await host.crm.setOrderStatus('o4', 'cancelled');
  await host.crm.recordOrder(order('o5', 'c1', '15.00', 28));
  await host.crm.recordRefund('o5', { id: 'r2', refundedAt: '2026-01-30', amount: '15.00' });
  return host;
}

describe('crm.clv', () => {
  it('scores a customer with given models exactly as @crmkit/clv does', async () => {
    const { crm } = await shop();
    const value = await crm.clv.forCustomer('c1', models, { months: 12, discountRate: 0.01 });
    // Repeat purchase days 7 and 21 → frequency 2; first to last 3 weeks; 6 weeks observed; mean(20, 24) = 22.
    const row = { frequency: 2, recency: 3, T: 6, monetaryValue: 22 };
    expect(value.row).toEqual(row);
    const direct = customerLifetimeValue(models.purchases, models.spend, row, {
      months: 12,
      discountRate: 0.01,
      timeUnit: 'weeks',
    });
    expect(value.clv).toBe(direct);
    expect(value.clv).toBeGreaterThan(0);
    expect(value.value.toString()).toBe(`${direct.toFixed(2)} EUR`);
    expect(value.probabilityAlive).toBe(models.purchases.probabilityAlive(row));
    expect(value.expectedPurchases).toBe(models.purchases.expectedPurchases(12 * 4.345, row));
    expect(value).toMatchObject({
      customerId: 'c1',
      currency: 'EUR',
      asOf: new Date('2026-02-12T00:00:00Z'),
    });

    // Defaults: 12 months at 1 % a month.
    expect((await crm.clv.forCustomer('c1', models)).clv).toBe(direct);

    // No purchase yet: nothing to project.
    const none = await crm.clv.forCustomer('c2', models);
    expect(none).toMatchObject({ clv: 0, expectedPurchases: 0 });
    expect(none.row).toBeUndefined();
    expect(none.value.isZero()).toBe(true);
  });

  it('fits BG/NBD and Gamma-Gamma on the stored orders, as fitting directly does', async () => {
    const data = generateDataset({
      customers: 400,
      seed: 5,
      start: '2025-01-01',
      end: '2026-01-01',
      interactions: false,
    });
    const storage = createMemoryStorage();
    await storage.customers.createMany(data.customers);
    await storage.orders.createMany(data.orders);
    const crm = await createCrm({ clock: createManualClock('2026-01-01T00:00:00Z'), storage });
    const fitted = await crm.clv.fit();
    expect(fitted).toMatchObject({ timeUnit: 'weeks', currency: 'EUR' });

    const orders: Order[] = [];
    // In the facade's read order (by customer), so the optimiser sees the same rows and lands on the same bits.
    for await (const o of storage.orders.list({ orderBy: 'customer' })) orders.push(o);
    const rows = summarizeTransactions(
      orders
        .filter((o) => o.status !== 'cancelled' && netTotal(o).isPositive())
        .map((o) => ({ customerId: o.customerId, date: o.placedAt, amount: netTotal(o).amount })),
      { calibrationEnd: '2026-01-01T00:00:00Z', timeUnit: 'weeks', monetary: 'mean' },
    );
    const purchases = fitBgNbd(rows);
    const spend = fitGammaGamma(
      rows.filter((r) => r.frequency > 0 && r.monetaryValue > 0).map((r) => ({ ...r })),
    );
    expect((fitted.purchases as BgNbdModel).params).toEqual(purchases.params);
    expect((fitted.spend as GammaGammaModel).params).toEqual(spend.params);

    const someone = rows.find((r) => r.frequency >= 2)!;
    const value = await crm.clv.forCustomer(someone.customerId, fitted, { months: 6 });
    const row = {
      frequency: someone.frequency,
      recency: someone.recency,
      T: someone.T,
      monetaryValue: someone.monetaryValue,
    };
    expect(value.row).toEqual(row);
    expect(value.clv).toBe(customerLifetimeValue(purchases, spend, row, { months: 6, timeUnit: 'weeks' }));
  });

  it('validates its input with typed errors', async () => {
    const { crm } = await shop();
    const bad = await crm.clv
      .forCustomer('c1', { ...models, spend: {} } as unknown as ClvModels)
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues[0]?.path).toEqual(['spend']);
    await expect(crm.clv.forCustomer('c1', models, { months: 0 })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ['months'] })],
    });
    await expect(crm.clv.forCustomer('nobody', models)).rejects.toBeInstanceOf(NotFoundError);
    await expect(crm.clv.forCustomer('', models)).rejects.toBeInstanceOf(ValidationError);
    await expect(crm.clv.fit({ timeUnit: 'months' } as never)).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ['timeUnit'] })],
    });

    await crm.recordOrder({ ...order('o9', 'c2', '5.00', 3), currency: 'USD' });
    const mixed = await crm.clv.fit().catch((e: unknown) => e);
    expect(mixed).toBeInstanceOf(ValidationError);
    expect((mixed as ValidationError).issues[0]).toMatchObject({
      path: ['currency'],
      message: 'orders are in EUR and USD; choose one currency',
    });
    // Scoring in EUR ignores c2's USD order.
    expect((await crm.clv.forCustomer('c2', models)).row).toBeUndefined();

    const empty = await createTestHost();
    await expect(empty.crm.clv.fit()).rejects.toMatchObject({
      issues: [expect.objectContaining({ message: 'there are no orders to fit on' })],
    });
  });
});
