import { describe, expect, it } from 'vitest';
import { collect, type Harness, rejectsWith } from './harness';

/** Versioned JSON documents. */
export function documentTests(h: Harness): void {
  describe('documents', () => {
    it('create-only, versioned replace, unconditional put and delete', async () => {
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
      await rejectsWith(
        s.documents.put('lifecycle', 'c1', { state: 'x' }, { expectedVersion: 1 }),
        'VERSION_CONFLICT',
      );
      await rejectsWith(
        s.documents.put('lifecycle', 'c9', { state: 'x' }, { expectedVersion: 3 }),
        'VERSION_CONFLICT',
      );
      expect((await s.documents.put('lifecycle', 'c1', { state: 'loyal' })).version).toBe(3);
      expect(await s.documents.get('lifecycle', 'c1')).toEqual({
        collection: 'lifecycle',
        id: 'c1',
        version: 3,
        data: { state: 'loyal' },
      });
      expect(await s.documents.get('other', 'c1')).toBeUndefined();
      await rejectsWith(s.documents.delete('lifecycle', 'c1', { expectedVersion: 2 }), 'VERSION_CONFLICT');
      await s.documents.delete('lifecycle', 'c1', { expectedVersion: 3 });
      expect(await s.documents.get('lifecycle', 'c1')).toBeUndefined();
      await rejectsWith(s.documents.delete('lifecycle', 'c1'), 'NOT_FOUND');
    });

    it('lists a collection in id order, optionally by prefix, keeping collections apart', async () => {
      const s = h.storage();
      for (const id of ['m:b', 'm:a', 'n:a', 'm:c']) await s.documents.put('tiers', id, { id });
      await s.documents.put('tiers2', 'm:a', { other: true });
      const all = await collect(s.documents.list('tiers', { batchSize: 2 }));
      expect(all.map((d) => d.id)).toEqual(['m:a', 'm:b', 'm:c', 'n:a']);
      expect((await collect(s.documents.list('tiers', { prefix: 'm:' }))).map((d) => d.id)).toEqual([
        'm:a',
        'm:b',
        'm:c',
      ]);
      expect(await collect(s.documents.list('none'))).toEqual([]);
    });

    it('keeps nested JSON exactly', async () => {
      const s = h.storage();
      const data = {
        a: [1, 2.5, -0.125, 'x', null, true, { b: { c: [] } }],
        unicode: 'Ünïcødé ✓',
        big: 9007199254740991,
      };
      await s.documents.put('json', 'd', data);
      expect((await s.documents.get('json', 'd'))!.data).toEqual(data);
    });
  });
}
