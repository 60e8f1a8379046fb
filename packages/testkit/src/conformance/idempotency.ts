import { describe, expect, it } from 'vitest';
import { conformanceCustomer, conformanceEvent, conformanceOrder } from './fixtures';
import { collect, type Harness } from './harness';

/** A repeated idempotency key writes nothing new and returns the first result. */
export function idempotencyTests(h: Harness): void {
  describe('idempotency', () => {
    it('a repeated create returns the first result and writes nothing new', async () => {
      const s = h.storage();
      const first = await s.orders.create(conformanceOrder(1, 'c000001', 0), {
        idempotencyKey: 'checkout-1',
      });
      const again = await s.orders.create(conformanceOrder(2, 'c000002', 3), {
        idempotencyKey: 'checkout-1',
      });
      expect(again).toEqual(first);
      expect(await s.orders.count()).toBe(1);
      expect(await s.orders.get('o000002')).toBeUndefined();
    });

    it('concurrent repeats of one key write once', async () => {
      const s = h.storage();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          s.customers.create(conformanceCustomer(1), { idempotencyKey: 'signup-1' }),
        ),
      );
      for (const r of results) expect(r).toEqual(results[0]);
      expect(await s.customers.count()).toBe(1);
    });

    it('a repeated update returns the first result instead of conflicting', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      const input = { ...conformanceCustomer(1), tags: ['gold'] };
      const first = await s.customers.update('c000001', input, {
        expectedVersion: 1,
        idempotencyKey: 'tier-up',
      });
      const again = await s.customers.update('c000001', input, {
        expectedVersion: 1,
        idempotencyKey: 'tier-up',
      });
      expect(again).toEqual(first);
      expect((await s.customers.get('c000001'))!.version).toBe(2);
    });

    it('createMany, documents and event appends honour keys too', async () => {
      const s = h.storage();
      const batch = [1, 2].map((n) => conformanceOrder(n, 'c000001', n));
      const first = await s.orders.createMany(batch, { idempotencyKey: 'import-1' });
      expect(await s.orders.createMany(batch, { idempotencyKey: 'import-1' })).toEqual(first);
      expect(await s.orders.count()).toBe(2);
      const doc = await s.documents.put('tiers', 'm1', { tier: 'gold' }, { idempotencyKey: 'k1' });
      expect(await s.documents.put('tiers', 'm1', { tier: 'silver' }, { idempotencyKey: 'k1' })).toEqual(doc);
      expect((await s.documents.get('tiers', 'm1'))!.data).toEqual({ tier: 'gold' });
      const appended = await s.events.append('ledger:m1', [conformanceEvent(1)], {
        idempotencyKey: 'order-1',
      });
      expect(
        await s.events.append('ledger:m1', [conformanceEvent(2)], { idempotencyKey: 'order-1' }),
      ).toEqual(appended);
      expect((await collect(s.events.read('ledger:m1'))).map((e) => e.id)).toEqual(['e000001']);
    });

    it('keys are scoped per repository', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1), { idempotencyKey: 'same' });
      await s.orders.create(conformanceOrder(1, 'c000001', 0), { idempotencyKey: 'same' });
      expect(await s.orders.count()).toBe(1);
      expect(await s.customers.count()).toBe(1);
    });
  });
}
