import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index';

// A straightforward reference interpreter for numbers and plain strings, written independently of the
// compiler: every operator but exists is false on a missing fact; values of different kinds never compare.
type Json = Record<string, unknown>;
const FACTS = ['x', 'y', 'z'] as const;
const STRINGS = ['a', 'b', 'ab', 'ba'] as const;

function cmp(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function reference(c: Json, facts: Json): boolean {
  if ('all' in c) return (c['all'] as Json[]).every((x) => reference(x, facts));
  if ('any' in c) return (c['any'] as Json[]).some((x) => reference(x, facts));
  if ('not' in c) return !reference(c['not'] as Json, facts);
  const present = Object.hasOwn(facts, c['fact'] as string);
  const a = facts[c['fact'] as string];
  const v = c['value'];
  if (c['op'] === 'exists') return present;
  if (!present) return false;
  const eq = (x: unknown, y: unknown) => cmp(x, y) === 0;
  switch (c['op']) {
    case 'eq':
      return eq(a, v);
    case 'ne':
      return !eq(a, v);
    case 'gt':
      return (cmp(a, v) ?? Number.NaN) > 0;
    case 'gte':
      return (cmp(a, v) ?? Number.NaN) >= 0;
    case 'lt':
      return (cmp(a, v) ?? Number.NaN) < 0;
    case 'lte':
      return (cmp(a, v) ?? Number.NaN) <= 0;
    case 'in':
      return (v as unknown[]).some((x) => eq(a, x));
    case 'nin':
      return !(v as unknown[]).some((x) => eq(a, x));
    case 'between': {
      const [lo, hi] = v as [unknown, unknown];
      return (cmp(a, lo) ?? Number.NaN) >= 0 && (cmp(a, hi) ?? Number.NaN) <= 0;
    }
    case 'contains':
      return typeof a === 'string' && typeof v === 'string' && a.includes(v);
    case 'startsWith':
      return typeof a === 'string' && typeof v === 'string' && a.startsWith(v);
  }
  throw new Error(`unexpected op ${String(c['op'])}`);
}

const scalar = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(...STRINGS));
const fact = fc.constantFrom(...FACTS);
const leaf: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ fact, op: fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte'), value: scalar }),
  fc.record({
    fact,
    op: fc.constantFrom('in', 'nin'),
    value: fc.array(scalar, { minLength: 1, maxLength: 3 }),
  }),
  fc
    .tuple(fact, fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 3 }))
    .map(([f, lo, width]) => ({ fact: f, op: 'between', value: [lo, lo + width] })),
  fc.record({ fact, op: fc.constantFrom('contains', 'startsWith'), value: fc.constantFrom(...STRINGS) }),
  fc.record({ fact, op: fc.constant('exists') }),
);
const condition: fc.Arbitrary<Json> = fc.letrec<{ c: Json }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('c') }),
  ),
})).c;
const facts: fc.Arbitrary<Json> = fc.record({ x: scalar, y: scalar, z: scalar }, { requiredKeys: [] });

describe('compiled conditions (property-based)', () => {
  it('decide exactly as the reference interpreter, and explain says the same', () => {
    fc.assert(
      fc.property(condition, fc.array(facts, { minLength: 1, maxLength: 8 }), (c, samples) => {
        const compiled = compile(c);
        for (const f of samples) {
          const expected = reference(c, f);
          expect(compiled.test(f)).toBe(expected);
          expect(compiled.explain(f).held).toBe(expected);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('not(not(c)) equals c', () => {
    fc.assert(
      fc.property(condition, facts, (c, f) => {
        expect(compile({ not: { not: c } }).test(f)).toBe(compile(c).test(f));
      }),
      { numRuns: 500 },
    );
  });

  it("De Morgan's laws hold", () => {
    fc.assert(
      fc.property(condition, condition, facts, (a, b, f) => {
        expect(compile({ not: { all: [a, b] } }).test(f)).toBe(
          compile({ any: [{ not: a }, { not: b }] }).test(f),
        );
        expect(compile({ not: { any: [a, b] } }).test(f)).toBe(
          compile({ all: [{ not: a }, { not: b }] }).test(f),
        );
      }),
      { numRuns: 500 },
    );
  });
});
