import type { Storage } from '@crmkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bulkCustomer,
  bulkCustomerOf,
  bulkEvent,
  bulkId,
  bulkInstant,
  bulkInteraction,
  bulkOrder,
} from './fixtures';
import { collect, type Harness, idsOf } from './harness';

/** Rows per `createMany` while loading the large data set. */
const CHUNK = 5000;
/** Events per append while loading the large data set. */
const EVENTS_PER_APPEND = 500;
/** Streams the large event log is spread over. */
const EVENT_STREAMS = 10;

/** Code-unit order of strings, the order the ports document for ids. */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One bulk row as the expectations see it: its number, customer and minute. */
interface Model {
  readonly n: number;
  readonly id: string;
  readonly customerId: string;
  readonly minute: number;
}

const minuteOf = (n: number) => (n * 7919) % 5000;
const byTime = (a: Model, b: Model) => a.minute - b.minute || byCodeUnits(a.id, b.id);
const byCustomer = (a: Model, b: Model) => byCodeUnits(a.customerId, b.customerId) || byTime(a, b);

/**
 * Compares two id sequences and, when they differ, reports where instead of
 * printing 100,000 ids.
 */
function expectSequence(actual: readonly string[], expected: readonly string[]): void {
  let first = 0;
  while (first < Math.min(actual.length, expected.length) && actual[first] === expected[first]) first++;
  const around = (ids: readonly string[]) => ids.slice(Math.max(0, first - 2), first + 3);
  expect(
    { length: actual.length, firstDifference: first, around: around(actual) },
    'stream order and completeness',
  ).toEqual({ length: expected.length, firstDifference: expected.length, around: around(expected) });
}

/** The numbers 1..rows in a scrambled but deterministic order (so insertion order is not stream order). */
function scrambled(rows: number): number[] {
  const step = rows % 7919 === 0 ? 7927 : 7919;
  return Array.from({ length: rows }, (_, i) => ((i * step) % rows) + 1);
}

/** Streaming order and completeness over many rows, with several batch sizes, filters and window boundaries. */
export function streamTests(h: Harness): void {
  const rows = h.rows;
  const docRows = Math.max(1, Math.floor(rows / 20));
  const campaignRows = Math.max(1, Math.floor(rows / 100));
  const model = (prefix: string, n: number): Model => ({
    n,
    id: bulkId(prefix, n),
    customerId: bulkCustomerOf(n),
    minute: minuteOf(n),
  });
  const numbers = Array.from({ length: rows }, (_, i) => i + 1);
  const minuteStart = (minute: number) => new Date(Date.UTC(2026, 0, 1) + minute * 60_000);

  describe(`streams over ${rows} rows`, () => {
    let s: Storage;

    beforeAll(async () => {
      s = await h.make();
      const order = scrambled(rows);
      for (let i = 0; i < rows; i += CHUNK) {
        const chunk = order.slice(i, i + CHUNK);
        await s.customers.createMany(chunk.map(bulkCustomer));
        await s.orders.createMany(chunk.map(bulkOrder));
        await s.interactions.createMany(chunk.map(bulkInteraction));
      }
      for (let i = 0; i < rows; i += EVENTS_PER_APPEND) {
        const batch = numbers.slice(i, i + EVENTS_PER_APPEND).map(bulkEvent);
        await s.events.append(`bulk-${(i / EVENTS_PER_APPEND) % EVENT_STREAMS}`, batch);
      }
      for (const n of scrambled(docRows)) await s.documents.put('bulk', bulkId('d', n), { n });
      await s.documents.put('bulj', 'before', { n: 0 });
      await s.documents.put('bulk2', 'after', { n: 0 });
      const campaigns = scrambled(campaignRows).map((n) => ({
        id: bulkId('k', n),
        name: `Bulk ${n}`,
        channel: ['search', 'social', 'tv'][n % 3]!,
        startsAt: bulkInstant(n),
        spend: { amount: `${n}.01`, currency: 'EUR' },
      }));
      for (let i = 0; i < campaigns.length; i += CHUNK)
        await s.campaigns.createMany(campaigns.slice(i, i + CHUNK));
    }, 600_000);

    afterAll(async () => {
      await h.dispose(s);
    });

    for (const batchSize of [undefined, 997, 4096]) {
      it(`yields every customer exactly once, by id in code-unit order (batchSize ${batchSize ?? 'default'})`, async () => {
        const expected = numbers.map((n) => bulkId('c', n)).sort(byCodeUnits);
        expectSequence(await idsOf(s.customers.list(batchSize === undefined ? {} : { batchSize })), expected);
        expect(await s.customers.count()).toBe(rows);
      }, 120_000);
    }

    it('yields every order by (placedAt, id) and by (customerId, placedAt, id), with two batch sizes', async () => {
      const orders = numbers.map((n) => model('o', n));
      const timeline = [...orders].sort(byTime).map((o) => o.id);
      expectSequence(await idsOf(s.orders.list()), timeline);
      expectSequence(await idsOf(s.orders.list({ orderBy: 'placedAt', batchSize: 997 })), timeline);
      const perCustomer = [...orders].sort(byCustomer).map((o) => o.id);
      expectSequence(await idsOf(s.orders.list({ orderBy: 'customer', batchSize: 1000 })), perCustomer);
      const pages = await collect(s.orders.pages({ orderBy: 'customer', batchSize: 1000 }));
      expectSequence(
        pages.flat().map((o) => o.id),
        perCustomer,
      );
      expect(pages.every((page) => page.length > 0 && page.length <= 1000)).toBe(true);
    }, 120_000);

    it('filters orders by customer and by a window, from inclusive and to exclusive', async () => {
      const orders = numbers.map((n) => model('o', n));
      const timeline = [...orders].sort(byTime);
      // both ends fall exactly on stored instants: rows at `from` are in, rows at `to` are out
      const fromMinute = timeline[Math.floor(rows / 3)]!.minute;
      const toMinute = timeline[Math.floor((2 * rows) / 3)]!.minute;
      const from = minuteStart(fromMinute);
      const to = minuteStart(toMinute);
      const inWindow = (o: Model) => o.minute >= fromMinute && o.minute < toMinute;
      const window = orders
        .filter(inWindow)
        .sort(byTime)
        .map((o) => o.id);
      if (rows >= 100) expect(window.length).toBeGreaterThan(rows / 4);
      expectSequence(await idsOf(s.orders.list({ from, to, batchSize: 333 })), window);
      expect(await s.orders.count({ from, to })).toBe(window.length);
      const customer = bulkCustomerOf(5);
      const mine = orders.filter((o) => o.customerId === customer);
      expectSequence(
        await idsOf(s.orders.list({ customerId: customer })),
        [...mine].sort(byTime).map((o) => o.id),
      );
      const mineInWindow = mine.filter((o) => o.minute >= 1000 && o.minute < 3000);
      expectSequence(
        await idsOf(s.orders.list({ customerId: customer, from: minuteStart(1000), to: minuteStart(3000) })),
        mineInWindow.sort(byTime).map((o) => o.id),
      );
      expect(await s.orders.count({ customerId: customer })).toBe(mine.length);
      expectSequence(
        await idsOf(s.orders.list({ from, to, orderBy: 'customer' })),
        orders
          .filter(inWindow)
          .sort(byCustomer)
          .map((o) => o.id),
      );
      expect(await idsOf(s.orders.list({ from: to, to }))).toEqual([]);
      expect(await idsOf(s.orders.list({ customerId: 'nobody' }))).toEqual([]);
    }, 120_000);

    it('yields every interaction in both orders, and filters by type, customer and window', async () => {
      const interactions = numbers.map((n) => model('i', n));
      expectSequence(
        await idsOf(s.interactions.list({ batchSize: 2000 })),
        [...interactions].sort(byTime).map((i) => i.id),
      );
      expectSequence(
        await idsOf(s.interactions.list({ orderBy: 'customer' })),
        [...interactions].sort(byCustomer).map((i) => i.id),
      );
      const surveys = interactions.filter((i) => i.n % 5 === 0);
      expectSequence(
        await idsOf(s.interactions.list({ type: 'survey' })),
        [...surveys].sort(byTime).map((i) => i.id),
      );
      expect(await s.interactions.count({ type: ['survey', 'activity'] })).toBe(rows);
      expect(await s.interactions.count({ type: 'complaint' })).toBe(0);
      const customer = bulkCustomerOf(7);
      expectSequence(
        await idsOf(
          s.interactions.list({
            customerId: customer,
            type: ['survey'],
            from: minuteStart(0),
            to: minuteStart(2500),
          }),
        ),
        surveys
          .filter((i) => i.customerId === customer && i.minute < 2500)
          .sort(byTime)
          .map((i) => i.id),
      );
    }, 120_000);

    it('reads the whole event log by position and each stream by sequence', async () => {
      const positions: number[] = [];
      for (const batchSize of [undefined, 997]) {
        positions.length = 0;
        let expected = 1;
        let wrong = 0;
        for await (const e of s.events.readAll(batchSize === undefined ? {} : { batchSize })) {
          if (e.id !== `b${expected}` || !(e.position > (positions.at(-1) ?? 0))) wrong++;
          positions.push(e.position);
          expected++;
        }
        expect({ wrong, read: positions.length }).toEqual({ wrong: 0, read: rows });
      }
      const half = Math.floor(rows / 2);
      const tail = await idsOf(
        s.events.readAll({ afterPosition: positions[half - 1] ?? 0, batchSize: 1000 }),
      );
      expectSequence(
        tail,
        numbers.slice(half).map((n) => `b${n}`),
      );
      let total = 0;
      for (let k = 0; k < EVENT_STREAMS; k++) {
        const stream = `bulk-${k}`;
        const expectedIds = numbers
          .filter((n) => Math.floor((n - 1) / EVENTS_PER_APPEND) % EVENT_STREAMS === k)
          .map((n) => `b${n}`);
        const read = [];
        for await (const e of s.events.read(stream, { batchSize: 700 })) read.push(e);
        expectSequence(
          read.map((e) => e.id),
          expectedIds,
        );
        expect(read.every((e, i) => e.sequence === i + 1 && e.stream === stream)).toBe(true);
        expect(await s.events.lastSequence(stream)).toBe(expectedIds.length);
        total += read.length;
        if (expectedIds.length > 10) {
          expectSequence(await idsOf(s.events.read(stream, { fromSequence: 11 })), expectedIds.slice(10));
        }
      }
      expect(total).toBe(rows);
    }, 120_000);

    it('lists documents of one collection in id order, with prefixes', async () => {
      const ids = Array.from({ length: docRows }, (_, i) => bulkId('d', i + 1)).sort(byCodeUnits);
      expectSequence(await idsOf(s.documents.list('bulk')), ids);
      expectSequence(await idsOf(s.documents.list('bulk', { batchSize: 997 })), ids);
      for (const prefix of ['d1', 'D', 'éd', 'd-中', 'zzz']) {
        expectSequence(
          await idsOf(s.documents.list('bulk', { prefix, batchSize: 50 })),
          ids.filter((id) => id.startsWith(prefix)),
        );
      }
      expect(await idsOf(s.documents.list('bulj'))).toEqual(['before']);
    }, 120_000);

    it('lists campaigns by (startsAt, id), optionally of one channel', async () => {
      const campaigns = Array.from({ length: campaignRows }, (_, i) => model('k', i + 1));
      expectSequence(
        await idsOf(s.campaigns.list({ batchSize: 64 })),
        [...campaigns].sort(byTime).map((c) => c.id),
      );
      expectSequence(
        await idsOf(s.campaigns.list({ channel: 'tv' })),
        campaigns
          .filter((c) => c.n % 3 === 2)
          .sort(byTime)
          .map((c) => c.id),
      );
    }, 120_000);
  });
}
