import { describe, expect, it } from 'vitest';
import { conformanceEvent } from './fixtures';
import { collect, type Harness, rejectsWith } from './harness';

/** Append-only event streams. */
export function eventTests(h: Harness): void {
  describe('event log', () => {
    it('appends with sequences per stream and increasing positions across streams', async () => {
      const s = h.storage();
      const a = await s.events.append('ledger:m1', [conformanceEvent(1), conformanceEvent(2)], {
        expectedSequence: 0,
      });
      expect(a).toEqual([
        { ...conformanceEvent(1), stream: 'ledger:m1', sequence: 1, position: a[0]!.position },
        { ...conformanceEvent(2), stream: 'ledger:m1', sequence: 2, position: a[1]!.position },
      ]);
      expect(a[0]!.position).toBe(1);
      expect(a[1]!.position).toBeGreaterThan(a[0]!.position);
      expect(a[0]!.occurredAt).toBeInstanceOf(Date);
      expect(a[0]!.occurredAt.toISOString()).toBe('2026-01-01T00:00:01.000Z');
      const b = await s.events.append('ledger:m2', [conformanceEvent(3)]);
      const c = await s.events.append('ledger:m1', [conformanceEvent(4, 'points.redeemed')], {
        expectedSequence: 2,
      });
      expect(b[0]!.sequence).toBe(1);
      expect(b[0]!.position).toBeGreaterThan(a[1]!.position);
      expect(c[0]).toMatchObject({ sequence: 3, type: 'points.redeemed' });
      expect(c[0]!.position).toBeGreaterThan(b[0]!.position);
      expect(await s.events.lastSequence('ledger:m1')).toBe(3);
      expect(await s.events.lastSequence('ledger:m2')).toBe(1);
      expect(await s.events.lastSequence('nothing')).toBe(0);
      const m1 = await collect(s.events.read('ledger:m1', { batchSize: 2 }));
      expect(m1).toEqual([...a, ...c]);
      expect(await collect(s.events.read('ledger:m1', { fromSequence: 3 }))).toEqual(c);
      expect(await collect(s.events.read('ledger:m1', { fromSequence: 4 }))).toEqual([]);
      const all = await collect(s.events.readAll({ batchSize: 1 }));
      expect(all).toEqual([...a, ...b, ...c]);
      expect(await collect(s.events.readAll({ afterPosition: a[1]!.position }))).toEqual([...b, ...c]);
      expect(await collect(s.events.readAll({ afterPosition: c[0]!.position }))).toEqual([]);
    });

    it('rejects a stale expected sequence and a reused event id, appending nothing', async () => {
      const s = h.storage();
      await s.events.append('x', [conformanceEvent(1)]);
      const stale = await rejectsWith(
        s.events.append('x', [conformanceEvent(2)], { expectedSequence: 0 }),
        'VERSION_CONFLICT',
      );
      expect(stale).toMatchObject({ expectedVersion: 0, actualVersion: 1 });
      const ahead = await rejectsWith(
        s.events.append('y', [conformanceEvent(2)], { expectedSequence: 1 }),
        'VERSION_CONFLICT',
      );
      expect(ahead).toMatchObject({ expectedVersion: 1, actualVersion: 0 });
      const reused = await rejectsWith(
        s.events.append('y', [conformanceEvent(2), conformanceEvent(1)]),
        'ALREADY_EXISTS',
      );
      expect(reused.details).toMatchObject({ id: 'e000001' });
      expect(await s.events.lastSequence('y')).toBe(0);
      expect((await collect(s.events.readAll())).map((e) => e.id)).toEqual(['e000001']);
    });
  });
}
