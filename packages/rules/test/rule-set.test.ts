import { fixedClock, Money } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { ConditionError, compile, compileRuleSet, evaluateRules, formatExplanation } from '../src/index';

describe('rule sets', () => {
  const set = compileRuleSet<{ points: number }>({
    rules: [
      { id: 'base', when: { fact: 'order.total', op: 'gt', value: 0 }, payload: { points: 1 } },
      {
        id: 'big',
        priority: 10,
        when: { fact: 'order.total', op: 'gte', value: { param: 'bigOrder' } },
        payload: { points: 50 },
      },
      { id: 'vip', priority: 5, when: { ref: 'isVip' }, payload: { points: 20 } },
      {
        id: 'stop',
        priority: 1,
        when: { fact: 'order.channel', op: 'eq', value: 'staff' },
        payload: { points: 0 },
        stop: true,
      },
    ],
    refs: { isVip: { fact: 'customer.tier', op: 'in', value: ['gold', 'diamond'] } },
    params: { bigOrder: 200 },
  });

  it('returns the payloads of the rules that fired, highest priority first', () => {
    expect(
      evaluateRules(set, { order: { total: Money.of(250, 'EUR') }, customer: { tier: 'gold' } }).map(
        (r) => r.id,
      ),
    ).toEqual(['big', 'vip', 'base']);
    expect(evaluateRules(set, { order: { total: 10 }, customer: {} }).map((r) => r.payload.points)).toEqual([
      1,
    ]);
    expect(evaluateRules(set, { order: { total: 0 } })).toEqual([]);
  });

  it('returns a new array each time, of frozen results', () => {
    const facts = { order: { total: 10 } };
    const [first, second] = [evaluateRules(set, facts), evaluateRules(set, facts)];
    expect(first).not.toBe(second);
    expect(first).toEqual([{ id: 'base', payload: { points: 1 } }]);
    expect(Object.isFrozen(first[0])).toBe(true);
    first.pop();
    expect(evaluateRules(set, facts)).toHaveLength(1);
  });

  it('stops after a rule marked stop', () => {
    expect(evaluateRules(set, { order: { total: 10, channel: 'staff' } }).map((r) => r.id)).toEqual(['stop']);
  });

  it('explains on request', () => {
    const [big] = evaluateRules(set, { order: { total: 300 } }, { explain: true });
    expect(big!.explanation).toEqual({
      kind: 'fact',
      held: true,
      path: [],
      fact: 'order.total',
      op: 'gte',
      expected: 200,
      actual: 300,
      missing: false,
    });
  });

  it('rejects bad rule sets with paths into the rules', () => {
    const attempt = (input: unknown) => {
      try {
        compileRuleSet(input);
      } catch (e) {
        expect(e).toBeInstanceOf(ConditionError);
        return (e as ConditionError).issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      }
      return [];
    };
    expect(attempt({ rules: [] })).toEqual(['rules: a rule set needs at least one rule']);
    expect(
      attempt({
        rules: [
          { id: 'a', when: { fact: 'x', op: 'eq', value: 1 } },
          { id: 'a', when: { all: [{ fact: 'x', op: 'eqq', value: 1 }] } },
        ],
      }),
    ).toEqual([
      'rules.1.id: duplicate rule id "a"',
      expect.stringMatching(/^rules\.1\.when\.all\.0\.op: unknown operator "eqq"/),
    ]);
    expect(attempt({ rules: [{ id: 'r', when: { ref: 'x' } }], refs: { x: { any: [] } } })).toEqual([
      'refs.x.any: must hold at least one condition',
    ]);
  });
});

describe('explanations', () => {
  it('show every clause with the value it saw', () => {
    const c = compile(
      {
        all: [
          { fact: 'order.total', op: 'gte', value: 100 },
          {
            any: [
              { fact: 'order.channel', op: 'eq', value: 'app' },
              { fact: 'customer.birthday', op: 'sameMonth' },
            ],
          },
          { not: { fact: 'order.coupon', op: 'exists' } },
        ],
      },
      { clock: fixedClock('2026-03-10T00:00:00Z') },
    );
    const facts = { order: { total: 120, channel: 'web' }, customer: { birthday: '1990-03-31' } };
    expect(c.test(facts)).toBe(true);
    expect(formatExplanation(c.explain(facts))).toBe(
      [
        '✓ all',
        '  ✓ order.total gte 100 (was 120)',
        '  ✓ any',
        '    ✗ order.channel eq "app" (was "web")',
        '    ✓ customer.birthday sameMonth (was "1990-03-31")',
        '  ✓ not',
        '    ✗ order.coupon exists (missing)',
      ].join('\n'),
    );
  });
});
