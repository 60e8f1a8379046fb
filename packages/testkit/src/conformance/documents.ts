import { describe, expect, it } from 'vitest';
import { type Harness, idsOf, rejectsWith } from './harness';

/** Versioned JSON documents. */
export function documentTests(h: Harness): void {
  describe('documents', () => {
    it('create-only puts, versioned replaces, unconditional puts and deletes', async () => {
      const s = h.storage();
      const created = await s.documents.put(
        'lifecycle',
        'c1',
        { state: 'new', since: '2026-01-01' },
        { expectedVersion: null },
      );
      expect(created).toEqual({
        collection: 'lifecycle',
        id: 'c1',
        version: 1,
        data: { state: 'new', since: '2026-01-01' },
      });
      const conflict = await rejectsWith(
        s.documents.put('lifecycle', 'c1', { state: 'x' }, { expectedVersion: null }),
        'VERSION_CONFLICT',
      );
      expect(conflict).toMatchObject({ expectedVersion: null, actualVersion: 1 });
      const v2 = await s.documents.put('lifecycle', 'c1', { state: 'active' }, { expectedVersion: 1 });
      expect(v2.version).toBe(2);
      const stale = await rejectsWith(
        s.documents.put('lifecycle', 'c1', { state: 'x' }, { expectedVersion: 1 }),
        'VERSION_CONFLICT',
      );
      expect(stale).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
      const absent = await rejectsWith(
        s.documents.put('lifecycle', 'c9', { state: 'x' }, { expectedVersion: 3 }),
        'VERSION_CONFLICT',
      );
      expect(absent).toMatchObject({ expectedVersion: 3, actualVersion: null });
      expect(await s.documents.get('lifecycle', 'c9')).toBeUndefined();
      expect((await s.documents.put('lifecycle', 'c1', { state: 'loyal' })).version).toBe(3);
      expect((await s.documents.put('lifecycle', 'c2', [1, 'two'])).version).toBe(1);
      expect(await s.documents.get('lifecycle', 'c1')).toEqual({
        collection: 'lifecycle',
        id: 'c1',
        version: 3,
        data: { state: 'loyal' },
      });
      expect(await s.documents.get('other', 'c1')).toBeUndefined();
      await rejectsWith(s.documents.delete('lifecycle', 'c1', { expectedVersion: 2 }), 'VERSION_CONFLICT');
      await rejectsWith(s.documents.delete('lifecycle', 'c1', { expectedVersion: null }), 'VERSION_CONFLICT');
      await s.documents.delete('lifecycle', 'c1', { expectedVersion: 3 });
      expect(await s.documents.get('lifecycle', 'c1')).toBeUndefined();
      const gone = await rejectsWith(s.documents.delete('lifecycle', 'c1'), 'NOT_FOUND');
      expect(gone.details).toMatchObject({ id: 'c1' });
      await rejectsWith(s.documents.delete('lifecycle', 'c1', { expectedVersion: 3 }), 'NOT_FOUND');
      expect((await s.documents.put('lifecycle', 'c1', { state: 'reborn' })).version).toBe(1);
    });

    it('lists a collection in id order, optionally by prefix, keeping collections apart', async () => {
      const s = h.storage();
      for (const id of ['m:b', 'm:a', 'n:a', 'M:z', 'm:c', 'm', 'm:ä'])
        await s.documents.put('tiers', id, { id });
      await s.documents.put('tiers2', 'm:a', { other: true });
      await s.documents.put('tier', 'm:a', { other: true });
      const all = await idsOf(s.documents.list('tiers', { batchSize: 2 }));
      expect(all).toEqual(['M:z', 'm', 'm:a', 'm:b', 'm:c', 'm:ä', 'n:a']);
      expect(await idsOf(s.documents.list('tiers', { prefix: 'm:' }))).toEqual(['m:a', 'm:b', 'm:c', 'm:ä']);
      expect(await idsOf(s.documents.list('tiers', { prefix: 'm' }))).toEqual([
        'm',
        'm:a',
        'm:b',
        'm:c',
        'm:ä',
      ]);
      expect(await idsOf(s.documents.list('tiers', { prefix: 'x' }))).toEqual([]);
      const [first] = await idsOf(s.documents.list('tiers2'));
      expect(first).toBe('m:a');
    });

    it('keeps nested JSON exactly', async () => {
      const s = h.storage();
      const data = {
        a: [1, 2.5, -0.125, 'x', null, true, false, { b: { c: [] } }],
        unicode: 'Ünïcødé ✓ 中文',
        quotes: 'say "hi" \\ bye',
        big: 9007199254740991,
        small: -1e-7,
        empty: {},
      };
      await s.documents.put('json', 'd', data);
      expect((await s.documents.get('json', 'd'))!.data).toEqual(data);
      await s.documents.put('json', 'scalar', 'just a string');
      await s.documents.put('json', 'null', null);
      expect((await s.documents.get('json', 'scalar'))!.data).toBe('just a string');
      expect((await s.documents.get('json', 'null'))!.data).toBeNull();
    });
  });
}
