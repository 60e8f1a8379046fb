import { Decimal, Money } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarDay, compile } from '../src/index';

// compile() turns the commonest leaves into closures of their own (comparisons inline, a folded `not`
// negating the leaf, calendar operators between two facts comparing months first) and gives fact paths
// readers of their own. explain() applies each operator's predicate as it is, so it is the oracle here.
const value = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, 2.5, Number.NaN),
  fc.constantFrom('a', 'b', '2', '2.0', '1990-03-31', '2026-03-15T23:30:00Z', '2026-03-31T24:00:00Z'),
  fc.constantFrom('2026-04-01T01:00:00+02:00', '2026-02-29', '2026-13-01', '1992-02-29', 'Z026-03-15'),
  fc.constantFrom(true, false, null, undefined),
  fc.constantFrom(new Date('2026-03-31T23:30:00Z'), new Date(Number.NaN)),
  fc.constantFrom(Money.of('2.00', 'EUR'), Money.of(2, 'USD'), new Decimal('2.5')),
);
const operand = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(2.5, 'a', '2', '2026-03-15', '2026-03-15T23:30:00Z', true, null),
);
const path = fc.constantFrom('a.x', 'a.y', 'b.x', 'z', 'a.toString');
const leaf = fc.oneof(
  fc.record({
    fact: path,
    op: fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'before', 'after'),
    value: operand,
  }),
  fc.record({
    fact: path,
    op: fc.constantFrom('in', 'nin'),
    value: fc.array(fc.oneof(operand, fc.constant({ fact: 'b.x' })), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    fact: path,
    op: fc.constantFrom('eq', 'ne', 'gt', 'lte', 'sameMonth', 'sameDayOfYear'),
    value: fc.record({ fact: path }),
  }),
  fc.record({ fact: path, op: fc.constant('exists') }),
);
const facts = fc.record(
  {
    a: fc.record({ x: value, y: value }, { requiredKeys: [] }),
    b: fc.oneof(fc.record({ x: value }), value),
    z: value,
  },
  { requiredKeys: [] },
);
const isValid = (c: unknown) => {
  try {
    compile(c);
    return true;
  } catch {
    return false;
  }
};

describe('specialised leaves', () => {
  it('decide as their predicates, and a folded not is the exact complement', () => {
    fc.assert(
      fc.property(leaf.filter(isValid), fc.array(facts, { minLength: 1, maxLength: 6 }), (c, samples) => {
        const compiled = compile(c);
        const negated = compile({ not: c });
        const twice = compile({ not: { not: c } });
        for (const f of samples) {
          const held = compiled.explain(f).held;
          expect(compiled.test(f)).toBe(held);
          expect(negated.test(f)).toBe(!held);
          expect(twice.test(f)).toBe(held);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('sameMonth between two facts agrees with the months of calendarDay, in any zone', () => {
    const date = fc.oneof(
      fc.integer({ min: 0, max: 4_102_444_800_000 }).map((t) => new Date(t).toISOString()),
      fc.integer({ min: 0, max: 4_102_444_800_000 }).map((t) => new Date(t).toISOString().slice(0, 10)),
      fc.integer({ min: 0, max: 4_102_444_800_000 }).map((t) => new Date(t)),
      fc.constantFrom('2026-03-31T24:00:00Z', '2026-03-31T23:00:00-02:00', '2026-04-31', '2026-4-01', 'x'),
      // month digits right, the rest not a date
      fc.constantFrom(
        '2026-03-00',
        '2x26-03-15',
        '2026-03-1x',
        '2026-03-15T25:00:00Z',
        '2026-03-15T10:00:0xZ',
      ),
    );
    const zone = fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York');
    fc.assert(
      fc.property(date, date, zone, (a, b, timeZone) => {
        const month = (v: unknown) => Math.floor(calendarDay(v, timeZone) / 100) % 100;
        const expected = !Number.isNaN(month(a)) && !Number.isNaN(month(b)) && month(a) === month(b);
        const c = compile({ fact: 'a', op: 'sameMonth', value: { fact: 'b' } }, { timeZone });
        expect(c.test({ a, b })).toBe(expected);
        expect(c.explain({ a, b }).held).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fact readers', () => {
  it('read every path right, before and after a path often read gets a reader of its own', () => {
    // more paths than there are own readers, each read past the point where it asks for one
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    const f = Object.fromEntries(keys.map((k, i) => [k, { v: 100 + i, [k]: -1 - i }]));
    const g = Object.fromEntries(keys.map((k) => [k, { w: null }]));
    for (const [i, k] of keys.entries()) {
      const checks: [unknown, unknown, boolean][] = [
        [{ fact: `${k}.v`, op: 'eq', value: 100 + i }, f, true],
        [{ fact: `${k}.${k}`, op: 'eq', value: -1 - i }, f, true],
        [{ fact: k, op: 'exists' }, f, true],
        [{ fact: `${k}.w`, op: 'exists' }, f, false],
        [{ fact: `${k}.w`, op: 'exists' }, g, true],
        [{ fact: `${k}.v.x`, op: 'exists' }, f, false],
        [{ fact: `${k}.v`, op: 'exists' }, null, false],
        [{ fact: k, op: 'exists' }, 'text', false],
      ];
      for (const [condition, facts, expected] of checks) {
        const c = compile(condition);
        for (let n = 0; n < 1_100; n++) if (c.test(facts) !== expected) expect(n).toBe(-1);
        expect(c.test(facts)).toBe(expected);
      }
    }
  });

  it('read getters and never what objects inherit, after the switch too', () => {
    class Visit {
      constructor(readonly minutes: number) {}
      get long() {
        return this.minutes > 30;
      }
    }
    const long = compile({ fact: 'visit.long', op: 'eq', value: true });
    const inherited = compile({ fact: 'visit.constructor', op: 'exists' });
    for (let n = 0; n < 2_000; n++) {
      expect(long.test({ visit: new Visit(n % 60) })).toBe(n % 60 > 30);
      expect(inherited.test({ visit: new Visit(n) })).toBe(false);
    }
  });
});
