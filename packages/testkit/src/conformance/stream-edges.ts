import { describe, expect, it } from 'vitest';
import {
  conformanceCampaign,
  conformanceCustomer,
  conformanceEvent,
  conformanceInteraction,
  conformanceOrder,
  paddedId,
} from './fixtures';
import { collect, type Harness, idsOf } from './harness';

const at = (iso: string) => new Date(iso);

/** Batch boundaries, ties, exact window ends, empty streams and streams read while others write. */
export function streamEdgeTests(h: Harness): void {
  describe('stream edges', () => {
    it('yields the same records whatever the batch size, at and around its multiples', async () => {
      const s = h.storage();
      await s.customers.createMany([3, 1, 10, 2, 5, 4, 9, 6, 8, 7].map(conformanceCustomer));
      const expected = Array.from({ length: 10 }, (_, i) => paddedId('c', i + 1));
      for (const batchSize of [1, 2, 3, 5, 9, 10, 11, 500]) {
        expect(await idsOf(s.customers.list({ batchSize }))).toEqual(expected);
        const pages = await collect(s.customers.pages({ batchSize }));
        expect(pages.flat().map((c) => c.id)).toEqual(expected);
        // full pages of batchSize, then the rest; never an empty page
        expect(pages.map((p) => p.length)).toEqual(
          Array.from({ length: Math.ceil(10 / batchSize) }, (_, i) =>
            Math.min(batchSize, 10 - i * batchSize),
          ),
        );
      }
      await s.events.append(
        's',
        [1, 2, 3, 4, 5, 6].map((n) => conformanceEvent(n)),
      );
      for (const batchSize of [1, 2, 3, 6, 7]) {
        expect((await collect(s.events.read('s', { batchSize }))).map((e) => e.sequence)).toEqual([
          1, 2, 3, 4, 5, 6,
        ]);
        expect((await collect(s.events.readAll({ batchSize, afterPosition: 2 }))).map((e) => e.id)).toEqual(
          [3, 4, 5, 6].map((n) => paddedId('e', n)),
        );
      }
      for (const id of ['a', 'b', 'c', 'd', 'e']) await s.documents.put('docs', id, { id });
      for (const batchSize of [1, 2, 5, 6]) {
        expect(await idsOf(s.documents.list('docs', { batchSize }))).toEqual(['a', 'b', 'c', 'd', 'e']);
      }
    });

    it('streams nothing from empty repositories, streams and collections', async () => {
      const s = h.storage();
      expect(await collect(s.customers.list())).toEqual([]);
      expect(await collect(s.orders.list({ orderBy: 'customer' }))).toEqual([]);
      expect(await collect(s.orders.pages({ orderBy: 'customer' }))).toEqual([]);
      expect(await collect(s.interactions.list({ type: 'survey' }))).toEqual([]);
      expect(await collect(s.campaigns.list())).toEqual([]);
      expect(await collect(s.documents.list('none'))).toEqual([]);
      expect(await collect(s.events.read('none'))).toEqual([]);
      expect(await collect(s.events.readAll())).toEqual([]);
      await s.events.append('s', [conformanceEvent(1)]);
      expect(await collect(s.events.read('s', { fromSequence: 2 }))).toEqual([]);
      expect(await collect(s.events.readAll({ afterPosition: 1 }))).toEqual([]);
    });

    it('breaks ties by id in code-unit order and honours exact window ends', async () => {
      const s = h.storage();
      const order = (id: string, customerId: string, placedAt: string) => ({
        ...conformanceOrder(1, customerId, 0),
        id,
        placedAt,
      });
      await s.orders.createMany([
        order('b', 'c2', '2026-01-02T00:00:00Z'),
        order('é', 'c1', '2026-01-02T00:00:00Z'),
        order('a', 'c2', '2026-01-02T00:00:00Z'),
        order('B', 'c1', '2026-01-02T00:00:00Z'),
        order('z', 'c1', '2026-01-01T23:59:59.999Z'),
        order('y', 'c10', '2026-01-03T00:00:00Z'),
        order('x', 'C3', '2026-01-03T00:00:00.001Z'),
      ]);
      expect(await idsOf(s.orders.list())).toEqual(['z', 'B', 'a', 'b', 'é', 'y', 'x']);
      // customer ids in code-unit order: 'C3' < 'c1' < 'c10' < 'c2'
      expect(await idsOf(s.orders.list({ orderBy: 'customer', batchSize: 2 }))).toEqual([
        'x',
        'z',
        'B',
        'é',
        'y',
        'a',
        'b',
      ]);
      const window = { from: at('2026-01-02T00:00:00Z'), to: at('2026-01-03T00:00:00Z') };
      expect(await idsOf(s.orders.list(window))).toEqual(['B', 'a', 'b', 'é']);
      expect(await idsOf(s.orders.list({ ...window, customerId: 'c1' }))).toEqual(['B', 'é']);
      expect(await idsOf(s.orders.list({ ...window, orderBy: 'customer' }))).toEqual(['B', 'é', 'a', 'b']);
      expect(await s.orders.count(window)).toBe(4);
      expect(await idsOf(s.orders.list({ from: at('2026-01-03T00:00:00Z') }))).toEqual(['y', 'x']);
      expect(await idsOf(s.orders.list({ to: at('2026-01-02T00:00:00Z') }))).toEqual(['z']);
      expect(await idsOf(s.orders.list({ customerId: 'c1', orderBy: 'customer' }))).toEqual(['z', 'B', 'é']);

      await s.interactions.createMany(
        [5, 3, 1, 4, 2, 0].map((n) => conformanceInteraction(n, n % 2 ? 'c2' : 'c1', 10 - n)),
      );
      const byTime = await collect(s.interactions.list());
      expect(byTime.map((i) => i.id)).toEqual([5, 4, 3, 2, 1, 0].map((n) => paddedId('i', n)));
      expect(await idsOf(s.interactions.list({ orderBy: 'customer' }))).toEqual(
        [4, 2, 0, 5, 3, 1].map((n) => paddedId('i', n)),
      );
      const between = { from: byTime[1]!.occurredAt, to: byTime[3]!.occurredAt };
      expect(await idsOf(s.interactions.list(between))).toEqual(['i000004', 'i000003']);
      expect(await idsOf(s.interactions.list({ ...between, type: 'complaint' }))).toEqual(['i000004']);

      await s.campaigns.createMany([3, 1, 2].map(conformanceCampaign));
      await s.campaigns.create({ ...conformanceCampaign(9), id: 'a-first-id', startsAt: at('2026-01-03') });
      expect(await idsOf(s.campaigns.list())).toEqual(['k000001', 'a-first-id', 'k000002', 'k000003']);
    });

    it('never fails or repeats a record while others create, update and delete', async () => {
      const s = h.storage();
      await s.customers.createMany(Array.from({ length: 60 }, (_, i) => conformanceCustomer(i + 1)));
      const seen: string[] = [];
      let next = 1000;
      for await (const c of s.customers.list({ batchSize: 7 })) {
        seen.push(c.id);
        await s.customers.create(conformanceCustomer(next++)); // after every existing id
        await s.customers.create({ ...conformanceCustomer(next++), id: `a${next}` }); // before them all
        if (seen.length === 10) {
          await s.customers.delete('c000040', { expectedVersion: 1 });
          await s.customers.delete('c000002', { expectedVersion: 1 });
          await s.customers.update(
            'c000045',
            { ...conformanceCustomer(45), tags: ['moved'] },
            { expectedVersion: 1 },
          );
        }
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).not.toContain('c000040');
      const untouched = Array.from({ length: 60 }, (_, i) => paddedId('c', i + 1)).filter(
        (id) => id !== 'c000040',
      );
      expect(untouched.filter((id) => !seen.includes(id))).toEqual([]);
      const existing = seen.filter((id) => id.startsWith('c0000'));
      expect(existing).toEqual([...existing].sort());
    });

    it('never fails or repeats an event while others append', async () => {
      const s = h.storage();
      await s.events.append(
        's',
        [1, 2, 3, 4, 5].map((n) => conformanceEvent(n)),
      );
      const seen: string[] = [];
      let next = 100;
      for await (const e of s.events.read('s', { batchSize: 2 })) {
        seen.push(e.id);
        await s.events.append('s', [conformanceEvent(next++)]);
        await s.events.append('other', [conformanceEvent(next++)]);
        if (seen.length > 50) break;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((n) => paddedId('e', n)));
      const all: number[] = [];
      for await (const e of s.events.readAll({ batchSize: 3 })) {
        all.push(e.position);
        if (all.length === 4) await s.events.append('late', [conformanceEvent(10_000)]);
        if (all.length > 100) break;
      }
      expect(new Set(all).size).toBe(all.length);
      expect(all).toEqual([...all].sort((a, b) => a - b));
    });
  });
}
