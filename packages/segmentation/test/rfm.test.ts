import { Money, ValidationError } from '@crmkit/core';
import {
  customerSummaries,
  DEFAULT_RFM_SEGMENTS,
  explainRfm,
  RfmSegmentMapSchema,
  scoreRfm,
  summarizeOrders,
} from '@crmkit/segmentation';
import { describe, expect, it } from 'vitest';
import { AS_OF, ordersOf, TEN } from './fixtures';

const summarise = () => summarizeOrders(ordersOf([...TEN]), { asOf: AS_OF });
const byId = <T extends { customerId: string }>(rows: readonly T[]) =>
  Object.fromEntries(rows.map((r) => [r.customerId, r]));

describe('scoreRfm with quantiles (hand-checked, ten customers)', () => {
  it('scores recency inversely, shares frequency ties, and names the default segments', async () => {
    const result = scoreRfm(await summarise());
    const got = byId(result.customers);
    // R: worse-count w gives 1 + floor(5(w + 0.5)/10); F: 1,1,1 tie at p = 0.15 → 1, 2,2 at p = 0.4 → 3, …
    expect(Object.fromEntries(result.customers.map((c) => [c.customerId, c.code]))).toEqual({
      a: '555',
      b: '511',
      c: '444',
      d: '433',
      e: '344',
      f: '312',
      g: '233',
      h: '255',
      i: '132',
      j: '111',
    });
    expect(Object.fromEntries(result.customers.map((c) => [c.customerId, c.segment]))).toEqual({
      a: 'Champions',
      b: 'New',
      c: 'Loyal',
      d: 'Potential loyalists',
      e: 'Loyal',
      f: 'About to sleep',
      g: 'At risk',
      h: 'Cannot lose them',
      i: 'At risk',
      j: 'Lost',
    });
    expect(got['i']).toMatchObject({ recencyDays: 200, frequency: 2, r: 1, f: 3, m: 2, fm: 3 });
    expect(got['i']!.score).toBeCloseTo(2, 12);
    expect(got['h']!.monetary.equals(Money.of(1200, 'EUR'))).toBe(true);
  });

  it('reports which values each score covers, and segment sizes', async () => {
    const result = scoreRfm(await summarise());
    expect(result.scales.frequency.bands).toEqual([
      { score: 1, count: 3, min: 1, max: 1 },
      { score: 2, count: 0, min: null, max: null },
      { score: 3, count: 3, min: 2, max: 3 },
      { score: 4, count: 2, min: 4, max: 5 },
      { score: 5, count: 2, min: 6, max: 7 },
    ]);
    expect(result.scales.recency.bands[4]).toEqual({ score: 5, count: 2, min: 3, max: 8 });
    expect(result.segments.find((s) => s.name === 'At risk')).toEqual({
      name: 'At risk',
      count: 2,
      share: 0.2,
    });
    expect(result.segments.reduce((n, s) => n + s.count, 0)).toBe(10);
  });

  it('splits ties by customer id when asked, into equal bins', async () => {
    const result = scoreRfm(await summarise(), { frequency: { method: 'quantile', ties: 'split-by-id' } });
    // order by (frequency, id): b f j d i g c e a h → positions 0…9 → 1 1 2 2 3 3 4 4 5 5
    expect(Object.fromEntries(result.customers.map((c) => [c.customerId, c.f]))).toEqual({
      b: 1,
      f: 1,
      j: 2,
      d: 2,
      i: 3,
      g: 3,
      c: 4,
      e: 4,
      a: 5,
      h: 5,
    });
  });

  it('does not depend on the order of the input', async () => {
    const forward = scoreRfm(await summarise());
    const reversed = scoreRfm(await summarizeOrders(ordersOf([...TEN].reverse()), { asOf: AS_OF }), {
      frequency: { method: 'quantile', ties: 'share' },
    });
    expect(byId(reversed.customers)).toEqual(byId(forward.customers));
  });
});

describe('scoreRfm with fixed edges', () => {
  it('puts an edge in the bin above it, recency reversed', async () => {
    const result = scoreRfm(await summarise(), {
      recency: { method: 'edges', edges: [30, 90, 180, 365] },
      frequency: { method: 'edges', edges: [2, 3, 5, 7] },
      monetary: { method: 'edges', edges: [50, 100, 500, 1000] },
    });
    expect(Object.fromEntries(result.customers.map((c) => [c.customerId, c.code]))).toEqual({
      a: '544', // 3 days; 6 orders (5 ≤ 6 < 7); 900 (500 ≤ 900 < 1000)
      b: '511',
      c: '533', // 300 lies in [100, 500)
      d: '523', // 2 orders reaches edge 2; 120 ≥ 100
      e: '444',
      f: '412',
      g: '333', // 100 days ≥ 90; 3 orders reaches edge 3
      h: '355', // 7 orders reaches the last edge; 1200 ≥ 1000
      i: '222',
      j: '111',
    });
  });
});

describe('scoreRfm edge cases', () => {
  it('scores nobody for empty input', async () => {
    const result = scoreRfm(await summarizeOrders([], { asOf: AS_OF }));
    expect(result.customers).toEqual([]);
    expect(result.currency).toBeUndefined();
    expect(result.segments.every((s) => s.count === 0 && s.share === 0)).toBe(true);
    expect(result.scales.recency.bands[0]).toEqual({ score: 1, count: 0, min: null, max: null });
  });

  it('gives a single customer the middle score on every quantile scale', async () => {
    const result = scoreRfm(await summarizeOrders(ordersOf([TEN[0]]), { asOf: AS_OF }));
    expect(result.customers).toHaveLength(1);
    expect(result.customers[0]).toMatchObject({ customerId: 'a', code: '333', segment: 'Need attention' });
  });

  it('gives everybody the same score when everybody is equal', async () => {
    const same = ['x', 'y', 'z'].map((id) => ({ id, recency: 10, frequency: 2, monetary: 50 }));
    const result = scoreRfm(await summarizeOrders(ordersOf(same), { asOf: AS_OF }));
    expect(new Set(result.customers.map((c) => c.code))).toEqual(new Set(['333']));
  });
});

describe('the segment map', () => {
  it('default: every one of the 125 patterns has exactly the documented segment', () => {
    const table: Record<string, string[]> = {
      5: ['New', 'Potential loyalists', 'Potential loyalists', 'Champions', 'Champions'],
      4: ['Promising', 'Potential loyalists', 'Potential loyalists', 'Loyal', 'Loyal'],
      3: ['About to sleep', 'About to sleep', 'Need attention', 'Loyal', 'Loyal'],
      2: ['Hibernating', 'Hibernating', 'At risk', 'At risk', 'Cannot lose them'],
      1: ['Lost', 'Hibernating', 'At risk', 'At risk', 'Cannot lose them'],
    };
    const map = RfmSegmentMapSchema.parse(DEFAULT_RFM_SEGMENTS);
    const names = new Set<string>();
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        for (let m = 1; m <= 5; m++) {
          const fm = Math.floor((f + m + 1) / 2);
          const rule = map.segments.find(
            (s) =>
              (!s.r || (r >= s.r[0] && r <= s.r[1])) &&
              (!s.f || (f >= s.f[0] && f <= s.f[1])) &&
              (!s.m || (m >= s.m[0] && m <= s.m[1])) &&
              (!s.fm || (fm >= s.fm[0] && fm <= s.fm[1])),
          );
          expect(rule?.name, `${r}${f}${m}`).toBe(table[r]![fm - 1]);
          names.add(rule!.name);
        }
      }
    }
    expect(names.size).toBe(11);
  });

  it('a custom map with a fallback', async () => {
    const result = scoreRfm(await summarise(), {
      segments: { segments: [{ name: 'Best', r: [4, 5], f: [4, 5], m: [4, 5] }], fallback: 'Others' },
    });
    expect(result.customers.filter((c) => c.segment === 'Best').map((c) => c.customerId)).toEqual(['a', 'c']);
    expect(result.segments).toEqual([
      { name: 'Best', count: 2, share: 0.2 },
      { name: 'Others', count: 8, share: 0.8 },
    ]);
  });

  it('rejects a map that leaves patterns uncovered, or repeats a name', async () => {
    const summaries = await summarise();
    const error = (() => {
      try {
        scoreRfm(summaries, {
          segments: {
            segments: [
              { name: 'Active', r: [3, 5] },
              { name: 'Active', r: 1 },
            ],
          },
        });
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((i) => i.path)).toEqual([
      ['segments', 'segments', 1, 'name'],
      ['segments', 'segments'],
    ]);
    expect(error.issues[1]!.message).toMatch(
      /^25 score patterns match no segment \(211, 212, 213, 214, 215, …\)/,
    );
  });
});

describe('bad options and summaries', () => {
  it('names the path of bad edges and unknown keys', async () => {
    const summaries = await summarise();
    const issues = (options: unknown) => {
      try {
        scoreRfm(summaries, options as never);
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((i) => i.path.join('.'));
      }
    };
    expect(issues({ recency: { method: 'edges', edges: [30, 20, 180, 365] } })).toEqual(['recency.edges.1']);
    expect(issues({ monetary: { method: 'edges', edges: [1, 2, 3] } })).toEqual(['monetary.edges']);
    expect(issues({ frequency: { method: 'deciles' } })).toEqual(['frequency.method']);
    expect(issues({ recencyy: {} })).toEqual(['']);
    expect(issues({ segments: { segments: [{ name: 'x', r: [4, 2] }], fallback: 'y' } })).toEqual([
      'segments.segments.0.r',
    ]);
  });

  it('rejects summaries that are not summaries, naming the customer', async () => {
    const summaries = await summarise();
    const broken = { ...summaries, customers: [{ ...summaries.customers[0]!, frequency: 0 }] };
    expect(() => scoreRfm(broken)).toThrow(ValidationError);
    try {
      scoreRfm(broken);
    } catch (e) {
      expect((e as ValidationError).issues[0]!.path).toEqual(['customers', 0, 'frequency']);
    }
    expect(() => scoreRfm(null as never)).toThrow(ValidationError);
  });
});

describe('explainRfm', () => {
  it('gives each dimension its value, score and band, and the matching rule', async () => {
    const result = scoreRfm(await summarise());
    const why = explainRfm(result, 'd');
    expect(why.recency).toEqual({ value: 25, score: 4, band: { score: 4, count: 2, min: 15, max: 25 } });
    expect(why.frequency).toEqual({ value: 2, score: 3, band: { score: 3, count: 3, min: 2, max: 3 } });
    expect(why.monetary).toEqual({ value: 120, score: 3, band: { score: 3, count: 2, min: 120, max: 210 } });
    expect(why.rule).toEqual({ name: 'Potential loyalists', r: [4, 5], fm: [2, 3] });
    expect(() => explainRfm(result, 'nobody')).toThrow(/does not exist/);
  });
});

describe('summaries computed elsewhere', () => {
  it('scores rows from a SQL summary exactly like summarised orders', async () => {
    const rows = TEN.map((c) => ({
      customerId: c.id,
      frequency: c.frequency,
      monetary: { amount: String(c.monetary), currency: 'EUR' },
      lastOrderAt: new Date(AS_OF.getTime() - c.recency * 86_400_000).toISOString(),
    }));
    const fromRows = scoreRfm(customerSummaries(rows, { asOf: AS_OF }));
    const fromOrders = scoreRfm(await summarise());
    expect(fromRows.customers.map((c) => [c.customerId, c.code, c.segment])).toEqual(
      fromOrders.customers.map((c) => [c.customerId, c.code, c.segment]),
    );
  });
});

describe('typed errors for summaries and explanations', () => {
  const pathsOf = (run: () => unknown) => {
    try {
      run();
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues.map((i) => i.path.join('.'));
    }
  };

  it('names a bad asOf and a customer listed twice', async () => {
    const summaries = await summarise();
    expect(pathsOf(() => scoreRfm({ ...summaries, asOf: 'soon' as never }))).toEqual(['asOf']);
    const twice = { ...summaries, customers: [summaries.customers[0]!, summaries.customers[0]!] };
    expect(pathsOf(() => scoreRfm(twice))).toEqual(['customers.1.customerId']);
  });

  it('explainRfm names a bad result or id', async () => {
    const result = scoreRfm(await summarise());
    expect(pathsOf(() => explainRfm({} as never, 'a'))).toEqual(['result']);
    expect(pathsOf(() => explainRfm(result, 42 as never))).toEqual(['customerId']);
  });
});
