import { Money } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  conformanceCampaign,
  conformanceCustomer,
  conformanceInteraction,
  conformanceOrder,
} from './fixtures';
import { type Harness, rejectsWith } from './harness';

/** CRUD round trips, versions and the not-found / already-exists / version-conflict errors. */
export function recordTests(h: Harness): void {
  describe('records', () => {
    it('stores and reads back a customer exactly', async () => {
      const s = h.storage();
      const created = await s.customers.create(conformanceCustomer(3));
      expect(created.version).toBe(1);
      const read = await s.customers.get('c000003');
      expect(read).toEqual(created);
      expect(read!.value).toMatchObject({
        id: 'c000003',
        kind: 'person',
        email: 'customer3@example.com',
        birthday: '1990-02-28',
        tags: ['vip', 'b2b'],
        attributes: { region: 'US', seats: 3, vip: false },
        externalIds: { shop: 's-3' },
      });
      expect(read!.value.createdAt.toISOString()).toBe('2026-01-04T00:00:00.000Z');
      expect(read!.value.consent['email']!.at.toISOString()).toBe('2026-01-01T00:00:00.000Z');
      expect(await s.customers.get('missing')).toBeUndefined();
    });

    it('stores orders with exact Money amounts, lines and refunds', async () => {
      const s = h.storage();
      const input = {
        ...conformanceOrder(1, 'c000001', 0),
        total: '9999999999999999.99',
        refunds: [{ id: 'r1', refundedAt: '2026-01-02', amount: '0.01', reason: 'broken' }],
      };
      await s.orders.create(input);
      const order = (await s.orders.get('o000001'))!.value;
      expect(order.total.equals(Money.of('9999999999999999.99', 'EUR'))).toBe(true);
      expect(
        order.lines.map((l) => [l.sku, l.quantity, l.unitPrice.toString(), l.unitCost?.toString()]),
      ).toEqual([
        ['sku-1', 2, '4.99 EUR', '2.1 EUR'],
        ['gift', 1, '0.01 EUR', undefined],
      ]);
      expect(order.refunds[0]!.amount.toString()).toBe('0.01 EUR');
      expect(order.refunds[0]!.refundedAt.toISOString()).toBe('2026-01-02T00:00:00.000Z');
      expect(order.placedAt.toISOString()).toBe('2026-01-01T00:00:01.000Z');
      expect(order).toMatchObject({ channel: 'store', status: 'paid', currency: 'EUR' });
    });

    it('stores interactions and campaigns', async () => {
      const s = h.storage();
      await s.interactions.create(conformanceInteraction(3, 'c000001', 1));
      await s.campaigns.create(conformanceCampaign(2));
      expect((await s.interactions.get('i000003'))!.value).toMatchObject({ type: 'survey', nps: 3, csat: 4 });
      const campaign = (await s.campaigns.get('k000002'))!.value;
      expect(campaign.spend.toString()).toBe('1002.5 EUR');
      expect(campaign.endsAt!.toISOString()).toBe('2026-02-02T00:00:00.000Z');
    });

    it('updates with optimistic concurrency and counts versions up by one', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      const v2 = await s.customers.update(
        'c000001',
        { ...conformanceCustomer(1), tags: ['gold'] },
        { expectedVersion: 1 },
      );
      expect(v2.version).toBe(2);
      expect(v2.value.tags).toEqual(['gold']);
      const error = await rejectsWith(
        s.customers.update('c000001', { ...conformanceCustomer(1), tags: ['lost'] }, { expectedVersion: 1 }),
        'VERSION_CONFLICT',
      );
      expect(error).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
      expect((await s.customers.get('c000001'))!.value.tags).toEqual(['gold']);
      await rejectsWith(
        s.customers.update('nobody', { ...conformanceCustomer(1), id: 'nobody' }, { expectedVersion: 1 }),
        'NOT_FOUND',
      );
      await rejectsWith(
        s.customers.update('c000001', conformanceCustomer(2), { expectedVersion: 2 }),
        'VALIDATION',
      );
    });

    it('rejects a duplicate id and deletes with a version check', async () => {
      const s = h.storage();
      await s.orders.create(conformanceOrder(1, 'c000001', 0));
      await rejectsWith(s.orders.create(conformanceOrder(1, 'c000002', 5)), 'ALREADY_EXISTS');
      expect((await s.orders.get('o000001'))!.value.customerId).toBe('c000001');
      await rejectsWith(s.orders.delete('o000001', { expectedVersion: 2 }), 'VERSION_CONFLICT');
      await s.orders.delete('o000001', { expectedVersion: 1 });
      expect(await s.orders.get('o000001')).toBeUndefined();
      expect(await s.orders.count()).toBe(0);
      await rejectsWith(s.orders.delete('o000001', { expectedVersion: 1 }), 'NOT_FOUND');
      await s.orders.create(conformanceOrder(1, 'c000003', 0));
      expect((await s.orders.get('o000001'))!.version).toBe(1);
    });

    it('counts with filters', async () => {
      const s = h.storage();
      await s.orders.createMany(
        [1, 2, 3, 4].map((n) => conformanceOrder(n, n % 2 ? 'c000001' : 'c000002', n)),
      );
      await s.interactions.createMany([0, 1, 2, 3, 4, 5].map((n) => conformanceInteraction(n, 'c000001', n)));
      expect(await s.orders.count()).toBe(4);
      expect(await s.orders.count({ customerId: 'c000001' })).toBe(2);
      expect(await s.orders.count({ from: new Date('2026-01-03'), to: new Date('2026-01-05') })).toBe(2);
      expect(await s.interactions.count({ type: 'survey' })).toBe(2);
      expect(await s.interactions.count({ type: ['survey', 'activity'] })).toBe(4);
      expect(await s.customers.count()).toBe(0);
    });
  });
}
