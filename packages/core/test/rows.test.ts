import { describe, expect, it } from 'vitest';
import { createMemoryStorage, forEachRow, isRowSource, type RowSource } from '../src/index';

const read = async <T>(source: RowSource<T>) => {
  const seen: [T, number][] = [];
  await forEachRow(source, (row, i) => seen.push([row, i]));
  return seen;
};

describe('row sources', () => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  const expected = rows.map((r, i) => [r, i]);

  it('reads arrays, iterables, async iterables and pages of either the same way', async () => {
    async function* asyncRows() {
      yield* rows;
    }
    async function* asyncPages() {
      yield [rows[0]!];
      yield [];
      yield rows.slice(1);
    }
    function* syncPages() {
      yield rows.slice(0, 2);
      yield rows[2]!;
    }
    for (const source of [rows, new Set(rows), asyncRows(), asyncPages(), syncPages()]) {
      expect(await read(source)).toEqual(expected);
    }
  });

  it("reads a storage port's pages and list alike", async () => {
    const storage = createMemoryStorage();
    const ids = Array.from({ length: 7 }, (_, i) => `c${i}`);
    await storage.customers.createMany(ids.map((id) => ({ id, createdAt: '2026-01-01' })));
    const viaPages = await read(storage.customers.pages({ batchSize: 3 }));
    const viaList = await read(storage.customers.list({ batchSize: 3 }));
    expect(viaPages.map(([c, i]) => [c.id, i])).toEqual(ids.map((id, i) => [id, i]));
    expect(viaPages).toEqual(viaList);
  });

  it('tells sources from other values', () => {
    expect([[], new Map(), (async function* () {})()].every(isRowSource)).toBe(true);
    expect([null, 3, 'abc', { rows: [] }].some(isRowSource)).toBe(false);
  });
});
