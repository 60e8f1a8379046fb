import { parseOrder, ValidationError } from '@crmkit/core';
import { type RfmOptions, scoreRfm, segmentTransitions, summarizeOrders } from '@crmkit/segmentation';
import { generateDataset } from '@crmkit/testkit';
import { describe, expect, it } from 'vitest';
import { AS_OF, ordersOf, TEN } from './fixtures';

describe('segmentTransitions', () => {
  it('counts who moved where, who stayed, entered and left (hand-checked)', () => {
    const t = segmentTransitions(
      new Map([
        ['a', 'New'],
        ['b', 'Loyal'],
        ['c', 'Loyal'],
        ['e', 'New'],
      ]),
      [
        { id: 'a', segment: 'Loyal' },
        { id: 'b', segment: 'Loyal' },
        { id: 'd', segment: 'New' },
        { id: 'e', segment: 'At risk' },
      ],
    );
    expect(t.from).toEqual(['New', 'Loyal']);
    expect(t.to).toEqual(['Loyal', 'New', 'At risk']);
    expect(t.matrix).toEqual([
      [1, 0, 1],
      [1, 0, 0],
    ]);
    expect(t.rates).toEqual([
      [0.5, 0, 0.5],
      [1, 0, 0],
    ]);
    expect(t.counts).toEqual({ New: { Loyal: 1, 'At risk': 1 }, Loyal: { Loyal: 1 } });
    expect(t.moved).toEqual([
      { id: 'a', from: 'New', to: 'Loyal' },
      { id: 'e', from: 'New', to: 'At risk' },
    ]);
    expect(t.stayed).toBe(1);
    expect(t.entered).toEqual([{ id: 'd', segment: 'New' }]);
    expect(t.left).toEqual([{ id: 'c', segment: 'Loyal' }]);
  });

  it('follows RFM segments two months on, with fixed recency edges (hand-checked)', async () => {
    const orders = ordersOf([...TEN]);
    const options: RfmOptions = { recency: { method: 'edges', edges: [30, 90, 180, 365] } };
    const january = scoreRfm(await summarizeOrders(orders, { asOf: AS_OF }), options);
    const march = scoreRfm(
      await summarizeOrders(orders, { asOf: new Date('2026-03-01T00:00:00Z') }),
      options,
    );
    const t = segmentTransitions(
      january.customers.map((c) => ({ id: c.customerId, segment: c.segment })),
      march.customers.map((c) => ({ id: c.customerId, segment: c.segment })),
    );
    // 59 days later nobody has bought again: recency scores slip, F and M ranks stay
    expect(t.moved).toEqual([
      { id: 'a', from: 'Champions', to: 'Loyal' },
      { id: 'b', from: 'New', to: 'Promising' },
      { id: 'c', from: 'Champions', to: 'Loyal' },
      { id: 'f', from: 'Potential loyalists', to: 'About to sleep' },
      { id: 'h', from: 'Loyal', to: 'Cannot lose them' },
    ]);
    expect(t.stayed).toBe(5);
    expect(t.counts['Champions']).toEqual({ Loyal: 2 });
    expect(t.matrix.flat().reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('handles empty runs and rejects a customer listed twice', () => {
    expect(segmentTransitions(new Map(), [])).toMatchObject({ from: [], to: [], matrix: [], stayed: 0 });
    try {
      segmentTransitions(
        [
          { id: 'a', segment: 'x' },
          { id: 'a', segment: 'y' },
        ],
        [],
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]!.path).toEqual([1, 'id']);
    }
    expect(() => segmentTransitions({} as never, [])).toThrow(ValidationError);
  });
});

describe('segmentTransitions on generated data', () => {
  it('accounts for every customer of both runs, a quarter apart', { timeout: 30_000 }, async () => {
    const { orders } = generateDataset({ customers: 300, seed: 13, interactions: false });
    const parsed = orders.map(parseOrder);
    const run = async (asOf: string) =>
      scoreRfm(await summarizeOrders(parsed, { asOf })).customers.map((c) => ({
        id: c.customerId,
        segment: c.segment,
      }));
    const before = await run('2025-06-01T00:00:00Z');
    const after = await run('2025-09-01T00:00:00Z');
    const t = segmentTransitions(before, after);
    const cells = t.matrix.flat().reduce((a, b) => a + b, 0);
    expect(cells + t.left.length).toBe(before.length);
    expect(cells + t.entered.length).toBe(after.length);
    expect(t.stayed + t.moved.length).toBe(cells);
    expect(t.left).toEqual([]); // a customer with orders keeps them
    expect(t.entered.length).toBeGreaterThan(0); // first orders in the quarter
    for (const row of t.rates) {
      const sum = row.reduce((a, b) => a + b, 0);
      expect(sum === 0 || Math.abs(sum - 1) < 1e-12).toBe(true);
    }
    const afterById = new Map(after.map((a) => [a.id, a.segment]));
    for (const m of t.moved) expect(afterById.get(m.id)).toBe(m.to);
  });
});
