import { fixedClock, Money, ValidationError } from '@crmkit/core';
import { formatExplanation } from '@crmkit/rules';
import {
  compileSegments,
  customerFacts,
  SegmentManifestSchema,
  SegmentVersionError,
} from '@crmkit/segmentation';
import { describe, expect, it } from 'vitest';

const definitions = [
  {
    id: 'vip-at-risk',
    name: 'VIPs at risk',
    version: 1,
    when: {
      all: [
        { fact: 'tier', op: 'eq', value: 'strategic' },
        { fact: 'rfm.r', op: 'lte', value: 2 },
      ],
    },
  },
  {
    id: 'happy-regulars',
    name: 'Happy regulars',
    version: 3,
    when: {
      all: [
        { fact: 'rfm.score', op: 'gte', value: 4 },
        { fact: 'metrics.satisfaction', op: 'gte', value: 9 },
        { not: { fact: 'customer.tags', op: 'contains', value: 'staff' } },
      ],
    },
  },
  {
    id: 'retail-big-spenders',
    name: 'Retail big spenders',
    version: 1,
    when: {
      all: [
        { fact: 'customer.attributes.industry', op: 'eq', value: 'retail' },
        { fact: 'rfm.monetary', op: 'gte', value: 1000 },
      ],
    },
  },
  {
    id: 'growing',
    name: 'Growing',
    version: 1,
    when: { fact: 'metrics.lifecycleStage', op: 'in', value: ['growth', 'active'] },
  },
];

const rfm = (r: number, f: number, m: number, monetary: string) => ({
  customerId: 'x',
  recencyDays: 10,
  frequency: 3,
  monetary: Money.of(monetary, 'EUR'),
  r,
  f,
  m,
  fm: Math.floor((f + m + 1) / 2),
  score: (r + f + m) / 3,
  code: `${r}${f}${m}`,
  segment: 'any',
});

describe('compileSegments', () => {
  const segments = compileSegments(definitions);

  it('a customer may belong to several segments, in definition order', () => {
    const facts = customerFacts({
      customer: { id: 'c1', tags: ['newsletter'], attributes: { industry: 'retail' } },
      rfm: rfm(5, 4, 5, '1000.00'),
      tier: 'strategic',
      metrics: { satisfaction: 9, lifecycleStage: 'growth' },
    });
    expect(segments.evaluate(facts)).toEqual(['happy-regulars', 'retail-big-spenders', 'growing']);
    const staff = customerFacts({
      customer: { id: 'c2', tags: ['staff'] },
      rfm: rfm(1, 5, 5, '999.99'),
      tier: 'strategic',
    });
    expect(segments.evaluate(staff)).toEqual(['vip-at-risk']);
    expect(segments.evaluate(customerFacts({ customer: { id: 'c3' } }))).toEqual([]);
  });

  it('shares one frozen array per combination of segments', () => {
    const a = segments.evaluate({ customer: { id: 'a' }, tier: 'strategic', rfm: rfm(1, 1, 1, '1') });
    const b = segments.evaluate({ customer: { id: 'b' }, tier: 'strategic', rfm: rfm(2, 3, 1, '5') });
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('explains which clauses held, with the values seen', () => {
    const facts = customerFacts({
      customer: { id: 'c1', tags: [], attributes: { industry: 'retail' } },
      rfm: rfm(4, 4, 3, '1200'),
      metrics: { satisfaction: 7 },
    });
    const why = segments.explain(facts);
    expect(why.map((w) => [w.id, w.version, w.member])).toEqual([
      ['vip-at-risk', 1, false],
      ['happy-regulars', 3, false],
      ['retail-big-spenders', 1, true],
      ['growing', 1, false],
    ]);
    expect(formatExplanation(why[1]!.explanation)).toBe(
      [
        '✗ all',
        '  ✗ rfm.score gte 4 (was 3.6666666666666665)',
        '  ✗ metrics.satisfaction gte 9 (was 7)',
        '  ✓ not',
        '    ✗ customer.tags contains "staff" (was [])',
      ].join('\n'),
    );
    expect(formatExplanation(why[2]!.explanation)).toContain('✓ rfm.monetary gte 1000 (was 1200 EUR)');
  });

  it('uses shared refs, params and the clock of @crmkit/rules', () => {
    const withRefs = compileSegments(
      [
        {
          id: 'recent-vip',
          name: 'Recent VIP',
          version: 1,
          when: { all: [{ ref: 'vip' }, { fact: 'rfm.r', op: 'gte', value: { param: 'minR' } }] },
        },
        {
          id: 'new-this-month',
          name: 'New this month',
          version: 1,
          when: { fact: 'customer.createdAt', op: 'within', value: { days: 30 } },
        },
      ],
      {
        refs: { vip: { fact: 'tier', op: 'in', value: ['strategic', 'important'] } },
        params: { minR: 4 },
        clock: fixedClock('2026-01-01T00:00:00Z'),
      },
    );
    expect(
      withRefs.evaluate({
        customer: { id: 'a', createdAt: new Date('2025-12-20T00:00:00Z') },
        tier: 'important',
        rfm: rfm(4, 1, 1, '1'),
      }),
    ).toEqual(['recent-vip', 'new-this-month']);
  });

  it('reports every problem in bad definitions, with paths', () => {
    try {
      compileSegments(
        [
          { id: 'ok', name: 'OK', version: 0, when: { fact: 'rfm.r', op: 'gte', value: 4 } },
          { id: 'typo', name: 'Typo', version: 1, when: { all: [{ fact: 'rfm.r', op: 'gtee', value: 4 }] } },
          { id: 'ok', name: 'Twice', version: 1, when: { ref: 'missing' } },
          { id: 'bad id!', name: '', version: 1, when: 'rfm.r > 4', colour: 'red' },
          { id: 'shared', name: 'Shared', version: 1, when: { ref: 'broken' } },
          { id: 'shared2', name: 'Shared', version: 1, when: { not: { ref: 'broken' } } },
        ],
        { refs: { broken: { any: [] } } },
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path.join('.'))).toEqual([
        '0.version',
        '1.when.all.0.op',
        '2.id',
        '2.when.ref',
        '3.id',
        '3.name',
        '3.when',
        '3',
        'refs.broken.any',
      ]);
    }
    expect(() => compileSegments([])).toThrow(ValidationError);
    expect(() => compileSegments('nope' as never)).toThrow(ValidationError);
  });
});

describe('versions', () => {
  const v1 = [{ id: 'loyal', name: 'Loyal', version: 1, when: { fact: 'rfm.f', op: 'gte', value: 4 } }];
  const previous = compileSegments(v1).manifest;

  it('the manifest fingerprints the meaning, not the formatting', () => {
    const reordered = [
      {
        when: { value: 4, op: 'gte', fact: 'rfm.f' },
        version: 1,
        name: 'Loyal',
        id: 'loyal',
        description: 'same',
      },
    ];
    expect(compileSegments(reordered, { previous }).manifest).toEqual(previous);
    expect(previous.segments[0]).toMatchObject({
      id: 'loyal',
      version: 1,
      fingerprint: expect.stringMatching(/^[0-9a-f]{14}$/),
    });
  });

  it('a changed definition needs a new version, and a new version needs acceptNewVersions', () => {
    const changed = [{ ...v1[0]!, when: { fact: 'rfm.f', op: 'gte', value: 5 } }];
    const error = (() => {
      try {
        compileSegments(changed, { previous });
      } catch (e) {
        return e as SegmentVersionError;
      }
    })();
    expect(error).toBeInstanceOf(SegmentVersionError);
    expect(error?.code).toBe('SEGMENT_VERSION');
    expect(error?.issues).toEqual([
      {
        path: [0, 'version'],
        message: 'segment loyal changed but is still version 1: raise its version',
        code: 'version_not_raised',
      },
    ]);
    const bumped = [{ ...changed[0]!, version: 2 }];
    expect(() => compileSegments(bumped, { previous })).toThrow(/pass acceptNewVersions/);
    expect(compileSegments(bumped, { previous, acceptNewVersions: true }).manifest.segments[0]!.version).toBe(
      2,
    );
    const later = compileSegments(bumped, { previous, acceptNewVersions: true }).manifest;
    expect(() => compileSegments(v1, { previous: later })).toThrow(/older than the previous run's 2/);
  });

  it('a changed ref changes the meaning of the definitions using it', () => {
    const usesRef = [{ id: 'vip', name: 'VIP', version: 1, when: { ref: 'top' } }];
    const before = compileSegments(usesRef, {
      refs: { top: { fact: 'tier', op: 'eq', value: 'strategic' } },
    }).manifest;
    expect(() =>
      compileSegments(usesRef, {
        refs: { top: { fact: 'tier', op: 'eq', value: 'important' } },
        previous: before,
      }),
    ).toThrow(SegmentVersionError);
    expect(() =>
      compileSegments(usesRef, {
        refs: { top: { fact: 'tier', op: 'eq', value: 'strategic' }, unused: { fact: 'x', op: 'exists' } },
        previous: before,
      }),
    ).not.toThrow();
  });
});

describe('typed errors for facts and options', () => {
  const pathsOf = (run: () => unknown) => {
    try {
      run();
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues.map((i) => i.path.join('.'));
    }
  };

  it('customerFacts names what is of the wrong kind', () => {
    expect(pathsOf(() => customerFacts({ customer: {} as never }))).toEqual(['customer.id']);
    expect(
      pathsOf(() => customerFacts({ customer: { id: 'c1' }, tier: 3 as never, metrics: 'x' as never })),
    ).toEqual(['tier', 'metrics']);
  });

  it('compileSegments validates its options, including a stored manifest read back', () => {
    const segments = compileSegments(definitions);
    const stored = SegmentManifestSchema.parse(JSON.parse(JSON.stringify(segments.manifest)));
    expect(compileSegments(definitions, { previous: stored }).manifest).toEqual(segments.manifest);
    const broken = { segments: [{ ...stored.segments[0]!, version: 0 }] };
    expect(pathsOf(() => compileSegments(definitions, { previous: broken }))).toEqual([
      'previous.segments.0.version',
    ]);
    expect(pathsOf(() => compileSegments(definitions, { clock: { now: 5 } as never }))).toEqual(['clock']);
    expect(pathsOf(() => compileSegments(definitions, { acceptNew: true } as never))).toEqual(['']);
  });
});
