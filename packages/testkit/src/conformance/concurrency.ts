import { describe, expect, it } from 'vitest';
import { conformanceCustomer, conformanceEvent } from './fixtures';
import { collect, type Harness } from './harness';

/** Optimistic concurrency under concurrent writers. */
export function concurrencyTests(h: Harness): void {
  describe('concurrent writers', () => {
    it('of N updates based on one version, exactly one succeeds', async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      const attempts = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          s.customers.update(
            'c000001',
            { ...conformanceCustomer(1), tags: [`t${i}`] },
            { expectedVersion: 1 },
          ),
        ),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a) => a.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const l of lost) expect((l as PromiseRejectedResult).reason.code).toBe('VERSION_CONFLICT');
      const stored = (await s.customers.get('c000001'))!;
      expect(stored.version).toBe(2);
      expect(stored.value.tags).toEqual(
        (won[0] as PromiseFulfilledResult<{ value: { tags: string[] } }>).value.value.tags,
      );
    });

    it('of N appends expecting one sequence, exactly one lands', async () => {
      const s = h.storage();
      await s.events.append('ledger:m1', [conformanceEvent(1)]);
      const attempts = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          s.events.append('ledger:m1', [conformanceEvent(100 + i)], { expectedSequence: 1 }),
        ),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      for (const a of attempts.filter((x) => x.status === 'rejected')) {
        expect((a as PromiseRejectedResult).reason.code).toBe('VERSION_CONFLICT');
      }
      expect(await s.events.lastSequence('ledger:m1')).toBe(2);
    });

    it('retrying writers all land in the end, each exactly once', async () => {
      const s = h.storage();
      await s.documents.put('counters', 'visits', { n: 0 }, { expectedVersion: null });
      const increment = async () => {
        for (;;) {
          const doc = (await s.documents.get<{ n: number }>('counters', 'visits'))!;
          try {
            await s.documents.put(
              'counters',
              'visits',
              { n: doc.data.n + 1 },
              { expectedVersion: doc.version },
            );
            return;
          } catch (e) {
            if ((e as { code?: string }).code !== 'VERSION_CONFLICT') throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: 25 }, increment));
      const doc = (await s.documents.get<{ n: number }>('counters', 'visits'))!;
      expect(doc.data.n).toBe(25);
      expect(doc.version).toBe(26);
    });

    it('concurrent appends to different streams keep positions unique and increasing', async () => {
      const s = h.storage();
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.events.append(`stream-${i}`, [conformanceEvent(i * 2 + 1), conformanceEvent(i * 2 + 2)]),
        ),
      );
      const all = await collect(s.events.readAll());
      expect(all).toHaveLength(20);
      for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
      for (let i = 0; i < 10; i++) {
        expect((await collect(s.events.read(`stream-${i}`))).map((e) => e.sequence)).toEqual([1, 2]);
      }
    });
  });
}
