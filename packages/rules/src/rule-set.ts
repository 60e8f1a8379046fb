import { z } from 'zod';
import { type CompiledCondition, compile } from './compile';
import { ConditionError, type ConditionIssue } from './errors';
import type { Explanation } from './explanation';
import type { ConditionOptions } from './validate';

/**
 * One rule: an id, a priority (higher first; ties keep the order of
 * definition), the condition under which it fires, and its payload.
 *
 * @example
 * ```ts
 * RuleSchema.parse({ id: 'birthday', priority: 10, when: { fact: 'customer.birthday', op: 'sameMonth' }, payload: { bonus: 50 } });
 * ```
 */
export const RuleSchema = z
  .object({
    id: z.string().min(1),
    priority: z.number().finite().default(0),
    when: z.unknown(),
    payload: z.unknown().optional(),
    stop: z.boolean().default(false),
  })
  .strict();

/**
 * A rule set as JSON: rules plus the named conditions and parameters they
 * share.
 *
 * @example
 * ```ts
 * RuleSetSchema.parse({ rules: [{ id: 'big', when: { fact: 'order.total', op: 'gte', value: { param: 'min' } } }], params: { min: 100 } });
 * ```
 */
export const RuleSetSchema = z
  .object({
    rules: z.array(RuleSchema).min(1, 'a rule set needs at least one rule'),
    refs: z.record(z.string(), z.unknown()).default({}),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/**
 * What {@link RuleSetSchema} accepts.
 *
 * @example
 * ```ts
 * const set: RuleSetInput = { rules: [{ id: 'vip', when: { ref: 'isVip' }, payload: 'x2' }], refs: { isVip: { fact: 'tier', op: 'eq', value: 'gold' } } };
 * ```
 */
export type RuleSetInput = z.input<typeof RuleSetSchema>;

/**
 * A compiled rule set, ready for {@link evaluateRules}.
 *
 * @example
 * ```ts
 * const set: RuleSet<{ points: number }> = compileRuleSet(json);
 * ```
 */
export interface RuleSet<P = unknown> {
  /** The rules, in evaluation order (priority, then definition). */
  readonly rules: readonly {
    readonly id: string;
    readonly priority: number;
    readonly stop: boolean;
    readonly payload: P;
    readonly condition: CompiledCondition;
  }[];
}

/**
 * A rule that fired.
 *
 * @example
 * ```ts
 * const fired: FiredRule<number> = { id: 'big', payload: 20 };
 * ```
 */
export interface FiredRule<P = unknown> {
  /** The rule's id. */
  readonly id: string;
  /** The rule's payload. */
  readonly payload: P;
  /** Why it fired (with `{ explain: true }`). */
  readonly explanation?: Explanation;
}

/** The frozen result of a compiled rule that fired without explanation, shared by every evaluation. */
const FIRED = Symbol('fired rule');

/**
 * Validates and compiles a rule set once. Throws {@link ConditionError} with
 * paths such as `['rules', 2, 'when', 'all', 0, 'op']`.
 *
 * @example
 * ```ts
 * const set = compileRuleSet({ rules: [{ id: 'big', priority: 1, when: { fact: 'order.total', op: 'gte', value: 100 }, payload: 20 }] });
 * ```
 */
export function compileRuleSet<P = unknown>(
  input: unknown,
  options: Omit<ConditionOptions, 'refs' | 'params'> = {},
): RuleSet<P> {
  const parsed = RuleSetSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConditionError(
      parsed.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message })),
    );
  }
  const { rules, refs, params } = parsed.data;
  const issues: ConditionIssue[] = [];
  const ids = new Set<string>();
  const compiled = rules.flatMap((rule, index) => {
    if (ids.has(rule.id))
      issues.push({ path: ['rules', index, 'id'], message: `duplicate rule id ${JSON.stringify(rule.id)}` });
    ids.add(rule.id);
    try {
      return [
        {
          ...rule,
          index,
          payload: rule.payload as P,
          condition: compile(rule.when, { ...options, refs, params }),
        },
      ];
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      for (const issue of e.issues) {
        const inRefs = issue.path[0] === 'refs';
        issues.push({
          path: inRefs ? issue.path : ['rules', index, 'when', ...issue.path],
          message: issue.message,
        });
      }
      return [];
    }
  });
  if (issues.length > 0) throw new ConditionError(issues);
  compiled.sort((a, b) => b.priority - a.priority || a.index - b.index);
  return {
    rules: compiled.map(({ index: _index, when: _when, ...rule }) => ({
      ...rule,
      [FIRED]: Object.freeze({ id: rule.id, payload: rule.payload }),
    })),
  };
}

/**
 * Evaluates every rule of a set against the facts and returns the ones that
 * fired, highest priority first; a fired rule with `stop: true` ends the
 * evaluation. With `{ explain: true }` each fired rule carries its
 * explanation.
 *
 * @example
 * ```ts
 * evaluateRules(set, { order: { total: 120 } }).map((r) => r.payload); // [20]
 * ```
 */
export function evaluateRules<P>(
  set: RuleSet<P>,
  facts: unknown,
  options?: { explain?: boolean },
): FiredRule<P>[] {
  const fired: FiredRule<P>[] = [];
  const rules = set.rules;
  if (options?.explain === true) {
    for (const rule of rules) {
      const explanation = rule.condition.explain(facts);
      if (!explanation.held) continue;
      fired.push({ id: rule.id, payload: rule.payload, explanation });
      if (rule.stop) break;
    }
    return fired;
  }
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (!rule.condition.test(facts)) continue;
    fired.push((rule as { [FIRED]?: FiredRule<P> })[FIRED] ?? { id: rule.id, payload: rule.payload });
    if (rule.stop) break;
  }
  return fired;
}
