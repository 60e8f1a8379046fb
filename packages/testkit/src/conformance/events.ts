import { describe, expect, it } from 'vitest';
import { conformanceEvent } from './fixtures';
import { collect, type Harness } from './harness';

/** Append-only event streams. */
export function eventTests(h: Harness): void {
  describe('event log', () => {
    it('appends with sequences per stream and positions across streams', async () => {
      const s = h.storage();
      const a = await s.events.append('ledger:m1', [conformanceEvent(1), conformanceEvent(2)], {
        expectedSequence: 0,
      });
      expect(a.map((e) => [e.stream, e.sequence])).toEqual([
        ['ledger:m1', 1],
        ['ledger:m1', 2],
      ]);
      expect(a[0]).toMatchObject({
        id: 'e000001',
        type: 'points.earned',
        data: { points: 1, note: null, tags: ['a'] },
      });
      expect(a[0]!.occurredAt.toISOString()).toBe('2026-01-01T00:00:01.000Z');
      const b = await s.events.append('ledger:m2', [conformanceEvent(3)]);
      await s.events.append('ledger:m1', [conformanceEvent(4, 'points.redeemed')], { expectedSequence: 2 });
      expect(b[0]!.sequence).toBe(1);
      expect(b[0]!.position).toBeGreaterThan(a[1]!.position);
      expect(await s.events.lastSequence('ledger:m1')).toBe(3);
      expect(await s.events.lastSequence('nothing')).toBe(0);
      const m1 = await collect(s.events.read('ledger:m1', { batchSize: 2 }));
      expect(m1.map((e) => e.id)).toEqual(['e000001', 'e000002', 'e000004']);
      expect((await collect(s.events.read('ledger:m1', { fromSequence: 3 }))).map((e) => e.type)).toEqual([
        'points.redeemed',
      ]);
      const all = await collect(s.events.readAll({ batchSize: 1 }));
      expect(all.map((e) => e.id)).toEqual(['e000001', 'e000002', 'e000003', 'e000004']);
      const after = await collect(s.events.readAll({ afterPosition: all[1]!.position }));
      expect(after.map((e) => e.id)).toEqual(['e000003', 'e000004']);
    });

    it('rejects a stale expected sequence and a reused event id', async () => {
      const s = h.storage();
      await s.events.append('x', [conformanceEvent(1)]);
      await expect(
        s.events.append('x', [conformanceEvent(2)], { expectedSequence: 0 }),
      ).rejects.toMatchObject({
        code: 'VERSION_CONFLICT',
        expectedVersion: 0,
        actualVersion: 1,
      });
      await expect(s.events.append('y', [conformanceEvent(1)])).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
      });
      expect(await s.events.lastSequence('y')).toBe(0);
    });
  });
}
