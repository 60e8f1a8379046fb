import { describe, expect, it } from 'vitest';
import { ConditionError, compile, validateCondition } from '../src/index';

const problems = (json: unknown, options = {}) => {
  const result = validateCondition(json, options);
  return result.ok ? [] : result.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('validateCondition', () => {
  it('accepts a valid condition and returns it', () => {
    const c = { all: [{ fact: 'a', op: 'eq', value: 1 }, { not: { fact: 'b', op: 'exists' } }] };
    expect(validateCondition(c)).toEqual({ ok: true, condition: c });
  });

  it('names each problem by its JSON path', () => {
    expect(problems({ all: [{ fact: 'a', op: 'gtee', value: 1 }] })).toEqual([
      expect.stringMatching(/^all\.0\.op: unknown operator "gtee"; use one of eq, ne/),
    ]);
    expect(problems({ any: [] })).toEqual(['any: must hold at least one condition']);
    expect(problems({ all: {} })).toEqual(['all: must be an array of conditions']);
    expect(problems({ not: 5 })).toEqual([expect.stringMatching(/^not: must be a condition object/)]);
    expect(problems({ all: [{ fact: '', op: 'eq', value: 1 }] })).toEqual([
      'all.0.fact: must be a dotted path such as order.total',
    ]);
    expect(problems({ fact: 'a', op: 'eq', value: 1, extra: true })).toEqual([
      expect.stringMatching(/^: .*extra/),
    ]);
    expect(problems({ all: [{ fact: 'a', op: 'eq' }], any: [] })).toEqual([
      expect.stringMatching(/^: a all condition takes no other keys/),
      'all.0.value: eq needs a string, number, boolean, null or { fact }',
    ]);
  });

  it('checks the value type of every operator', () => {
    const bad: [unknown, string | RegExp][] = [
      [
        { fact: 'a', op: 'gt', value: true },
        'gt needs a number, a string (decimal, ISO date or text) or { fact }',
      ],
      [
        { fact: 'a', op: 'lte', value: null },
        'lte needs a number, a string (decimal, ISO date or text) or { fact }',
      ],
      [{ fact: 'a', op: 'in', value: [] }, 'in needs a non-empty array of values, or { fact }'],
      [{ fact: 'a', op: 'in', value: 'web' }, 'in needs a non-empty array of values, or { fact }'],
      [{ fact: 'a', op: 'between', value: [1] }, /^value: between needs \[low, high\]: two numbers/],
      [{ fact: 'a', op: 'between', value: [5, 1] }, 'between needs low <= high'],
      [{ fact: 'a', op: 'startsWith', value: 1 }, 'startsWith needs a string or { fact }'],
      [
        { fact: 'a', op: 'exists', value: true },
        'exists takes no value (wrap it in not to test for a missing fact)',
      ],
      [
        { fact: 'a', op: 'before', value: 'yesterday' },
        'before needs an ISO 8601 date or date-time string, or { fact }',
      ],
      [
        { fact: 'a', op: 'dayOfWeek', value: 7 },
        'dayOfWeek needs 0–6 (0 = Sunday) or a non-empty array of them',
      ],
      [{ fact: 'a', op: 'dayOfMonth', value: [0] }, 'dayOfMonth needs 1–31 or a non-empty array of them'],
      [{ fact: 'a', op: 'eq', value: [1] }, 'eq needs a string, number, boolean, null or { fact }'],
    ];
    for (const [condition, message] of bad) {
      expect(problems(condition)).toEqual([
        typeof message === 'string' ? `value: ${message}` : expect.stringMatching(message),
      ]);
    }
    expect(problems({ fact: 'a', op: 'within', value: { days: 0 } })[0]).toMatch(
      /^value: within needs a duration such as \{ "days": 30 \}/,
    );
  });

  it('reports date operators that need a clock, and unknown time zones', () => {
    expect(problems({ fact: 'a', op: 'within', value: { days: 1 } })).toEqual([
      'op: within compares with now: pass a clock to compile',
    ]);
    expect(problems({ fact: 'a', op: 'sameDayOfYear' })).toEqual([
      'op: sameDayOfYear compares with now: pass a clock to compile',
    ]);
    expect(problems({ fact: 'a', op: 'sameDayOfYear', value: '2026-01-01' })).toEqual([]);
    expect(problems({ fact: 'a', op: 'exists' }, { timeZone: 'Mars/Olympus' })).toEqual([
      ': unknown time zone "Mars/Olympus"',
    ]);
  });

  it('resolves refs and params, and finds unknown and cyclic ones', () => {
    const refs = { a: { ref: 'b' }, b: { any: [{ ref: 'a' }] }, ok: { fact: 'x', op: 'exists' } };
    expect(problems({ ref: 'ok' }, { refs })).toEqual([]);
    expect(problems({ ref: 'nope' }, { refs })).toEqual(['ref: unknown ref "nope"']);
    expect(problems({ ref: 'a' }, { refs })).toEqual(['refs.b.any.0.ref: cyclic reference: a -> b -> a']);
    expect(problems({ fact: 'x', op: 'gte', value: { param: 'min' } }, { params: { min: 100 } })).toEqual([]);
    expect(problems({ fact: 'x', op: 'gte', value: { param: 'max' } }, { params: { min: 100 } })).toEqual([
      'value: unknown param "max"',
    ]);
    expect(problems({ fact: 'x', op: 'gte', value: { param: 'min' } }, { params: { min: true } })).toEqual([
      'value: gte needs a number, a string (decimal, ISO date or text) or { fact }',
    ]);
  });

  it('compile throws a typed ConditionError; nothing else is thrown for any JSON', () => {
    try {
      compile({ all: [{ fact: 'a', op: 'nope' }, { any: [] }] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConditionError);
      expect((e as ConditionError).code).toBe('INVALID_CONDITION');
      expect((e as ConditionError).issues.map((i) => i.path.join('.'))).toEqual(['all.0.op', 'all.1.any']);
    }
    for (const junk of [
      undefined,
      null,
      1,
      'x',
      [],
      [{}],
      { all: [null] },
      { fact: 1, op: 2 },
      { ref: 3 },
      { not: { not: {} } },
    ]) {
      expect(() => compile(junk)).toThrow(ConditionError);
    }
  });
});
