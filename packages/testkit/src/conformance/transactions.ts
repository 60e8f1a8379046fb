import { describe, expect, it } from 'vitest';
import { conformanceCustomer, conformanceEvent, conformanceOrder } from './fixtures';
import { collect, type Harness, rejectsWith } from './harness';

/** All-or-nothing transactions, isolation and nesting. */
export function transactionTests(h: Harness): void {
  describe('transactions', () => {
    it('commit: every write lands and the result is returned', async () => {
      const s = h.storage();
      const result = await s.withTransaction(async (tx) => {
        await tx.customers.create(conformanceCustomer(1));
        await tx.orders.create(conformanceOrder(1, 'c000001', 0));
        await tx.events.append('ledger:c000001', [conformanceEvent(1)]);
        await tx.documents.put('tiers', 'c000001', { tier: 'gold' });
        expect(await tx.orders.count()).toBe(1);
        return 'done';
      });
      expect(result).toBe('done');
      expect(await s.customers.count()).toBe(1);
      expect(await s.orders.count()).toBe(1);
      expect(await s.events.lastSequence('ledger:c000001')).toBe(1);
      expect((await s.documents.get('tiers', 'c000001'))!.data).toEqual({ tier: 'gold' });
    });

    it('rollback: an error undoes every port and is rethrown unchanged', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      await s.documents.put('tiers', 'c000001', { tier: 'silver' });
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
          await tx.interactions.create({
            type: 'activity',
            id: 'i1',
            customerId: 'c000001',
            occurredAt: '2026-01-01',
            activity: 'visit',
          });
          await tx.events.append('ledger:c000001', [conformanceEvent(1), conformanceEvent(2)]);
          await tx.documents.put('tiers', 'c000001', { tier: 'gold' });
          await tx.documents.put('tiers', 'c000002', { tier: 'gold' });
          await tx.customers.delete('c000002', { expectedVersion: 1 });
          throw boom;
        }),
      ).rejects.toBe(boom);
      const c1 = (await s.customers.get('c000001'))!;
      expect(c1.version).toBe(1);
      expect(c1.value.tags).toEqual([]);
      expect(await s.customers.get('c000002')).toBeUndefined();
      expect(await s.orders.count()).toBe(0);
      expect(await s.interactions.count()).toBe(0);
      expect(await s.events.lastSequence('ledger:c000001')).toBe(0);
      expect(await collect(s.events.readAll())).toEqual([]);
      expect((await s.documents.get('tiers', 'c000001'))!).toMatchObject({
        version: 1,
        data: { tier: 'silver' },
      });
      expect(await s.documents.get('tiers', 'c000002')).toBeUndefined();
      // the idempotency key of the rolled-back create is forgotten too
      const again = await s.customers.create(conformanceCustomer(3), { idempotencyKey: 'k' });
      expect(again.value.id).toBe('c000003');
      // event ids of the rolled-back append can be used again
      await s.events.append('ledger:c000001', [conformanceEvent(1)]);
    });

    it('a failed write inside a transaction can be caught and the rest still commits', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      await s.withTransaction(async (tx) => {
        await rejectsWith(tx.customers.create(conformanceCustomer(1)), 'ALREADY_EXISTS');
        await tx.customers.create(conformanceCustomer(2));
      });
      expect(await s.customers.count()).toBe(2);
    });

    it('isolation: outside readers do not see uncommitted writes', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let written!: () => void;
      const wrote = new Promise<void>((r) => {
        written = r;
      });
      const running = s.withTransaction(async (tx) => {
        await tx.customers.create(conformanceCustomer(2));
        await tx.customers.update(
          'c000001',
          { ...conformanceCustomer(1), tags: ['tx'] },
          { expectedVersion: 1 },
        );
        await tx.events.append('s', [conformanceEvent(1)]);
        written();
        await gate;
      });
      await wrote;
      expect(await s.customers.get('c000002')).toBeUndefined();
      expect((await s.customers.get('c000001'))!.value.tags).toEqual([]);
      expect((await collect(s.customers.list())).map((c) => c.id)).toEqual(['c000001']);
      expect(await s.events.lastSequence('s')).toBe(0);
      release();
      await running;
      expect((await collect(s.customers.list())).map((c) => c.id)).toEqual(['c000001', 'c000002']);
      expect((await s.customers.get('c000001'))!.value.tags).toEqual(['tx']);
    });

    it('a nested transaction joins the outer one', async () => {
      const s = h.storage();
      await expect(
        s.withTransaction(async (tx) => {
          await tx.withTransaction(async (inner) => {
            await inner.customers.create(conformanceCustomer(1));
          });
          expect(await tx.customers.get('c000001')).toBeDefined();
          throw new Error('outer fails');
        }),
      ).rejects.toThrow('outer fails');
      expect(await s.customers.get('c000001')).toBeUndefined();
    });

    it('concurrent transactions on one record: one commits, the other conflicts', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      const attempt = (tag: string) =>
        s.withTransaction(async (tx) => {
          const current = (await tx.customers.get('c000001'))!;
          await tx.customers.update(
            'c000001',
            { ...conformanceCustomer(1), tags: [tag] },
            { expectedVersion: 1 },
          );
          return current.version;
        });
      const results = await Promise.allSettled([attempt('a'), attempt('b')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(failed.reason.code).toBe('VERSION_CONFLICT');
      expect((await s.customers.get('c000001'))!.version).toBe(2);
    });
  });
}
