import type { JsonValue } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { conformanceEvent, conformanceOrder } from './fixtures';
import { collect, type Harness, issuePaths, rejectsWith, streamRejectsWith } from './harness';
import { recordKinds } from './kinds';

/** Calls with arguments of the wrong type, as untyped callers (JSON, JavaScript) may make them. */
const untyped = <T>(value: unknown) => value as T;

/** Bad input is rejected with a ValidationError naming the field, and nothing is written. */
export function validationTests(h: Harness): void {
  describe('bad input', () => {
    for (const kind of recordKinds) {
      it(`${kind.name}: bad creates, updates and options name the field and write nothing`, async () => {
        const s = h.storage();
        const repo = kind.repository(s);
        const bad = kind.breakage.apply(kind.input(1));
        expect(issuePaths(await rejectsWith(repo.create(bad), 'VALIDATION'))).toEqual([kind.breakage.path]);
        expect(await repo.get(kind.id(1))).toBeUndefined();
        const stored = await repo.create(kind.input(1));
        expect(
          issuePaths(await rejectsWith(repo.update(kind.id(1), bad, { expectedVersion: 1 }), 'VALIDATION')),
        ).toEqual([kind.breakage.path]);
        const otherId = await rejectsWith(
          repo.update(kind.id(1), kind.input(2), { expectedVersion: 1 }),
          'VALIDATION',
        );
        expect(issuePaths(otherId)).toEqual(['id']);
        await rejectsWith(repo.update(kind.id(1), kind.input(1), untyped(undefined)), 'VALIDATION');
        await rejectsWith(repo.delete(kind.id(1), untyped(undefined)), 'VALIDATION');
        for (const options of [
          {},
          { expectedVersion: 0 },
          { expectedVersion: 1.5 },
          { expectedVersion: '1' },
        ]) {
          const error = await rejectsWith(
            repo.update(kind.id(1), kind.input(1), untyped(options)),
            'VALIDATION',
          );
          expect(issuePaths(error)).toEqual(['expectedVersion']);
          await rejectsWith(repo.delete(kind.id(1), untyped(options)), 'VALIDATION');
        }
        const emptyKey = await rejectsWith(repo.create(kind.input(2), { idempotencyKey: '' }), 'VALIDATION');
        expect(issuePaths(emptyKey)).toEqual(['idempotencyKey']);
        await rejectsWith(repo.create(untyped(null)), 'VALIDATION');
        await rejectsWith(repo.createMany(untyped(kind.input(2))), 'VALIDATION');
        for (const batchSize of [0, -1, 1.5]) await streamRejectsWith(repo.list({ batchSize }), 'VALIDATION');
        expect(await repo.get(kind.id(1))).toEqual(stored);
        expect(await repo.count()).toBe(1);
      });

      it(`${kind.name}: createMany with one bad row or one taken id writes nothing`, async () => {
        const s = h.storage();
        const repo = kind.repository(s);
        const rows = [1, 2, 3, 4].map(kind.input);
        const error = await rejectsWith(
          repo.createMany([rows[0], rows[1], kind.breakage.apply(rows[2]!), rows[3]]),
          'VALIDATION',
        );
        expect(issuePaths(error)).toEqual([`2.${kind.breakage.path}`]);
        expect(await repo.count()).toBe(0);
        await rejectsWith(repo.createMany([rows[0], rows[1], rows[0]]), 'ALREADY_EXISTS');
        expect(await repo.count()).toBe(0);
        await repo.create(rows[3]!);
        await rejectsWith(repo.createMany(rows), 'ALREADY_EXISTS');
        expect(await repo.count()).toBe(1);
      });
    }

    it('rejects bad list and count queries', async () => {
      const s = h.storage();
      await streamRejectsWith(s.orders.list({ from: new Date(Number.NaN) }), 'VALIDATION');
      await streamRejectsWith(s.orders.list(untyped({ to: '2026-01-01' })), 'VALIDATION');
      await streamRejectsWith(s.orders.list(untyped({ orderBy: 'amount' })), 'VALIDATION');
      await streamRejectsWith(s.interactions.list(untyped({ type: 'gossip' })), 'VALIDATION');
      await rejectsWith(s.orders.count({ from: new Date(Number.NaN) }), 'VALIDATION');
      await rejectsWith(s.interactions.count(untyped({ type: ['survey', 'gossip'] })), 'VALIDATION');
    });

    it('an event batch with one bad event appends nothing', async () => {
      const s = h.storage();
      const second = (change: Record<string, unknown>) => [
        conformanceEvent(1),
        { ...conformanceEvent(2), ...change },
      ];
      const bad = [
        { data: { when: new Date(0) } },
        { data: { n: Number.NaN } },
        { data: undefined },
        { type: '' },
        { id: '' },
        { occurredAt: '2026-01-01T00:00:00Z' },
        { occurredAt: new Date(Number.NaN) },
      ];
      for (const change of bad) {
        const error = await rejectsWith(s.events.append('s', untyped(second(change))), 'VALIDATION');
        expect(issuePaths(error)[0]).toMatch(/^1\./);
      }
      await rejectsWith(s.events.append('s', []), 'VALIDATION');
      await rejectsWith(s.events.append('', [conformanceEvent(1)]), 'VALIDATION');
      await rejectsWith(s.events.append('s', [conformanceEvent(1)], { expectedSequence: -1 }), 'VALIDATION');
      await rejectsWith(s.events.append('s', [conformanceEvent(1), conformanceEvent(1)]), 'ALREADY_EXISTS');
      expect(await collect(s.events.readAll())).toEqual([]);
      await s.events.append('s', [conformanceEvent(1)]);
      await rejectsWith(s.events.append('t', [conformanceEvent(2), conformanceEvent(1)]), 'ALREADY_EXISTS');
      expect(await s.events.lastSequence('t')).toBe(0);
      await streamRejectsWith(s.events.read('s', { fromSequence: 0 }), 'VALIDATION');
      await streamRejectsWith(s.events.readAll({ afterPosition: -1 }), 'VALIDATION');
      await streamRejectsWith(s.events.read('s', { batchSize: 0 }), 'VALIDATION');
      expect((await collect(s.events.readAll())).map((e) => e.id)).toEqual(['e000001']);
    });

    it('documents reject data that is not JSON, bad names and bad versions, writing nothing', async () => {
      const s = h.storage();
      for (const data of [
        { at: new Date(0) },
        { n: Number.NaN },
        { n: Number.POSITIVE_INFINITY },
        [undefined],
        () => 1,
      ]) {
        await rejectsWith(s.documents.put('c', 'd', untyped<JsonValue>(data)), 'VALIDATION');
      }
      await rejectsWith(s.documents.put('', 'd', {}), 'VALIDATION');
      await rejectsWith(s.documents.put('c', '', {}), 'VALIDATION');
      await rejectsWith(s.documents.get('', 'd'), 'VALIDATION');
      await rejectsWith(s.documents.put('c', 'd', {}, { expectedVersion: 0 }), 'VALIDATION');
      await rejectsWith(s.documents.put('c', 'd', {}, { idempotencyKey: '' }), 'VALIDATION');
      await streamRejectsWith(s.documents.list('c', { batchSize: 0 }), 'VALIDATION');
      expect(await collect(s.documents.list('c'))).toEqual([]);
      await s.documents.put('c', 'd', { ok: true });
      await rejectsWith(s.documents.delete('c', 'd', { expectedVersion: 0 }), 'VALIDATION');
      expect(await s.documents.get('c', 'd')).toMatchObject({ version: 1, data: { ok: true } });
    });

    it('an order that breaks a rule across fields is rejected with the path of the field', async () => {
      const s = h.storage();
      const order = conformanceOrder(1, 'c000001', 3);
      const error = await rejectsWith(
        s.orders.create({ ...order, refunds: [{ id: 'r1', refundedAt: '2025-12-31', amount: '1' }] }),
        'VALIDATION',
      );
      expect(issuePaths(error)).toEqual(['refunds.0.refundedAt']);
      expect(await s.orders.count()).toBe(0);
    });
  });
}
