import { describe, expect, it } from 'vitest';
import {
  allowList,
  createTestHost,
  type LoyaltyPluginConfig,
  loyaltyPlugin,
  PluginConfigError,
} from '../src/index';
import { order } from './fixtures';

const config: LoyaltyPluginConfig = {
  program: {
    id: 'club',
    earning: {
      rates: [{ currency: 'EUR', points: 1 }],
      rules: [
        {
          id: 'birthday',
          label: 'Birthday x2',
          when: { fact: 'customer.birthday', op: 'sameDayOfYear', value: { fact: 'order.placedAt' } },
          multiplier: 2,
        },
        {
          id: 'member-day',
          label: 'Member day +50',
          when: { fact: 'order.placedAt', op: 'dayOfMonth', value: 8 },
          bonus: 50,
        },
      ],
    },
    tiers: {
      metric: 'points',
      window: { kind: 'rolling', months: 12 },
      levels: [
        { id: 'silver', name: 'Silver', threshold: 0 },
        { id: 'gold', name: 'Gold', threshold: 200 },
      ],
    },
    rewards: [{ id: 'mug', name: 'Mug', reward: { type: 'gift', sku: 'mug' }, cost: 100 }],
  },
};

async function store() {
  const host = await createTestHost({ plugins: [loyaltyPlugin(config)], start: '2026-01-01T00:00:00Z' });
  await host.crm.recordCustomer({ id: 'c1', birthday: '1990-01-03', createdAt: '2026-01-01' });
  return { host, loyalty: host.crm.api(loyaltyPlugin) };
}

describe('loyalty plugin', () => {
  it('earns on paid orders only, reverses refunds in proportion', async () => {
    const { host, loyalty } = await store();
    await host.crm.recordOrder(order('o1', 'c1', '120.00', 1)); // 2026-01-02, placed: no points yet
    expect((await loyalty.balance('c1')).balance).toBe(0);
    await host.crm.setOrderStatus('o1', 'paid');
    expect((await loyalty.balance('c1')).balance).toBe(120);
    expect(
      host.eventsOf('loyalty.points-earned').map((e) => [e.data.orderId, e.data.points, e.data.balance]),
    ).toEqual([['o1', 120, 120]]);
    await host.crm.recordRefund('o1', { id: 'r1', refundedAt: '2026-01-04', amount: '30.00' });
    expect((await loyalty.balance('c1')).balance).toBe(90);
    expect(host.eventsOf('loyalty.points-reversed').map((e) => e.data.points)).toEqual([30]);
  });

  it('doubles points on the birthday, adds the member-day bonus and upgrades the tier', async () => {
    const { host, loyalty } = await store();
    await host.crm.recordOrder({ ...order('o1', 'c1', '40.00', 2), status: 'paid' }); // 2026-01-03: birthday
    await host.crm.recordOrder({ ...order('o2', 'c1', '10.00', 7), status: 'paid' }); // 2026-01-08: member day
    expect(host.eventsOf('loyalty.points-earned').map((e) => e.data.points)).toEqual([80, 60]);
    expect((await loyalty.tier('c1')).tier).toBe('silver');
    await host.crm.recordOrder({ ...order('o3', 'c1', '70.00', 9), status: 'paid' }); // 210 points
    expect((await loyalty.tier('c1')).tier).toBe('gold');
    expect(host.eventsOf('loyalty.tier-changed').map((e) => [e.data.kind, e.data.from, e.data.to])).toEqual([
      ['upgrade', 'silver', 'gold'],
    ]);
  });

  it('redeems through the endpoint helper and maps errors to HTTP statuses', async () => {
    const { host, loyalty } = await store();
    await host.crm.recordOrder({ ...order('o1', 'c1', '150.00', 1), status: 'paid' });
    await host.advance({ days: 2 }); // points of the 2026-01-02 order are spendable from then
    const ok = await loyalty.endpoints.redeem({ memberId: 'c1', rewardId: 'mug', requestId: 'req-1' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ memberId: 'c1', rewardId: 'mug', points: 100, balance: 50 });
    expect(host.eventsOf('loyalty.reward-redeemed')).toHaveLength(1);
    const again = await loyalty.endpoints.redeem({ memberId: 'c1', rewardId: 'mug', requestId: 'req-1' });
    expect(again.body).toEqual(ok.body); // idempotent per requestId
    expect(
      (await loyalty.endpoints.redeem({ memberId: 'c1', rewardId: 'mug', requestId: 'req-2' })).status,
    ).toBe(409);
    expect(
      (await loyalty.endpoints.redeem({ memberId: 'c1', rewardId: 'nope', requestId: 'req-3' })).status,
    ).toBe(404);
    expect((await loyalty.endpoints.redeem({ memberId: 'c1' })).status).toBe(400);
    const account = await loyalty.endpoints.account('c1');
    expect(account.status).toBe(200);
    expect(account.body).toMatchObject({
      memberId: 'c1',
      balance: { balance: 50 },
      tier: { tier: 'silver' },
    });
  });

  it('reverses the rest on cancellation and ignores refunds of orders that never earned', async () => {
    const { host, loyalty } = await store();
    await host.crm.recordOrder(order('o0', 'c1', '10.00', 1));
    await host.crm.recordRefund('o0', { id: 'r0', refundedAt: '2026-01-03', amount: '10.00' });
    await host.crm.recordOrder({ ...order('o1', 'c1', '100.00', 1), status: 'paid' });
    await host.crm.recordRefund('o1', { id: 'r1', refundedAt: '2026-01-03', amount: '40.00' });
    await host.crm.setOrderStatus('o1', 'cancelled');
    expect((await loyalty.balance('c1')).balance).toBe(0);
    expect(await host.crm.deadLetters.list()).toEqual([]);
  });

  it('refuses a bad programme at registration, naming the config field', async () => {
    const error = (await createTestHost({
      plugins: [loyaltyPlugin({ program: { id: 'club', earning: { rates: [] } } })],
    }).catch((e: unknown) => e)) as PluginConfigError;
    expect(error).toBeInstanceOf(PluginConfigError);
    expect(error.plugin).toBe('loyalty');
    expect(error.issues[0]?.path).toEqual(['program', 'earning', 'rates']);
  });
});

describe('loyalty plugin without personal data', () => {
  it('earns without the birthday bonus when the host does not grant customers:pii', async () => {
    const host = await createTestHost({
      plugins: [loyaltyPlugin(config)],
      accessPolicy: allowList({ loyalty: ['customers:read', 'events:emit'] }),
    });
    await host.crm.recordCustomer({ id: 'c1', birthday: '1990-01-03', createdAt: '2026-01-01' });
    await host.crm.recordOrder({ ...order('o1', 'c1', '40.00', 2), status: 'paid' }); // birthday, but unseen
    expect(host.eventsOf('loyalty.points-earned').map((e) => e.data.points)).toEqual([40]);
  });

  it('still earns when the host grants no customer access at all', async () => {
    const host = await createTestHost({
      plugins: [loyaltyPlugin(config)],
      accessPolicy: allowList({ loyalty: ['events:emit'] }),
    });
    await host.crm.recordOrder({ ...order('o1', 'c1', '40.00', 2), status: 'paid' });
    expect((await host.crm.api(loyaltyPlugin).balance('c1')).balance).toBe(40);
    expect(await host.crm.deadLetters.list()).toEqual([]);
  });
});
