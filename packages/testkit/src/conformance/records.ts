import { Money } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  conformanceCampaign,
  conformanceCustomer,
  conformanceInteraction,
  conformanceOrder,
} from './fixtures';
import { type Harness, rejectsWith } from './harness';
import { recordKinds } from './kinds';

const at = (iso: string) => new Date(iso);
const json = (money: unknown) => (Money.isMoney(money) ? money.toJSON() : { notMoney: money });

/** CRUD round trips with exact values, versions, and the not-found / already-exists / version-conflict errors. */
export function recordTests(h: Harness): void {
  describe('records', () => {
    it('stores and reads back a customer with every field exactly', async () => {
      const s = h.storage();
      const created = await s.customers.create(conformanceCustomer(21));
      const expected = {
        id: 'c000021',
        kind: 'account',
        externalIds: { shop: 's-21' },
        name: 'Customer 21',
        email: 'customer21@example.com',
        phone: '+49 30 1234567',
        birthday: '1990-02-28',
        attributes: { region: 'US', seats: 1, vip: false, note: null },
        tags: ['vip', 'b2b'],
        consent: { email: { granted: true, at: at('2026-01-01T00:00:00Z'), source: 'checkout' } },
        ownerId: 'owner-1',
        acquisition: { channel: 'search', campaignId: 'k000001', at: at('2025-12-31T00:00:00Z') },
        createdAt: at('2026-01-22T00:00:00Z'),
      };
      expect(created).toEqual({ value: expected, version: 1 });
      expect(await s.customers.get('c000021')).toEqual({ value: expected, version: 1 });
      expect(await s.customers.get('c000022')).toBeUndefined();
    });

    it('fills defaults, leaves absent optional fields absent and reads offsets as UTC', async () => {
      const s = h.storage();
      await s.customers.create({ id: 'minimal', createdAt: '2026-03-01T10:00:00+02:00' });
      const { value } = (await s.customers.get('minimal'))!;
      expect(Object.keys(value).sort()).toEqual([
        'attributes',
        'consent',
        'createdAt',
        'externalIds',
        'id',
        'kind',
        'tags',
      ]);
      expect(value).toEqual({
        id: 'minimal',
        kind: 'person',
        externalIds: {},
        attributes: {},
        tags: [],
        consent: {},
        createdAt: at('2026-03-01T08:00:00Z'),
      });
    });

    it('stores orders with exact Money amounts, lines, totals and refunds', async () => {
      const s = h.storage();
      await s.orders.create({
        ...conformanceOrder(1, 'c000001', 0),
        total: '9999999999999999.99',
        refunds: [{ id: 'r1', refundedAt: '2026-01-02', amount: '0.01', reason: 'broken' }],
      });
      await s.orders.create({
        id: 'tenths',
        customerId: 'c000002',
        placedAt: '2026-02-01T12:00:00Z',
        currency: 'EUR',
        lines: [{ sku: 'x', quantity: 3, unitPrice: '0.1' }],
      });
      await s.orders.create({
        id: 'yen',
        customerId: 'c000002',
        placedAt: '2026-02-02T00:00:00Z',
        currency: 'JPY',
        lines: [{ sku: 'y', quantity: 3, unitPrice: 1200 }],
        status: 'cancelled',
      });
      const order = (await s.orders.get('o000001'))!.value;
      expect(json(order.total)).toEqual({ amount: '9999999999999999.99', currency: 'EUR' });
      expect(order.lines.map((l) => [l.sku, l.name, l.category, l.quantity, json(l.unitPrice)])).toEqual([
        ['sku-1', 'Green tea', 'cups', 2, { amount: '4.99', currency: 'EUR' }],
        ['gift', undefined, undefined, 1, { amount: '0.01', currency: 'EUR' }],
      ]);
      expect(json(order.lines[0]!.unitCost)).toEqual({ amount: '2.1', currency: 'EUR' });
      expect('unitCost' in order.lines[1]!).toBe(false);
      expect(order.refunds).toHaveLength(1);
      expect(order.refunds[0]).toMatchObject({
        id: 'r1',
        refundedAt: at('2026-01-02T00:00:00Z'),
        reason: 'broken',
      });
      expect(json(order.refunds[0]!.amount)).toEqual({ amount: '0.01', currency: 'EUR' });
      expect(order).toMatchObject({
        customerId: 'c000001',
        placedAt: at('2026-01-01T00:00:01Z'),
        currency: 'EUR',
        channel: 'store',
        campaignId: 'k000001',
        status: 'paid',
      });
      // 3 × 0.1 is exactly 0.3 (a float sum would give 0.30000000000000004)
      expect(json((await s.orders.get('tenths'))!.value.total)).toEqual({ amount: '0.3', currency: 'EUR' });
      expect((await s.orders.get('tenths'))!.value.status).toBe('placed');
      const yen = (await s.orders.get('yen'))!.value;
      expect(json(yen.total)).toEqual({ amount: '3600', currency: 'JPY' });
      expect(yen.status).toBe('cancelled');
    });

    it('stores every kind of interaction exactly', async () => {
      const s = h.storage();
      const base = { customerId: 'c1', occurredAt: '2026-04-01T09:30:00Z' };
      const inputs = [
        {
          ...base,
          id: 'complaint',
          type: 'complaint',
          category: 'delivery',
          severity: 'low',
          reason: 'delivery',
          resolvedAt: '2026-04-01T10:00:00Z',
        },
        { ...base, id: 'survey', type: 'survey', nps: 0, csat: 100, ces: 7, comment: 'ok' },
        { ...base, id: 'referral', type: 'referral', referredCustomerId: 'c2', code: 'FRIEND' },
        { ...base, id: 'review', type: 'review', rating: 5, text: 'Lovely' },
        { ...base, id: 'ticket', type: 'ticket', ticketId: 't1', status: 'opened', level: '24h' },
        {
          ...base,
          id: 'marketing',
          type: 'marketing',
          campaignId: 'k1',
          cost: { amount: '0.0125', currency: 'USD' },
        },
        { ...base, id: 'activity', type: 'activity', activity: 'login', channel: 'app', note: 'n' },
      ] as const;
      await s.interactions.createMany(inputs);
      const read = async (id: string) => (await s.interactions.get(id))!.value as Record<string, unknown>;
      expect(await read('complaint')).toEqual({
        ...inputs[0],
        occurredAt: at(base.occurredAt),
        resolvedAt: at('2026-04-01T10:00:00Z'),
      });
      expect(await read('survey')).toEqual({ ...inputs[1], occurredAt: at(base.occurredAt) });
      expect(await read('referral')).toEqual({
        ...inputs[2],
        occurredAt: at(base.occurredAt),
        converted: false,
      });
      expect(await read('review')).toEqual({ ...inputs[3], occurredAt: at(base.occurredAt) });
      expect(await read('ticket')).toEqual({ ...inputs[4], occurredAt: at(base.occurredAt) });
      const marketing = await read('marketing');
      expect(json(marketing['cost'])).toEqual({ amount: '0.0125', currency: 'USD' });
      expect(marketing).toMatchObject({ id: 'marketing', type: 'marketing', campaignId: 'k1' });
      expect(await read('activity')).toEqual({ ...inputs[6], occurredAt: at(base.occurredAt) });
      expect(await s.interactions.count()).toBe(7);
    });

    it('stores campaigns with exact spend and an optional end', async () => {
      const s = h.storage();
      await s.campaigns.create(conformanceCampaign(2));
      await s.campaigns.create({
        id: 'open-ended',
        name: 'Always on',
        channel: 'social',
        startsAt: '2026-01-01',
        spend: { amount: '0', currency: 'GBP' },
      });
      const campaign = (await s.campaigns.get('k000002'))!.value;
      expect(json(campaign.spend)).toEqual({ amount: '1002.5', currency: 'EUR' });
      expect(campaign).toMatchObject({
        name: 'Campaign 2',
        channel: 'search',
        startsAt: at('2026-01-03T00:00:00Z'),
        endsAt: at('2026-02-02T00:00:00Z'),
      });
      const open = (await s.campaigns.get('open-ended'))!.value;
      expect('endsAt' in open).toBe(false);
      expect(json(open.spend)).toEqual({ amount: '0', currency: 'GBP' });
    });

    for (const kind of recordKinds) {
      describe(kind.name, () => {
        it('creates at version 1, updates one version up at a time, deletes, and creates again at 1', async () => {
          const s = h.storage();
          const repo = kind.repository(s);
          const id = kind.id(1);
          const created = await repo.create(kind.input(1));
          expect(created.version).toBe(1);
          expect(created.value.id).toBe(id);
          const changed = kind.change(kind.input(1));
          const v2 = await repo.update(id, changed, { expectedVersion: 1 });
          expect(v2.version).toBe(2);
          const v3 = await repo.update(id, kind.input(1), { expectedVersion: 2 });
          expect(v3.version).toBe(3);
          expect(await repo.get(id)).toEqual(v3);
          expect(v3).toEqual({ ...created, version: 3 });
          expect(v2.value).not.toEqual(created.value);
          await repo.delete(id, { expectedVersion: 3 });
          expect(await repo.get(id)).toBeUndefined();
          expect(await repo.count()).toBe(0);
          expect((await repo.create(kind.input(1))).version).toBe(1);
        });

        it('throws ALREADY_EXISTS, NOT_FOUND and VERSION_CONFLICT with their fields, writing nothing', async () => {
          const s = h.storage();
          const repo = kind.repository(s);
          const id = kind.id(1);
          const created = await repo.create(kind.input(1));
          const exists = await rejectsWith(repo.create(kind.change(kind.input(1))), 'ALREADY_EXISTS');
          expect(exists.name).toBe('AlreadyExistsError');
          expect(exists.details).toMatchObject({ id });
          expect(await repo.get(id)).toEqual(created);
          const v2 = await repo.update(id, kind.change(kind.input(1)), { expectedVersion: 1 });
          const stale = await rejectsWith(
            repo.update(id, kind.input(1), { expectedVersion: 1 }),
            'VERSION_CONFLICT',
          );
          expect(stale).toMatchObject({ name: 'VersionConflictError', expectedVersion: 1, actualVersion: 2 });
          const staleDelete = await rejectsWith(repo.delete(id, { expectedVersion: 3 }), 'VERSION_CONFLICT');
          expect(staleDelete).toMatchObject({ expectedVersion: 3, actualVersion: 2 });
          expect(await repo.get(id)).toEqual(v2);
          const missing = kind.id(2);
          const notFound = await rejectsWith(
            repo.update(missing, kind.input(2), { expectedVersion: 1 }),
            'NOT_FOUND',
          );
          expect(notFound.name).toBe('NotFoundError');
          expect(notFound.details).toMatchObject({ id: missing });
          await rejectsWith(repo.delete(missing, { expectedVersion: 1 }), 'NOT_FOUND');
          expect(await repo.get(missing)).toBeUndefined();
          expect(await repo.count()).toBe(1);
        });
      });
    }

    it('counts with every filter', async () => {
      const s = h.storage();
      await s.orders.createMany(
        [1, 2, 3, 4, 5].map((n) => conformanceOrder(n, n % 2 ? 'c000001' : 'c000002', n)),
      );
      await s.interactions.createMany([0, 1, 2, 3, 4, 5].map((n) => conformanceInteraction(n, 'c000001', n)));
      await s.interactions.create(conformanceInteraction(6, 'c000002', 6));
      await s.campaigns.createMany([1, 2, 3].map(conformanceCampaign));
      await s.customers.createMany([1, 2].map(conformanceCustomer));
      expect(await s.customers.count()).toBe(2);
      expect(await s.orders.count()).toBe(5);
      expect(await s.orders.count({ customerId: 'c000001' })).toBe(3);
      // orders 2, 3 and 4 are placed on days 2, 3 and 4: [Jan 3, Jan 5) holds days 2 and 3
      expect(await s.orders.count({ from: at('2026-01-03'), to: at('2026-01-05') })).toBe(2);
      expect(await s.orders.count({ customerId: 'c000001', from: at('2026-01-03') })).toBe(2);
      expect(await s.interactions.count({ type: 'survey' })).toBe(3);
      expect(await s.interactions.count({ type: ['survey', 'activity'] })).toBe(5);
      expect(await s.interactions.count({ customerId: 'c000002' })).toBe(1);
      expect(await s.interactions.count({ customerId: 'c000001', type: 'complaint' })).toBe(2);
      expect(await s.campaigns.count({ channel: 'social' })).toBe(2);
      expect(await s.campaigns.count({ channel: 'tv' })).toBe(0);
    });
  });
}
