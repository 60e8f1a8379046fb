import type { Storage } from '@crmkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conformanceCampaign,
  conformanceCustomer,
  conformanceInteraction,
  conformanceOrder,
  paddedId,
} from './fixtures';
import { collect, type Harness } from './harness';

const CHUNK = 5000;

/** Streaming order and completeness over many rows, filters and window boundaries. */
export function streamTests(h: Harness): void {
  describe(`streams over ${h.rows} rows`, () => {
    let s: Storage;
    beforeAll(async () => {
      s = await h.make();
      // customers are created in a scrambled order so that insertion order is not the stream order
      const ids = Array.from({ length: h.rows }, (_, i) => ((i * 7919) % h.rows) + 1);
      for (let i = 0; i < ids.length; i += CHUNK) {
        await s.customers.createMany(ids.slice(i, i + CHUNK).map(conformanceCustomer));
      }
      const orders = Array.from({ length: h.rows }, (_, i) => {
        const n = ((i * 104_729) % h.rows) + 1;
        return conformanceOrder(n, paddedId('c', (n % 97) + 1), n % 50);
      });
      for (let i = 0; i < orders.length; i += CHUNK) await s.orders.createMany(orders.slice(i, i + CHUNK));
    }, 600_000);

    afterAll(async () => {
      await h.dispose(s);
    });

    for (const batchSize of [1000, 997]) {
      it(`yields every customer exactly once, in id order (batchSize ${batchSize})`, async () => {
        let count = 0;
        let previous = '';
        let outOfOrder = 0;
        for await (const c of s.customers.list({ batchSize })) {
          if (!(c.id > previous)) outOfOrder++;
          previous = c.id;
          count++;
        }
        expect(outOfOrder).toBe(0);
        expect(count).toBe(h.rows);
        expect(previous).toBe(paddedId('c', h.rows));
      }, 120_000);
    }

    it('yields orders by (placedAt, id) and by (customerId, placedAt, id)', async () => {
      let count = 0;
      let outOfOrder = 0;
      let last = { t: Number.NEGATIVE_INFINITY, id: '' };
      for await (const o of s.orders.list()) {
        const t = o.placedAt.getTime();
        if (!(t > last.t || (t === last.t && o.id > last.id))) outOfOrder++;
        last = { t, id: o.id };
        count++;
      }
      expect(outOfOrder).toBe(0);
      expect(count).toBe(h.rows);
      count = 0;
      outOfOrder = 0;
      let prev = { c: '', t: Number.NEGATIVE_INFINITY, id: '' };
      const seen = new Set<string>();
      for await (const o of s.orders.list({ orderBy: 'customer', batchSize: 2048 })) {
        const t = o.placedAt.getTime();
        const ordered =
          o.customerId > prev.c ||
          (o.customerId === prev.c && (t > prev.t || (t === prev.t && o.id > prev.id)));
        if (!ordered) outOfOrder++;
        prev = { c: o.customerId, t, id: o.id };
        seen.add(o.id);
        count++;
      }
      expect(outOfOrder).toBe(0);
      expect(count).toBe(h.rows);
      expect(seen.size).toBe(h.rows);
    }, 120_000);

    it('filters by customer and by a half-open time window', async () => {
      const from = new Date(Date.UTC(2026, 0, 11));
      const to = new Date(Date.UTC(2026, 0, 13));
      const window = await collect(s.orders.list({ from, to }));
      const expected = Array.from({ length: h.rows }, (_, i) => i + 1).filter(
        (n) => n % 50 === 10 || n % 50 === 11,
      );
      expect(window.map((o) => o.id).sort()).toEqual(expected.map((n) => paddedId('o', n)).sort());
      for (const o of window) expect(o.placedAt >= from && o.placedAt < to).toBe(true);
      const mine = await collect(s.orders.list({ customerId: 'c000005' }));
      expect(mine.length).toBe(
        Array.from({ length: h.rows }, (_, i) => i + 1).filter((n) => n % 97 === 4).length,
      );
      expect(mine.every((o) => o.customerId === 'c000005')).toBe(true);
      expect(await s.orders.count({ from, to })).toBe(window.length);
    }, 120_000);
  });

  describe('small streams', () => {
    it('honours tiny batch sizes', async () => {
      const s = h.storage();
      await s.customers.createMany([3, 1, 2, 5, 4].map(conformanceCustomer));
      for (const batchSize of [1, 2, 7]) {
        expect((await collect(s.customers.list({ batchSize }))).map((c) => c.id)).toEqual(
          [1, 2, 3, 4, 5].map((n) => paddedId('c', n)),
        );
      }
      const bad = s.customers.list({ batchSize: 0 })[Symbol.asyncIterator]();
      await expect(bad.next()).rejects.toMatchObject({ code: 'VALIDATION' });
    });

    it('orders interactions and campaigns as documented, with inclusive from and exclusive to', async () => {
      const s = h.storage();
      await s.interactions.createMany(
        [5, 3, 1, 4, 2, 0].map((n) => conformanceInteraction(n, n % 2 ? 'c2' : 'c1', 10 - n)),
      );
      const byTime = await collect(s.interactions.list());
      expect(byTime.map((i) => i.id)).toEqual([
        'i000005',
        'i000004',
        'i000003',
        'i000002',
        'i000001',
        'i000000',
      ]);
      const byCustomer = await collect(s.interactions.list({ orderBy: 'customer' }));
      expect(byCustomer.map((i) => i.id)).toEqual([
        'i000004',
        'i000002',
        'i000000',
        'i000005',
        'i000003',
        'i000001',
      ]);
      const at = byTime[1]!.occurredAt;
      const window = await collect(s.interactions.list({ from: at, to: byTime[3]!.occurredAt }));
      expect(window.map((i) => i.id)).toEqual(['i000004', 'i000003']);
      await s.campaigns.createMany([3, 1, 2].map(conformanceCampaign));
      expect((await collect(s.campaigns.list())).map((c) => c.id)).toEqual(['k000001', 'k000002', 'k000003']);
      expect((await collect(s.campaigns.list({ channel: 'search' }))).map((c) => c.id)).toEqual(['k000002']);
      expect(await collect(s.customers.list())).toEqual([]);
    });

    it('a stream never fails or repeats a record while writes happen', async () => {
      const s = h.storage();
      await s.customers.createMany(Array.from({ length: 50 }, (_, i) => conformanceCustomer(i + 1)));
      const seen: string[] = [];
      let n = 1000;
      for await (const c of s.customers.list({ batchSize: 5 })) {
        seen.push(c.id);
        await s.customers.create(conformanceCustomer(n++));
        if (seen.length === 10) await s.customers.delete('c000040', { expectedVersion: 1 });
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).not.toContain('c000040');
      for (let i = 1; i <= 39; i++) expect(seen).toContain(paddedId('c', i));
    });
  });
}
