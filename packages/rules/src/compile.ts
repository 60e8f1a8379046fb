import { ConditionError } from './errors';
import type { Explanation } from './explanation';
import { compilePath, MISSING, readFact } from './facts';
import { buildPredicate, leafTest, type Operand, type Test } from './operators';
import { FactReader } from './readers';
import type { Condition, FactCondition, Operator } from './schema';
import { type ConditionOptions, validateCondition } from './validate';

/**
 * A compiled condition: plain closures built once, evaluated many times.
 *
 * @example
 * ```ts
 * const big = compile({ fact: 'order.total', op: 'gte', value: 100 });
 * big.test({ order: { total: 120 } }); // true
 * ```
 */
export interface CompiledCondition {
  /** Whether the condition holds for these facts. Never throws, never allocates on the fast path. */
  test(facts: unknown): boolean;
  /** The same decision, with the reason at every clause. */
  explain(facts: unknown): Explanation;
}

type Path = readonly (string | number)[];
/** A compiled clause: its test (or that of its negation, for a `not` folded in) and its explanation. */
type Node = { test(negated: boolean): Test; explain(facts: unknown): Explanation };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a JSON condition once and compiles it into plain closures (no
 * interpretation of the JSON per evaluation, no `eval`). Throws
 * {@link ConditionError} listing every problem with its JSON path.
 *
 * Semantics: every operator except `exists` is false when its fact is
 * missing or holds a value it cannot compare (so `ne` and `nin` are false on
 * a missing fact too); `not` is the exact complement of its condition;
 * `between` includes both bounds; `before`/`after` are strict; `within`
 * includes both ends of its window `[now − duration, now]`. Numbers, Money,
 * decimals and decimal strings compare exactly as decimals (Money only
 * with the same currency or with plain numbers); Dates and ISO strings
 * compare as instants. Calendar operators read `YYYY-MM-DD` strings as
 * calendar dates and instants in `timeZone` (default UTC); a February 29
 * birthday matches February 28 in other years.
 *
 * @example
 * ```ts
 * const birthdayBonus = compile(
 *   { all: [{ fact: 'customer.birthday', op: 'sameDayOfYear' }, { ref: 'isMember' }] },
 *   { refs: { isMember: { fact: 'customer.tier', op: 'exists' } }, clock: systemClock, timeZone: 'Europe/Berlin' },
 * );
 * birthdayBonus.test({ customer: { birthday: '1990-02-28', tier: 'gold' } });
 * ```
 */
export function compile(condition: unknown, options: ConditionOptions = {}): CompiledCondition {
  const result = validateCondition(condition, options);
  if (!result.ok) throw new ConditionError(result.issues);
  const ctx = { clock: options.clock, timeZone: options.timeZone ?? 'UTC' };
  const refs = new Map<string, Node>();

  const build = (node: Condition, path: Path): Node => {
    if ('all' in node || 'any' in node) {
      const kind = 'all' in node ? 'all' : 'any';
      const children = ((node as Record<string, Condition[]>)[kind] ?? []).map((c, i) =>
        build(c, [...path, kind, i]),
      );
      return clause(
        // De Morgan: not(all(a, b)) is any(not a, not b), with the same clauses read in the same order
        (negated) => {
          const tests = children.map((c) => c.test(negated));
          return (kind === 'all') !== negated ? allOf(tests) : anyOf(tests);
        },
        (facts) => {
          const explained = children.map((c) => c.explain(facts));
          const held = kind === 'all' ? explained.every((e) => e.held) : explained.some((e) => e.held);
          return { kind, held, path, children: explained };
        },
      );
    }
    if ('not' in node) {
      const child = build(node.not as Condition, [...path, 'not']);
      return {
        test: (negated) => child.test(!negated),
        explain: (facts) => {
          const explained = child.explain(facts);
          return { kind: 'not', held: !explained.held, path, child: explained };
        },
      };
    }
    if ('ref' in node) {
      const name = node.ref as string;
      let target = refs.get(name);
      if (target === undefined) {
        target = build(options.refs![name] as Condition, ['refs', name]);
        refs.set(name, target);
      }
      const resolved = target;
      return {
        test: (negated) => resolved.test(negated),
        explain: (facts) => {
          const explained = resolved.explain(facts);
          return { kind: 'ref', name, held: explained.held, path, child: explained };
        },
      };
    }
    return leaf(node as FactCondition, path);
  };

  const operand = (raw: unknown): Operand => {
    const resolved = isObject(raw) && typeof raw['param'] === 'string' ? options.params![raw['param']] : raw;
    if (isObject(resolved) && typeof resolved['fact'] === 'string' && Object.keys(resolved).length === 1) {
      return new FactReader(compilePath(resolved['fact']));
    }
    return { constant: resolved };
  };

  const leaf = (node: FactCondition, path: Path): Node => {
    const factPath = compilePath(node.fact);
    const op = node.op as Operator;
    const operands =
      node.value === undefined
        ? undefined
        : Array.isArray(node.value) && op !== 'dayOfWeek' && op !== 'dayOfMonth'
          ? node.value.map(operand)
          : operand(node.value);
    const predicate = buildPredicate(op, operands, ctx);
    const fact = new FactReader(factPath);
    return clause(
      (negated) => leafTest(op, operands, fact, predicate, negated, ctx),
      (facts) => {
        const actual = readFact(facts, factPath);
        const expected =
          operands === undefined
            ? undefined
            : Array.isArray(operands)
              ? operands.map((o) => expectedValue(o, facts))
              : expectedValue(operands as Operand, facts);
        return {
          kind: 'fact',
          held: predicate(actual, facts),
          path,
          fact: node.fact,
          op,
          ...(expected === undefined ? {} : { expected }),
          ...(actual === MISSING ? {} : { actual }),
          missing: actual === MISSING,
        };
      },
    );
  };

  const root = build(result.condition, []);
  return { test: root.test(false), explain: root.explain };
}

/** A clause whose tests are built on first use, once per polarity (a ref's clause serves every use). */
function clause(make: (negated: boolean) => Test, explain: (facts: unknown) => Explanation): Node {
  const tests: [Test | undefined, Test | undefined] = [undefined, undefined];
  return {
    test: (negated) => {
      const at = negated ? 1 : 0;
      const test = tests[at] ?? make(negated);
      tests[at] = test;
      return test;
    },
    explain,
  };
}

function expectedValue(operand: Operand, facts: unknown): unknown {
  if ('constant' in operand) return operand.constant;
  const v = operand.read(facts);
  return v === MISSING ? undefined : v;
}

function allOf(tests: readonly Test[]): Test {
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (facts) => a(facts) && b(facts);
  }
  return (facts) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(facts)) return false;
    return true;
  };
}

function anyOf(tests: readonly Test[]): Test {
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (facts) => a(facts) || b(facts);
  }
  return (facts) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(facts)) return true;
    return false;
  };
}
