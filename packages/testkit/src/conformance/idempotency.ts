import { describe, expect, it } from 'vitest';
import { conformanceCustomer, conformanceEvent, conformanceOrder } from './fixtures';
import { collect, type Harness, idsOf, rejectsWith } from './harness';
import { recordKinds } from './kinds';

/** A repeated idempotency key writes nothing new and returns the first result. */
export function idempotencyTests(h: Harness): void {
  describe('idempotency', () => {
    for (const kind of recordKinds) {
      it(`${kind.name}: a repeated key returns the first result, even for other input, and writes nothing`, async () => {
        const s = h.storage();
        const repo = kind.repository(s);
        const first = await repo.create(kind.input(1), { idempotencyKey: 'import:1' });
        expect(await repo.create(kind.input(2), { idempotencyKey: 'import:1' })).toEqual(first);
        expect(await repo.get(kind.id(2))).toBeUndefined();
        const many = await repo.createMany([kind.input(3), kind.input(4)], { idempotencyKey: 'batch' });
        expect(await repo.createMany([kind.input(5)], { idempotencyKey: 'batch' })).toEqual(many);
        const updated = await repo.update(kind.id(1), kind.change(kind.input(1)), {
          expectedVersion: 1,
          idempotencyKey: 'change:1',
        });
        // the repeat would conflict (the version is 2 now), but it replays the first result
        expect(
          await repo.update(kind.id(1), kind.input(1), { expectedVersion: 1, idempotencyKey: 'change:1' }),
        ).toEqual(updated);
        await repo.delete(kind.id(3), { expectedVersion: 1, idempotencyKey: 'erase:3' });
        await repo.delete(kind.id(3), { expectedVersion: 1, idempotencyKey: 'erase:3' });
        expect((await idsOf(repo.list())).sort()).toEqual([kind.id(1), kind.id(4)].sort());
        expect(await repo.get(kind.id(1))).toEqual(updated);
      });
    }

    it('concurrent repeats of one key write once and all return the first result', async () => {
      const s = h.storage();
      const creates = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.customers.create(conformanceCustomer(i === 0 ? 1 : 100 + i), { idempotencyKey: 'signup' }),
        ),
      );
      for (const r of creates) expect(r).toEqual(creates[0]);
      expect(await s.customers.count()).toBe(1);
      const updates = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.customers.update(
            creates[0]!.value.id,
            { ...conformanceCustomer(1), tags: [`t${i}`] },
            { expectedVersion: 1, idempotencyKey: 'retag' },
          ),
        ),
      );
      for (const r of updates) expect(r).toEqual(updates[0]);
      expect((await s.customers.get(creates[0]!.value.id))!.version).toBe(2);
      const batches = await Promise.all(
        Array.from({ length: 5 }, () =>
          s.orders.createMany(
            [1, 2, 3].map((n) => conformanceOrder(n, 'c000001', n)),
            { idempotencyKey: 'csv' },
          ),
        ),
      );
      for (const r of batches) expect(r).toEqual(batches[0]);
      expect(await s.orders.count()).toBe(3);
      const puts = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.documents.put('counters', 'visits', { n: i }, { idempotencyKey: 'count' }),
        ),
      );
      for (const r of puts) expect(r).toEqual(puts[0]);
      expect((await s.documents.get('counters', 'visits'))!.version).toBe(1);
      const appends = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.events.append('ledger:m1', [conformanceEvent(i + 1)], { idempotencyKey: 'earn:o1' }),
        ),
      );
      for (const r of appends) expect(r).toEqual(appends[0]);
      expect(await s.events.lastSequence('ledger:m1')).toBe(1);
    });

    it('documents and event appends honour keys too', async () => {
      const s = h.storage();
      const doc = await s.documents.put('tiers', 'm1', { tier: 'gold' }, { idempotencyKey: 'k1' });
      expect(await s.documents.put('tiers', 'm1', { tier: 'silver' }, { idempotencyKey: 'k1' })).toEqual(doc);
      expect(await s.documents.get('tiers', 'm1')).toEqual(doc);
      await s.documents.delete('tiers', 'm1', { idempotencyKey: 'k2' });
      await s.documents.delete('tiers', 'm1', { idempotencyKey: 'k2' });
      expect(await s.documents.get('tiers', 'm1')).toBeUndefined();
      const appended = await s.events.append('ledger:m1', [conformanceEvent(1)], {
        idempotencyKey: 'order-1',
      });
      expect(appended[0]).toMatchObject({ id: 'e000001', sequence: 1 });
      expect(
        await s.events.append('ledger:m1', [conformanceEvent(2)], {
          expectedSequence: 0,
          idempotencyKey: 'order-1',
        }),
      ).toEqual(appended);
      expect((await collect(s.events.read('ledger:m1'))).map((e) => e.id)).toEqual(['e000001']);
    });

    it('keys are scoped per repository', async () => {
      const s = h.storage();
      const key = { idempotencyKey: 'same' };
      for (const kind of recordKinds) await kind.repository(s).create(kind.input(1), key);
      await s.documents.put('d', '1', { a: 1 }, key);
      await s.events.append('s', [conformanceEvent(1)], key);
      for (const kind of recordKinds) expect(await kind.repository(s).count()).toBe(1);
      expect(await s.documents.get('d', '1')).toBeDefined();
      expect(await s.events.lastSequence('s')).toBe(1);
    });

    it('a write that fails keeps no key, and bad input is rejected before any replay', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      await rejectsWith(
        s.customers.create(conformanceCustomer(1), { idempotencyKey: 'k' }),
        'ALREADY_EXISTS',
      );
      const second = await s.customers.create(conformanceCustomer(2), { idempotencyKey: 'k' });
      expect(second.value.id).toBe('c000002');
      await rejectsWith(
        s.customers.create({ ...conformanceCustomer(3), email: 'bad' }, { idempotencyKey: 'k' }),
        'VALIDATION',
      );
      await rejectsWith(
        s.events.append('s', [conformanceEvent(1)], { expectedSequence: 5, idempotencyKey: 'e' }),
        'VERSION_CONFLICT',
      );
      expect((await s.events.append('s', [conformanceEvent(1)], { idempotencyKey: 'e' }))[0]!.sequence).toBe(
        1,
      );
      expect(await s.customers.count()).toBe(2);
    });
  });
}
