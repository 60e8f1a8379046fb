import { ValidationError } from '@crmkit/core';
import { kMeans, scoreRfm, segmentQuality, silhouette, summarizeOrders } from '@crmkit/segmentation';
import { describe, expect, it } from 'vitest';
import { AS_OF, ordersOf, TEN } from './fixtures';

describe('segmentQuality', () => {
  const rows = [
    { segment: 'low', features: { spend: 10 } },
    { segment: 'low', features: { spend: 20 } },
    { segment: 'high', features: { spend: 90 } },
    { segment: 'high', features: { spend: 100 } },
  ];

  it('splits the variance exactly (hand-checked, unscaled)', () => {
    const q = segmentQuality(rows, { features: ['spend'], scaling: 'none' });
    expect(q.totalSS).toBeCloseTo(6500, 9);
    expect(q.withinSS).toBeCloseTo(100, 9);
    expect(q.betweenSS).toBeCloseTo(6400, 9);
    expect(q.rSquared).toBeCloseTo(0.984615, 6);
    // (6400 / 1) / (100 / 2)
    expect(q.calinskiHarabasz).toBeCloseTo(128, 9);
    expect(q.segments).toEqual([
      { name: 'low', size: 2, centroid: { spend: 15 }, withinSS: 50, silhouette: expect.any(Number) },
      { name: 'high', size: 2, centroid: { spend: 95 }, withinSS: 50, silhouette: expect.any(Number) },
    ]);
    expect(q.silhouette).toBeCloseTo(silhouette([[10], [20], [90], [100]], [0, 0, 1, 1]).mean!, 12);
  });

  it('z scaling leaves R² unchanged for one feature and makes units irrelevant', () => {
    const scaled = segmentQuality(rows, { features: ['spend'] });
    expect(scaled.rSquared).toBeCloseTo(0.984615, 6);
    expect(scaled.totalSS).toBeCloseTo(4, 9); // n × variance 1
  });

  it('says when segments do not differ', () => {
    const mixed = segmentQuality(
      [
        { segment: 'a', features: { x: 1 } },
        { segment: 'b', features: { x: 1 } },
        { segment: 'a', features: { x: 5 } },
        { segment: 'b', features: { x: 5 } },
      ],
      { features: ['x'] },
    );
    expect(mixed.rSquared).toBeCloseTo(0, 12);
    expect(mixed.silhouette).toBeLessThan(0);
  });

  it('handles one segment, a customer per segment, and no rows', () => {
    const one = segmentQuality(
      rows.map((r) => ({ ...r, segment: 'all' })),
      { features: ['spend'] },
    );
    expect([one.rSquared, one.calinskiHarabasz, one.silhouette]).toEqual([0, undefined, undefined]);
    const each = segmentQuality(
      rows.map((r, i) => ({ ...r, segment: `s${i}` })),
      { features: ['spend'], silhouette: false },
    );
    expect(each.calinskiHarabasz).toBeUndefined();
    expect(each.rSquared).toBeCloseTo(1, 12);
    const none = segmentQuality([], { features: ['spend'] });
    expect([none.totalSS, none.segments, none.silhouette]).toEqual([0, [], undefined]);
  });

  it('k-means on the same features separates better than a random split', async () => {
    const rfm = scoreRfm(await summarizeOrders(ordersOf([...TEN]), { asOf: AS_OF }));
    const features = (c: (typeof rfm.customers)[number]) => ({
      recencyDays: c.recencyDays,
      frequency: c.frequency,
      monetary: c.monetary.amount.toNumber(),
    });
    const names = ['recencyDays', 'frequency', 'monetary'];
    const byRfm = segmentQuality(
      rfm.customers.map((c) => ({ segment: c.segment, features: features(c) })),
      { features: names },
    );
    const alternating = segmentQuality(
      rfm.customers.map((c, i) => ({ segment: String(i % 2), features: features(c) })),
      { features: names },
    );
    expect(byRfm.rSquared).toBeGreaterThan(alternating.rSquared);
    const points = rfm.customers.map((c) =>
      names.map((n) => features(c)[n as keyof ReturnType<typeof features>]),
    );
    expect(points).toHaveLength(10);
    expect(kMeans(points, { k: 2 }).k).toBe(2);
  });

  it('rejects rows without a segment or a feature', () => {
    expect(() => segmentQuality([{ features: { x: 1 } } as never], { features: ['x'] })).toThrow(
      ValidationError,
    );
    try {
      segmentQuality([{ segment: 'a', features: { y: 1 } }], { features: ['x'] });
    } catch (e) {
      expect((e as ValidationError).issues[0]!.path).toEqual([0, 'features', 'x']);
    }
    expect(() => segmentQuality([], { features: [] })).toThrow(ValidationError);
  });
});
