import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assessLevel,
  ChurnConfigError,
  compileThresholds,
  describeFired,
  type LevelState,
  levelStateOf,
  type ThresholdConfig,
} from '../src/index';

const config: ThresholdConfig = {
  rules: [
    { id: 'slipping', level: 'watch', when: { fact: 'frequencyDropPct', op: 'gte', value: 50 } },
    {
      id: 'late',
      level: 'warning',
      when: { fact: 'recencyRatio', op: 'gte', value: 3 },
      exit: { fact: 'recencyRatio', op: 'lt', value: 2 },
    },
    {
      id: 'angry',
      level: 'critical',
      when: {
        all: [
          { fact: 'complaints', op: 'gte', value: 2 },
          { fact: 'satisfactionChange', op: 'lte', value: -3 },
        ],
      },
    },
    {
      id: 'silent',
      level: 'critical',
      when: { fact: 'recencyDays', op: 'gte', value: { param: 'silentDays' } },
    },
  ],
  segments: {
    vip: [
      {
        id: 'vip-late',
        level: 'critical',
        when: { fact: 'recencyRatio', op: 'gte', value: 1.5 },
        exit: { fact: 'recencyRatio', op: 'lt', value: 1 },
      },
    ],
  },
  params: { silentDays: 180 },
};

describe('compileThresholds + assessLevel', () => {
  const thresholds = compileThresholds(config);

  it('gives no level when no rule holds', () => {
    expect(assessLevel(thresholds, { recencyRatio: 1, complaints: 0 })).toEqual({ level: null, rules: [] });
  });

  it('lets the highest level win and lists every rule that fired, highest first', () => {
    const facts = {
      frequencyDropPct: 60,
      recencyRatio: 3.5,
      complaints: 3,
      satisfactionChange: -4,
      recencyDays: 40,
    };
    const a = assessLevel(thresholds, facts);
    expect(a.level).toBe('critical');
    expect(a.rules.map((r) => [r.id, r.level, r.via])).toEqual([
      ['angry', 'critical', 'entered'],
      ['late', 'warning', 'entered'],
      ['slipping', 'watch', 'entered'],
    ]);
    expect(a.rules.flatMap(describeFired)).toEqual([
      'complaints gte 2 (was 3)',
      'satisfactionChange lte -3 (was -4)',
      'recencyRatio gte 3 (was 3.5)',
      'frequencyDropPct gte 50 (was 60)',
    ]);
  });

  it('treats a missing indicator as not holding', () => {
    expect(assessLevel(thresholds, { complaints: 5 }).level).toBeNull();
  });

  it('uses a segment’s own rules instead of the general ones', () => {
    const facts = { recencyRatio: 1.6, frequencyDropPct: 80, segment: 'vip' };
    expect(assessLevel(thresholds, facts, { segment: 'vip' }).level).toBe('critical');
    expect(assessLevel(thresholds, facts, { segment: 'new' }).level).toBe('watch'); // no own rules: general
  });

  it('keeps a level by hysteresis until the exit threshold is crossed', () => {
    let state: LevelState = { level: null, rules: [] };
    const run = (recencyRatio: number) => {
      const a = assessLevel(thresholds, { recencyRatio }, { previous: state });
      state = levelStateOf(a);
      return a;
    };
    expect(run(3.2).level).toBe('warning');
    const held = run(2.5); // below the entry 3, not below the exit 2
    expect(held.level).toBe('warning');
    expect(held.rules[0]?.via).toBe('held');
    expect(describeFired(held.rules[0]!)).toEqual(['not yet recovered: recencyRatio lt 2 (was 2.5)']);
    expect(run(2.9).level).toBe('warning');
    expect(run(1.9).level).toBeNull(); // recovered past the exit threshold
    expect(run(2.5).level).toBeNull(); // and does not come back until the entry threshold
    expect(run(3).level).toBe('warning');
  });

  it('has no hysteresis for rules without exit', () => {
    const previous = { level: 'watch', rules: ['slipping'] };
    expect(assessLevel(thresholds, { frequencyDropPct: 40 }, { previous }).level).toBeNull();
  });

  it('never flaps: between the exit and entry thresholds the level stays the previous one', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 6, noNaN: true }), { maxLength: 30 }), (ratios) => {
        let state: LevelState = { level: null, rules: [] };
        for (const r of ratios) {
          const a = assessLevel(thresholds, { recencyRatio: r }, { previous: state, explain: false });
          if (r >= 3) expect(a.level).toBe('warning');
          else if (r < 2) expect(a.level).toBeNull();
          else expect(a.level).toBe(state.level);
          state = levelStateOf(a);
        }
      }),
    );
  });

  it('always gives the highest level among the rules whose condition holds', () => {
    const rank = { watch: 0, warning: 1, critical: 2 } as const;
    fc.assert(
      fc.property(
        fc.record({
          frequencyDropPct: fc.integer({ min: -100, max: 100 }),
          recencyRatio: fc.double({ min: 0, max: 6, noNaN: true }),
          complaints: fc.integer({ min: 0, max: 4 }),
          satisfactionChange: fc.integer({ min: -10, max: 10 }),
          recencyDays: fc.integer({ min: 0, max: 400 }),
        }),
        (facts) => {
          const holds = [
            facts.frequencyDropPct >= 50 ? 'watch' : undefined,
            facts.recencyRatio >= 3 ? 'warning' : undefined,
            facts.complaints >= 2 && facts.satisfactionChange <= -3 ? 'critical' : undefined,
            facts.recencyDays >= 180 ? 'critical' : undefined,
          ].filter((l): l is keyof typeof rank => l !== undefined);
          const expected = holds.sort((a, b) => rank[b] - rank[a])[0] ?? null;
          const full = assessLevel(thresholds, facts);
          expect(full.level).toBe(expected);
          expect(full.rules).toHaveLength(holds.length);
          expect(assessLevel(thresholds, facts, { explain: false }).level).toBe(expected);
        },
      ),
    );
  });

  it('explains without changing the decision', () => {
    const facts = { recencyRatio: 3.5 };
    const fast = assessLevel(thresholds, facts, { explain: false });
    const full = assessLevel(thresholds, facts);
    expect(fast.level).toBe(full.level);
    expect(fast.rules[0]?.explanation).toBeUndefined();
    expect(full.rules[0]?.explanation).toMatchObject({ kind: 'fact', held: true, actual: 3.5, expected: 3 });
  });

  it('reports every configuration problem with its path', () => {
    let error: unknown;
    try {
      compileThresholds({
        levels: ['watch', 'warning', 'watch'],
        rules: [
          { id: 'a', level: 'severe', when: { fact: 'recencyDays', op: 'gtee' as 'gte', value: 1 } },
          { id: 'a', level: 'watch', when: { fact: 'recencyDays', op: 'gte', value: 1 }, exit: { any: [] } },
          { id: 'c', level: 'watch', when: { fact: 'x', op: 'gte', value: { param: 'nope' } } },
        ],
        segments: { vip: [{ id: 'v', level: 'warning', when: { ref: 'missing' } }] },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChurnConfigError);
    const issues = (error as ChurnConfigError).issues.map((i) => [i.path.join('.'), i.message]);
    const paths = issues.map(([p]) => p);
    expect(paths).toEqual(
      expect.arrayContaining([
        'levels.2',
        'rules.0.level',
        'rules.0.when.op',
        'rules.1.id',
        'rules.1.exit.any',
        'rules.2.when.value',
        'segments.vip.0.when.ref',
      ]),
    );
    expect(issues.find(([p]) => p === 'rules.0.level')?.[1]).toMatch(/unknown level "severe"/);
    expect((error as ChurnConfigError).code).toBe('INVALID_CHURN_CONFIG');
  });

  it('asks for compiled thresholds', () => {
    expect(() => assessLevel(config as never, {})).toThrow(/use compileThresholds/);
  });

  it('rejects an empty or malformed config', () => {
    expect(() => compileThresholds({ rules: [] })).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: ['rules'] })] }),
    );
    expect(() => compileThresholds({ rules: [{ id: 'x', level: 'watch' } as never] })).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: ['rules', 0, 'when'] })] }),
    );
  });
});
