import { describe, expect, it } from 'vitest';
import { conformanceCustomer, conformanceEvent } from './fixtures';
import { type CaughtError, collect, type Harness } from './harness';
import { recordKinds } from './kinds';

const WRITERS = 12;

/** Splits settled results into the values of the winners and the codes of the losers. */
function outcome<T>(results: PromiseSettledResult<T>[]): { won: T[]; lost: string[] } {
  return {
    won: results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<T>).value),
    lost: results
      .filter((r) => r.status === 'rejected')
      .map((r) => ((r as PromiseRejectedResult).reason as CaughtError).code),
  };
}

/** Optimistic concurrency under concurrent writers. */
export function concurrencyTests(h: Harness): void {
  describe('concurrent writers', () => {
    for (const kind of recordKinds) {
      it(`${kind.name}: of ${WRITERS} updates based on one version exactly one lands, the rest conflict`, async () => {
        const s = h.storage();
        const repo = kind.repository(s);
        await repo.create(kind.input(1));
        const { won, lost } = outcome(
          await Promise.allSettled(
            Array.from({ length: WRITERS }, (_, i) =>
              repo.update(kind.id(1), i % 2 ? kind.input(1) : kind.change(kind.input(1)), {
                expectedVersion: 1,
              }),
            ),
          ),
        );
        expect(won).toHaveLength(1);
        expect(lost).toEqual(Array(WRITERS - 1).fill('VERSION_CONFLICT'));
        expect(await repo.get(kind.id(1))).toEqual(won[0]);
        expect(won[0]!.version).toBe(2);
      });
    }

    it(`of ${WRITERS} deletes based on one version exactly one lands`, async () => {
      const s = h.storage();
      await s.customers.create(conformanceCustomer(1));
      const { won, lost } = outcome(
        await Promise.allSettled(
          Array.from({ length: WRITERS }, () => s.customers.delete('c000001', { expectedVersion: 1 })),
        ),
      );
      expect(won).toHaveLength(1);
      expect(lost).toEqual(Array(WRITERS - 1).fill('NOT_FOUND'));
      expect(await s.customers.count()).toBe(0);
    });

    it(`of ${WRITERS} creates of one id, or create-only puts of one document, exactly one lands`, async () => {
      const s = h.storage();
      const creates = outcome(
        await Promise.allSettled(
          Array.from({ length: WRITERS }, (_, i) =>
            s.customers.createMany([conformanceCustomer(100 + i), conformanceCustomer(1)]),
          ),
        ),
      );
      expect(creates.won).toHaveLength(1);
      expect(creates.lost).toEqual(Array(WRITERS - 1).fill('ALREADY_EXISTS'));
      expect(await s.customers.count()).toBe(2);
      const puts = outcome(
        await Promise.allSettled(
          Array.from({ length: WRITERS }, (_, i) =>
            s.documents.put('tiers', 'c1', { tier: `t${i}` }, { expectedVersion: null }),
          ),
        ),
      );
      expect(puts.won).toHaveLength(1);
      expect(puts.lost).toEqual(Array(WRITERS - 1).fill('VERSION_CONFLICT'));
      expect(await s.documents.get('tiers', 'c1')).toEqual(puts.won[0]);
    });

    it(`of ${WRITERS} appends expecting one sequence exactly one lands`, async () => {
      const s = h.storage();
      await s.events.append('ledger:m1', [conformanceEvent(1)]);
      const { won, lost } = outcome(
        await Promise.allSettled(
          Array.from({ length: WRITERS }, (_, i) =>
            s.events.append('ledger:m1', [conformanceEvent(100 + 2 * i), conformanceEvent(101 + 2 * i)], {
              expectedSequence: 1,
            }),
          ),
        ),
      );
      expect(won).toHaveLength(1);
      expect(lost).toEqual(Array(WRITERS - 1).fill('VERSION_CONFLICT'));
      expect(won[0]!.map((e) => e.sequence)).toEqual([2, 3]);
      expect(await s.events.lastSequence('ledger:m1')).toBe(3);
      expect((await collect(s.events.read('ledger:m1'))).map((e) => e.id)).toEqual([
        'e000001',
        ...won[0]!.map((e) => e.id),
      ]);
    });

    it('writers that retry on conflict all land in the end, each exactly once', async () => {
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
            if ((e as CaughtError).code !== 'VERSION_CONFLICT') throw e;
          }
        }
      };
      await Promise.all(Array.from({ length: 20 }, increment));
      const doc = (await s.documents.get<{ n: number }>('counters', 'visits'))!;
      expect(doc.data.n).toBe(20);
      expect(doc.version).toBe(21);
    });

    it('concurrent appends to different streams get unique, increasing positions', async () => {
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
        const stream = await collect(s.events.read(`stream-${i}`));
        expect(stream.map((e) => [e.sequence, e.id])).toEqual([
          [1, `e${String(i * 2 + 1).padStart(6, '0')}`],
          [2, `e${String(i * 2 + 2).padStart(6, '0')}`],
        ]);
      }
    });
  });
}
