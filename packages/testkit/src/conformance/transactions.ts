import type { Storage } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  conformanceCampaign,
  conformanceCustomer,
  conformanceEvent,
  conformanceInteraction,
  conformanceOrder,
} from './fixtures';
import { collect, gate, type Harness, idsOf, rejectsWith } from './harness';

/** Everything the isolation test looks at, read through one handle. */
async function snapshot(s: Storage) {
  return {
    customer1Tags: (await s.customers.get('c000001'))?.value.tags,
    customer2: await s.customers.get('c000002'),
    customers: await idsOf(s.customers.list()),
    customerCount: await s.customers.count(),
    orders: await idsOf(s.orders.list({ orderBy: 'customer' })),
    orderCount: await s.orders.count({ customerId: 'c000001' }),
    interactions: await s.interactions.count(),
    campaigns: await idsOf(s.campaigns.list()),
    tier: (await s.documents.get('tiers', 'c000001'))?.data,
    documents: await idsOf(s.documents.list('tiers')),
    lastSequence: await s.events.lastSequence('ledger:c000001'),
    events: (await collect(s.events.readAll())).map((e) => e.id),
  };
}

/** All-or-nothing transactions across every port, isolation and nesting. */
export function transactionTests(h: Harness): void {
  describe('transactions', () => {
    it('commit: every write through tx lands, its own reads see them, and the result is returned', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(9));
      await s.orders.create(conformanceOrder(9, 'c000009', 0));
      await s.documents.put('tiers', 'c000009', { tier: 'bronze' });
      const result = await s.withTransaction(async (tx) => {
        await tx.customers.delete('c000009', { expectedVersion: 1 });
        await tx.orders.delete('o000009', { expectedVersion: 1 });
        await tx.documents.delete('tiers', 'c000009');
        await tx.customers.create(conformanceCustomer(1));
        await tx.orders.createMany([conformanceOrder(1, 'c000001', 0), conformanceOrder(2, 'c000001', 1)]);
        await tx.interactions.create(conformanceInteraction(1, 'c000001', 0));
        await tx.campaigns.create(conformanceCampaign(1));
        await tx.events.append('ledger:c000001', [conformanceEvent(1)]);
        await tx.documents.put('tiers', 'c000001', { tier: 'gold' });
        expect(await tx.orders.count()).toBe(2);
        expect(await idsOf(tx.orders.list({ customerId: 'c000001' }))).toEqual(['o000001', 'o000002']);
        expect(await tx.events.lastSequence('ledger:c000001')).toBe(1);
        expect((await collect(tx.events.read('ledger:c000001'))).map((e) => e.id)).toEqual(['e000001']);
        expect(await idsOf(tx.documents.list('tiers'))).toEqual(['c000001']);
        return { done: 42 };
      });
      expect(result).toEqual({ done: 42 });
      expect(await snapshot(s)).toEqual({
        customer1Tags: [],
        customer2: undefined,
        customers: ['c000001'],
        customerCount: 1,
        orders: ['o000001', 'o000002'],
        orderCount: 2,
        interactions: 1,
        campaigns: ['k000001'],
        tier: { tier: 'gold' },
        documents: ['c000001'],
        lastSequence: 1,
        events: ['e000001'],
      });
    });

    it('rollback: an error undoes the writes to every port and is rethrown unchanged', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      await s.documents.put('tiers', 'c000001', { tier: 'silver' });
      await s.events.append('ledger:c000001', [conformanceEvent(1)]);
      const before = await snapshot(s);
      const boom = new Error('boom');
      await expect(
        s.withTransaction(async (tx) => {
          await tx.customers.update(
            'c000001',
            { ...conformanceCustomer(1), tags: ['changed'] },
            { expectedVersion: 1 },
          );
          await tx.customers.create(conformanceCustomer(2), { idempotencyKey: 'k' });
          await tx.orders.createMany([conformanceOrder(1, 'c000001', 0), conformanceOrder(2, 'c000002', 1)]);
          await tx.interactions.create(conformanceInteraction(1, 'c000001', 0));
          await tx.campaigns.create(conformanceCampaign(1));
          await tx.events.append('ledger:c000001', [conformanceEvent(2), conformanceEvent(3)], {
            expectedSequence: 1,
          });
          await tx.documents.put('tiers', 'c000001', { tier: 'gold' }, { expectedVersion: 1 });
          await tx.documents.put('tiers', 'c000002', { tier: 'gold' });
          await tx.documents.delete('tiers', 'c000002');
          await tx.customers.delete('c000002', { expectedVersion: 1 });
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await snapshot(s)).toEqual(before);
      expect((await s.customers.get('c000001'))!.version).toBe(1);
      expect((await s.documents.get('tiers', 'c000001'))!.version).toBe(1);
      // the idempotency key of the rolled-back create is forgotten too
      const again = await s.customers.create(conformanceCustomer(3), { idempotencyKey: 'k' });
      expect(again.value.id).toBe('c000003');
      // the event ids and sequences of the rolled-back append are free again
      const appended = await s.events.append('ledger:c000001', [conformanceEvent(2)], {
        expectedSequence: 1,
      });
      expect(appended[0]!.sequence).toBe(2);
    });

    it('rethrows whatever work throws, even a value that is not an Error', async () => {
      const s = h.storage();
      const reason = { why: 'not an Error' };
      await expect(
        s.withTransaction(async (tx) => {
          await tx.customers.create(conformanceCustomer(1));
          throw reason;
        }),
      ).rejects.toBe(reason);
      const conflict = await rejectsWith(
        s.withTransaction(async (tx) => {
          await tx.customers.create(conformanceCustomer(1));
          await tx.customers.update('c000001', conformanceCustomer(1), { expectedVersion: 7 });
        }),
        'VERSION_CONFLICT',
      );
      expect(conflict).toMatchObject({ expectedVersion: 7, actualVersion: 1 });
      expect(await s.customers.count()).toBe(0);
    });

    it('a failed write inside a transaction can be caught, and the rest still commits', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      await s.withTransaction(async (tx) => {
        await rejectsWith(tx.customers.create(conformanceCustomer(1)), 'ALREADY_EXISTS');
        await rejectsWith(
          tx.orders.createMany([
            conformanceOrder(1, 'c000001', 0),
            { ...conformanceOrder(2, 'c000001', 0), lines: [] },
          ]),
          'VALIDATION',
        );
        await tx.customers.create(conformanceCustomer(2));
      });
      expect(await idsOf(s.customers.list())).toEqual(['c000001', 'c000002']);
      expect(await s.orders.count()).toBe(0);
    });

    it('isolation: reads from outside do not see the writes of an open transaction', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      await s.documents.put('tiers', 'c000001', { tier: 'silver' });
      const before = await snapshot(s);
      const written = gate();
      const release = gate();
      const running = s.withTransaction(async (tx) => {
        await tx.customers.create(conformanceCustomer(2));
        await tx.customers.update(
          'c000001',
          { ...conformanceCustomer(1), tags: ['tx'] },
          { expectedVersion: 1 },
        );
        await tx.orders.create(conformanceOrder(1, 'c000001', 0));
        await tx.interactions.create(conformanceInteraction(1, 'c000001', 0));
        await tx.campaigns.create(conformanceCampaign(1));
        await tx.documents.put('tiers', 'c000001', { tier: 'gold' });
        await tx.documents.put('tiers', 'c000002', { tier: 'gold' });
        await tx.events.append('ledger:c000001', [conformanceEvent(1)]);
        written.open();
        await release.opened;
      });
      await written.opened;
      expect(await snapshot(s)).toEqual(before);
      release.open();
      await running;
      expect(await snapshot(s)).toEqual({
        customer1Tags: ['tx'],
        customer2: expect.objectContaining({ version: 1 }),
        customers: ['c000001', 'c000002'],
        customerCount: 2,
        orders: ['o000001'],
        orderCount: 1,
        interactions: 1,
        campaigns: ['k000001'],
        tier: { tier: 'gold' },
        documents: ['c000001', 'c000002'],
        lastSequence: 1,
        events: ['e000001'],
      });
    });

    it('a nested transaction joins the outer one: it commits and rolls back with it', async () => {
      const s = h.storage();
      await expect(
        s.withTransaction(async (tx) => {
          const inner = await tx.withTransaction(async (nested) => {
            await nested.customers.create(conformanceCustomer(1));
            await nested.events.append('s', [conformanceEvent(1)]);
            return 'inner result';
          });
          expect(inner).toBe('inner result');
          expect(await tx.customers.get('c000001')).toBeDefined();
          expect(await s.customers.get('c000001')).toBeUndefined();
          throw new Error('outer fails');
        }),
      ).rejects.toThrow('outer fails');
      expect(await s.customers.get('c000001')).toBeUndefined();
      expect(await s.events.lastSequence('s')).toBe(0);
      await s.withTransaction(async (tx) => {
        await tx.withTransaction(async (nested) => {
          await nested.customers.create(conformanceCustomer(1));
        });
        await tx.customers.create(conformanceCustomer(2));
      });
      expect(await idsOf(s.customers.list())).toEqual(['c000001', 'c000002']);
    });

    it('concurrent transactions on one record: one commits, the other conflicts and writes nothing', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      const attempt = (n: number) =>
        s.withTransaction(async (tx) => {
          await tx.orders.create(conformanceOrder(n, 'c000001', 0));
          await tx.customers.update(
            'c000001',
            { ...conformanceCustomer(1), tags: [`t${n}`] },
            { expectedVersion: 1 },
          );
          return n;
        });
      const results = await Promise.allSettled([attempt(1), attempt(2)]);
      const won = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<number>[];
      expect(won).toHaveLength(1);
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(failed.reason).toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: 1, actualVersion: 2 });
      const winner = won[0]!.value;
      expect((await s.customers.get('c000001'))!.value.tags).toEqual([`t${winner}`]);
      expect(await idsOf(s.orders.list())).toEqual([`o00000${winner}`]);
    });
  });
}
