import { readFileSync } from 'node:fs';
import { Decimal, ValidationError } from '@crmkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPlayground, SAMPLE_CSV } from '../src/playground';
import { formatPlayground, type PlaygroundResult } from '../src/report';

// A naive recount from the raw CSV text, to check the playground's figures against.
const rows = readFileSync(SAMPLE_CSV, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','));
const byCustomer = new Map<string, { spend: Decimal; orders: number; last: number }>();
for (const [, customer, date, amount] of rows) {
  const c = byCustomer.get(customer!) ?? { spend: new Decimal(0), orders: 0, last: 0 };
  byCustomer.set(customer!, {
    spend: c.spend.plus(amount!),
    orders: c.orders + 1,
    last: Math.max(c.last, Date.parse(date!)), // dates are UTC days
  });
}
const daysBefore2026 = (time: number) => (Date.parse('2026-01-01') - time) / 86_400_000;
const count = (test: (c: { spend: Decimal; orders: number; last: number }) => boolean) =>
  [...byCustomer.values()].filter(test).length;
const sum = (values: string[]) => values.reduce((s, v) => s.plus(v), new Decimal(0)).toFixed(2);

let result: PlaygroundResult;
beforeAll(async () => {
  result = await runPlayground({ asOf: '2026-01-01T00:00:00Z' });
});

describe('segmentation playground on the sample data', () => {
  it('loads every order of the sample', () => {
    expect(rows).toHaveLength(17_579);
    expect(result.orders).toBe(17_579);
    expect(result.rejects).toEqual([]);
    expect(result.customers).toBe(byCustomer.size);
    expect(result.customers).toBe(4961); // 39 of the 5,000 generated customers never ordered
    expect(result.revenue).toBe(sum(rows.map((r) => r[3]!)));
    expect(result.revenue).toBe('1069749.19');
  });

  it('puts every customer in exactly one RFM segment, tier and ABC class', () => {
    for (const groups of [result.rfm, result.tiers, result.abc]) {
      expect(groups.reduce((n, g) => n + g.customers, 0)).toBe(4961);
      expect(sum(groups.map((g) => g.revenue))).toBe(result.revenue); // exact, no cent lost
    }
    expect(result.rfm.map((g) => [g.name, g.customers]).slice(0, 3)).toEqual([
      ['Loyal', 1049],
      ['At risk', 932],
      ['Champions', 610],
    ]);
    // a third of the customers bought once: all score F = 1 (ties share a score), so nobody scores 2
    expect(result.scales.find((s) => s.score === 1)!.orders).toBe('1');
    expect(result.scales.find((s) => s.score === 2)!.orders).toBe('(none)');
    expect(count((c) => c.orders === 1)).toBe(1396);
  });

  it('fills the portfolio by target shares, rounding so the counts add up', () => {
    expect(result.tiers.map((t) => [t.name, t.customers, t.criterion])).toEqual([
      ['strategic', 496, 'value'],
      ['important', 992, 'value'],
      ['potential', 496, 'recentSpend'],
      ['general', 2977, 'value'],
    ]);
    // strategic is the top 10 % by spend: its lowest spend is the 496th highest
    const spends = [...byCustomer.values()].map((c) => c.spend.toNumber()).sort((a, b) => b - a);
    expect(result.tiers[0]!.min).toBe(spends[495]);
    expect(result.tiers[0]!.max).toBe(spends[0]);
    expect(result.tiers[1]!.min).toBe(spends[1487]);
  });

  it('cuts ABC classes at 80 % and 95 % of revenue', () => {
    const [a, b, c] = result.abc;
    expect([a!.customers, b!.customers, c!.customers]).toEqual([2095, 1500, 1366]);
    expect(a!.revenueShare).toBeGreaterThanOrEqual(0.8);
    expect(a!.revenueShare).toBeLessThan(0.8003); // the customer crossing 80 % is the last in A
    expect(a!.revenueShare + b!.revenueShare).toBeGreaterThanOrEqual(0.95);
  });

  it('evaluates the JSON rule segments and explains a member', () => {
    const segment = (id: string) => result.segments.find((s) => s.name === id)!;
    expect(segment('big-spenders-gone-quiet').customers).toBe(
      count((c) => c.spend.gte(300) && daysBefore2026(c.last) >= 90),
    );
    expect(segment('big-spenders-gone-quiet').customers).toBe(255);
    expect(segment('one-and-done').customers).toBe(
      count((c) => c.orders === 1 && daysBefore2026(c.last) >= 60),
    );
    expect(segment('strategic-slipping').customers).toBe(99);
    expect(segment('recent-momentum').customers).toBe(770);
    expect(result.example).toEqual({
      segment: 'big-spenders-gone-quiet',
      customerId: 'c0000007',
      why: [
        '✓ all',
        '  ✓ rfm.monetary gte "300" (was 457.88 EUR)',
        '  ✓ rfm.recencyDays gte 90 (was 135)',
      ].join('\n'),
    });
  });

  it('prints compact tables', () => {
    const text = formatPlayground(result);
    expect(text.split('\n')[0]).toBe(
      '17579 orders (0 rejected) of 4961 customers, 1,069,749.19 EUR, as of 2026-01-01',
    );
    expect(text).toContain('strategic        496  10.0 %   430,756.03      40.3 %  value');
    expect(text).toContain('big-spenders-gone-quiet        255   5.1 %   132,462.02      12.4 %');
  });

  it('rejects a bad rule segment before reading any order', async () => {
    const bad = [{ id: 'x', name: 'X', version: 1, when: { fact: 'rfm.r', op: 'gtee', value: 4 } }];
    const error = await runPlayground({ segments: bad, csvPath: '/nonexistent.csv' }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues[0].path).toEqual([0, 'when', 'op']);
  });
});
