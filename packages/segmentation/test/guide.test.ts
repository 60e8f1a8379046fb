import { Money } from '@crmkit/core';
import {
  abcClasses,
  ahpWeights,
  assignTiers,
  clusterCustomers,
  explainRfm,
  scoreCustomers,
  scoreRfm,
  segmentByAttribute,
  segmentQuality,
  summarizeOrders,
  VALUE_CLASSES,
} from '@crmkit/segmentation';
import { describe, expect, it } from 'vitest';
import { AS_OF, ordersOf, TEN } from './fixtures';

// Every figure docs/segmenting-customers.md shows for the running example (the sections not covered
// by the other test files).
const members = (
  assignments: readonly { id: string; tier?: string; class?: string }[],
  key: 'tier' | 'class',
) => {
  const groups: Record<string, string[]> = {};
  for (const a of assignments) {
    const group = a[key]!;
    groups[group] = [...(groups[group] ?? []), a.id];
  }
  return groups;
};
const clv: Record<string, number> = {
  a: 1500,
  b: 900,
  c: 420,
  d: 800,
  e: 300,
  f: 650,
  g: 200,
  h: 1100,
  i: 90,
  j: 40,
};

describe('the guide, Segmenting customers', () => {
  it('RFM: explainRfm for h', async () => {
    const rfm = scoreRfm(await summarizeOrders(ordersOf([...TEN]), { asOf: AS_OF }));
    const why = explainRfm(rfm, 'h');
    expect([why.recency, why.frequency, why.monetary, why.rule]).toEqual([
      { value: 150, score: 2, band: { score: 2, count: 2, min: 100, max: 150 } },
      { value: 7, score: 5, band: { score: 5, count: 2, min: 6, max: 7 } },
      { value: 1200, score: 5, band: { score: 5, count: 2, min: 900, max: 1200 } },
      { name: 'Cannot lose them', r: [1, 2], fm: [5, 5] },
    ]);
  });

  it('value tiers: by CLV, by thresholds, by target shares', async () => {
    const byClv = assignTiers(
      TEN.map((c) => ({ id: c.id, value: c.monetary, clv: clv[c.id] })),
      { ...VALUE_CLASSES, by: 'clv' },
    );
    expect(members(byClv.assignments, 'tier')).toEqual({
      high: ['a', 'b', 'h'],
      medium: ['c', 'd', 'e', 'f'],
      low: ['g', 'i', 'j'],
    });
    const thresholds = assignTiers(
      TEN.map((c) => ({ id: c.id, value: c.monetary })),
      {
        method: 'thresholds',
        tiers: [{ name: 'VIP', min: 1000 }, { name: 'ordinary', min: 100 }, { name: 'low' }],
      },
    );
    expect(members(thresholds.assignments, 'tier')).toEqual({
      VIP: ['h'],
      ordinary: ['a', 'c', 'd', 'e', 'g'],
      low: ['b', 'f', 'i', 'j'],
    });
    const rfm = scoreRfm(await summarizeOrders(ordersOf([...TEN]), { asOf: AS_OF }));
    const portfolio = assignTiers(
      rfm.customers.map((c) => ({ id: c.customerId, value: c.monetary, predictedClv: clv[c.customerId] })),
      {
        method: 'shares',
        tiers: [
          { name: 'strategic', share: 0.1 },
          { name: 'important', share: 0.2 },
          { name: 'potential', share: 0.1, by: 'predictedClv' },
          { name: 'general', share: 0.6 },
        ],
      },
    );
    expect(members(portfolio.assignments, 'tier')).toEqual({
      strategic: ['h'],
      important: ['a', 'e'],
      potential: ['b'],
      general: ['c', 'd', 'f', 'g', 'i', 'j'],
    });
  });

  it('ABC classes of the ten', () => {
    const abc = abcClasses(TEN.map((c) => ({ id: c.id, value: Money.of(c.monetary, 'EUR') })));
    expect(members(abc.assignments, 'class')).toEqual({
      A: ['a', 'c', 'e', 'h'],
      B: ['d', 'f', 'g'],
      C: ['b', 'i', 'j'],
    });
    expect(abc.classes.map((c) => c.total.toString())).toEqual(['3050', '405', '120']);
    expect(abc.total.toString()).toBe('3575');
    expect(abc.classes[0]!.valueShare).toBeCloseTo(0.853, 3);
  });

  it('attribute segments by region', async () => {
    const result = await segmentByAttribute(
      [
        { id: 'a', attributes: { country: 'DE', region: 'Bavaria' } },
        { id: 'b', attributes: { country: 'de', region: 'Hesse' } },
        { id: 'c', attributes: { country: 'FR' } },
        { id: 'd', attributes: {} },
      ],
      { kind: 'region', home: { country: 'DE', region: 'Bavaria' } },
    );
    expect(result.segments.map((s) => [s.name, s.customerIds])).toEqual([
      ['local', ['a']],
      ['domestic', ['b']],
      ['international', ['c']],
    ]);
    expect(result.unknown).toEqual([{ customerId: 'd', reason: 'missing' }]);
  });

  it('clusters, weighted scores and quality of the ten', async () => {
    const rfm = scoreRfm(await summarizeOrders(ordersOf([...TEN]), { asOf: AS_OF }));
    const features = (c: (typeof rfm.customers)[number]) => ({
      recencyDays: c.recencyDays,
      frequency: c.frequency,
      monetary: c.monetary.amount.toNumber(),
    });
    const clusters = clusterCustomers(
      rfm.customers.map((c) => ({ id: c.customerId, features: features(c) })),
      { features: ['recencyDays', 'frequency', 'monetary'], k: { min: 2, max: 4 }, seed: 1 },
    );
    expect(clusters.choice?.candidates.map((c) => c.silhouette?.toFixed(3))).toEqual([
      '0.461',
      '0.437',
      '0.363',
    ]);
    expect(clusters.k).toBe(2);
    expect(clusters.clusters[0]).toMatchObject({ size: 7 });
    expect(clusters.clusters[0]!.centroid['recencyDays']).toBeCloseTo(116.857, 3);
    expect(clusters.clusters[0]!.centroid['monetary']).toBeCloseTo(117.857, 3);
    expect(clusters.assignments.filter((a) => a.cluster === 1).map((a) => a.id)).toEqual(['a', 'e', 'h']);
    expect(clusters.clusters[1]!.centroid).toEqual({
      recencyDays: 193 / 3,
      frequency: 6,
      monetary: 2750 / 3,
    });

    const matrix = [
      [1, 3, 5],
      ['1/3', 1, 2],
      ['1/5', '1/2', 1],
    ];
    const ahp = ahpWeights(matrix);
    expect(ahp.weights.map((w) => w.toFixed(3))).toEqual(['0.648', '0.230', '0.122']);
    expect([ahp.lambdaMax.toFixed(4), ahp.consistencyRatio.toFixed(4)]).toEqual(['3.0037', '0.0032']);
    const scores = scoreCustomers(
      TEN.map((c) => ({
        id: c.id,
        indicators: { purchasingPower: c.monetary, loyalty: c.frequency, recency: -c.recency },
      })),
      {
        indicators: [{ name: 'purchasingPower' }, { name: 'loyalty' }, { name: 'recency' }],
        ahp: { matrix },
      },
    );
    expect(
      [...scores.scores].sort((x, y) => y.score - x.score).map((s) => `${s.id} ${s.score.toFixed(3)}`),
    ).toEqual([
      'h 0.955',
      'a 0.797',
      'e 0.610',
      'c 0.387',
      'g 0.273',
      'd 0.208',
      'f 0.132',
      'b 0.131',
      'i 0.122',
      'j 0.000',
    ]);

    const quality = segmentQuality(
      rfm.customers.map((c) => ({ segment: c.segment, features: features(c) })),
      { features: ['recencyDays', 'frequency', 'monetary'] },
    );
    expect(quality.segments).toHaveLength(8);
    expect(quality.rSquared.toFixed(2)).toBe('0.96');
    expect(quality.silhouette?.toFixed(2)).toBe('-0.02');
    expect(clusters.silhouette?.toFixed(2)).toBe('0.46');
  });
});
