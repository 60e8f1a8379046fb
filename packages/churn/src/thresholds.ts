import type { Clock, ValidationIssue } from '@crmkit/core';
import {
  type CompiledCondition,
  type Condition,
  ConditionError,
  compile,
  type Explanation,
} from '@crmkit/rules';
import { z } from 'zod';
import { ChurnConfigError, parseConfig } from './errors';

/**
 * One threshold rule: an id, the level it raises a customer to, the
 * condition (a `@crmkit/rules` condition over the indicators and `segment`)
 * under which it fires, and optionally the `exit` condition of its
 * hysteresis: once fired, the rule keeps holding until `exit` holds (the
 * indicator recovered past a separate threshold), so levels do not flap.
 *
 * @example
 * ```ts
 * ThresholdRuleSchema.parse({
 *   id: 'late', level: 'warning',
 *   when: { fact: 'recencyRatio', op: 'gte', value: 3 },
 *   exit: { fact: 'recencyRatio', op: 'lt', value: 2 },
 * });
 * ```
 */
export const ThresholdRuleSchema = z
  .object({
    id: z.string().min(1, 'must not be empty'),
    level: z.string().min(1, 'must not be empty'),
    when: z.custom<Condition>((v) => v !== undefined, { error: 'is required (a condition)' }),
    exit: z.custom<Condition>().optional(),
    description: z.string().optional(),
  })
  .strict();

/**
 * Threshold rules grouped into levels, as JSON: the level names from lowest
 * to highest, the rules for everyone, optional rule lists that replace them
 * for given segments, and the named conditions and parameters the rules
 * share (as in `@crmkit/rules`).
 *
 * @example
 * ```ts
 * ThresholdConfigSchema.parse({
 *   levels: ['watch', 'warning', 'critical'],
 *   rules: [{ id: 'late', level: 'watch', when: { fact: 'recencyRatio', op: 'gte', value: 2 } }],
 *   segments: { vip: [{ id: 'vip-late', level: 'warning', when: { fact: 'recencyRatio', op: 'gte', value: 1.5 } }] },
 * });
 * ```
 */
export const ThresholdConfigSchema = z
  .object({
    levels: z
      .array(z.string().min(1, 'must not be empty'))
      .min(1, 'name at least one level')
      .default(['watch', 'warning', 'critical']),
    rules: z.array(ThresholdRuleSchema).min(1, 'a threshold config needs at least one rule'),
    segments: z
      .record(z.string().min(1), z.array(ThresholdRuleSchema).min(1, 'a segment needs at least one rule'))
      .default({}),
    refs: z.record(z.string(), z.unknown()).default({}),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/**
 * What {@link ThresholdConfigSchema} accepts.
 *
 * @example
 * ```ts
 * const config: ThresholdConfig = { rules: [{ id: 'silent', level: 'critical', when: { fact: 'recencyDays', op: 'gte', value: 180 } }] };
 * ```
 */
export type ThresholdConfig = z.input<typeof ThresholdConfigSchema>;

/**
 * One compiled threshold rule.
 *
 * @example
 * ```ts
 * const rule: CompiledThresholdRule = compileThresholds(config).rules[0]!;
 * ```
 */
export interface CompiledThresholdRule {
  /** The rule's id. */
  readonly id: string;
  /** The level it raises to. */
  readonly level: string;
  /** Its rank in the level list (0 is the lowest). */
  readonly rank: number;
  /** When it fires. */
  readonly when: CompiledCondition;
  /** When a fired rule stops holding (hysteresis), if set. */
  readonly exit?: CompiledCondition;
  /** Free text for people. */
  readonly description?: string;
}

/**
 * Compiled thresholds, ready for {@link assessLevel}.
 *
 * @example
 * ```ts
 * const thresholds: Thresholds = compileThresholds(config);
 * thresholds.levels; // ['watch', 'warning', 'critical']
 * ```
 */
export interface Thresholds {
  /** Level names, lowest first. */
  readonly levels: readonly string[];
  /** Rules for customers without a segment of their own. */
  readonly rules: readonly CompiledThresholdRule[];
  /** Rules that replace {@link Thresholds.rules} for a segment. */
  readonly segments: ReadonlyMap<string, readonly CompiledThresholdRule[]>;
}

/**
 * Validates and compiles threshold rules once. Throws `ChurnConfigError`
 * with every problem and its path: unknown levels, duplicate ids, and every
 * condition issue (`['rules', 2, 'when', 'all', 0, 'op']`,
 * `['segments', 'vip', 0, 'exit', 'value']`).
 *
 * @example
 * ```ts
 * const thresholds = compileThresholds({
 *   rules: [
 *     { id: 'slipping', level: 'watch', when: { fact: 'frequencyDropPct', op: 'gte', value: 50 } },
 *     { id: 'gone-quiet', level: 'critical', when: { fact: 'recencyRatio', op: 'gte', value: 4 }, exit: { fact: 'recencyRatio', op: 'lt', value: 2 } },
 *   ],
 * });
 * ```
 */
export function compileThresholds(config: ThresholdConfig, options: { clock?: Clock } = {}): Thresholds {
  const parsed = parseConfig(ThresholdConfigSchema, 'threshold config', config);
  const issues: ValidationIssue[] = [];
  const seenIssue = new Set<string>();
  const issue = (path: (string | number)[], message: string) => {
    const key = `${path.join('\u0000')}\u0001${message}`;
    if (seenIssue.has(key)) return;
    seenIssue.add(key);
    issues.push({ path, message, code: 'custom' });
  };
  const rank = new Map<string, number>();
  parsed.levels.forEach((level, i) => {
    if (rank.has(level)) issue(['levels', i], `duplicate level ${JSON.stringify(level)}`);
    else rank.set(level, i);
  });
  const conditionOptions = {
    refs: parsed.refs,
    params: parsed.params,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  };
  const build = (condition: unknown, path: (string | number)[]): CompiledCondition | undefined => {
    try {
      return compile(condition, conditionOptions);
    } catch (e) {
      if (!(e instanceof ConditionError)) throw e;
      for (const i of e.issues) issue(i.path[0] === 'refs' ? [...i.path] : [...path, ...i.path], i.message);
      return undefined;
    }
  };
  const compileList = (rules: typeof parsed.rules, base: (string | number)[]) => {
    const ids = new Set<string>();
    return rules.flatMap((rule, i): CompiledThresholdRule[] => {
      if (ids.has(rule.id)) issue([...base, i, 'id'], `duplicate rule id ${JSON.stringify(rule.id)}`);
      ids.add(rule.id);
      const r = rank.get(rule.level);
      if (r === undefined)
        issue(
          [...base, i, 'level'],
          `unknown level ${JSON.stringify(rule.level)}; use one of ${parsed.levels.join(', ')}`,
        );
      const when = build(rule.when, [...base, i, 'when']);
      const exit = rule.exit === undefined ? undefined : build(rule.exit, [...base, i, 'exit']);
      if (r === undefined || when === undefined || (rule.exit !== undefined && exit === undefined)) return [];
      return [
        {
          id: rule.id,
          level: rule.level,
          rank: r,
          when,
          ...(exit === undefined ? {} : { exit }),
          ...(rule.description === undefined ? {} : { description: rule.description }),
        },
      ];
    });
  };
  const rules = compileList(parsed.rules, ['rules']);
  const segments = new Map<string, readonly CompiledThresholdRule[]>();
  for (const [segment, list] of Object.entries(parsed.segments))
    segments.set(segment, compileList(list, ['segments', segment]));
  if (issues.length > 0) throw new ChurnConfigError('threshold config', issues);
  return { levels: parsed.levels, rules, segments };
}

/**
 * Where a customer stood after the previous run: their level and the rules
 * that held. JSON-serialisable, so it can be stored between runs (for
 * example in core's `DocumentStore`) and fed back for hysteresis.
 *
 * @example
 * ```ts
 * LevelStateSchema.parse({ level: 'warning', rules: ['late'] });
 * ```
 */
export const LevelStateSchema = z
  .object({ level: z.string().min(1).nullable(), rules: z.array(z.string().min(1)).default([]) })
  .strict();

/**
 * A customer's level state (inferred from {@link LevelStateSchema}).
 *
 * @example
 * ```ts
 * const state: LevelState = { level: null, rules: [] };
 * ```
 */
export type LevelState = z.output<typeof LevelStateSchema>;

/**
 * A threshold rule that holds for a customer: `via: 'entered'` when its
 * condition holds now, `'held'` when only hysteresis keeps it (it fired
 * before and its exit condition does not hold yet).
 *
 * @example
 * ```ts
 * const fired: FiredThreshold = { id: 'late', level: 'warning', via: 'entered', explanation };
 * ```
 */
export interface FiredThreshold {
  /** The rule's id. */
  readonly id: string;
  /** The level it raises to. */
  readonly level: string;
  /** Why it holds. */
  readonly via: 'entered' | 'held';
  /** The rule's description, if any. */
  readonly description?: string;
  /** Its condition, explained (with `explain: true`). */
  readonly explanation?: Explanation;
  /** For `'held'`: its exit condition, explained (it did not hold). */
  readonly exitExplanation?: Explanation;
}

/**
 * The level of one customer: the highest level among the rules that hold
 * (`null` when none does), with every such rule.
 *
 * @example
 * ```ts
 * const a: LevelAssessment = assessLevel(thresholds, facts);
 * a.level; // 'warning'
 * ```
 */
export interface LevelAssessment {
  /** The highest level that holds, or `null`. */
  readonly level: string | null;
  /** Every rule that holds, highest level first. */
  readonly rules: readonly FiredThreshold[];
}

/**
 * Evaluates the thresholds against one customer's facts (their indicator
 * values plus `segment`): the segment's own rules if it has any, else the
 * general rules. A rule holds when its condition holds, or when it held in
 * `previous` and its `exit` condition does not hold yet. The highest level
 * among the rules that hold wins; every one of them is returned, explained
 * unless `explain: false`.
 *
 * @example
 * ```ts
 * const facts = { ...computeIndicators(history, { asOf }).values, segment: 'vip' };
 * const { level, rules } = assessLevel(thresholds, facts, { segment: 'vip', previous: { level: 'warning', rules: ['late'] } });
 * ```
 */
export function assessLevel(
  thresholds: Thresholds,
  facts: unknown,
  options: { segment?: string | undefined; previous?: LevelState | undefined; explain?: boolean } = {},
): LevelAssessment {
  if (!Array.isArray(thresholds?.rules) || !(thresholds.segments instanceof Map))
    throw new ChurnConfigError('thresholds', [
      { path: [], message: 'must be compiled thresholds (use compileThresholds)', code: 'custom' },
    ]);
  const rules =
    (options.segment === undefined ? undefined : thresholds.segments.get(options.segment)) ??
    thresholds.rules;
  const explain = options.explain ?? true;
  const previous = options.previous?.rules;
  const fired: FiredThreshold[] = [];
  let ranks: number[] | undefined;
  let top = -1;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    let via: 'entered' | 'held' | undefined;
    if (rule.when.test(facts)) via = 'entered';
    else if (rule.exit !== undefined && previous?.includes(rule.id) && !rule.exit.test(facts)) via = 'held';
    if (via === undefined) continue;
    if (rule.rank > top) top = rule.rank;
    // highest level first, in rule order within a level (a stable insertion into the few fired so far)
    ranks ??= [];
    let at = fired.length;
    while (at > 0 && ranks[at - 1]! < rule.rank) at--;
    fired.splice(at, 0, firedThreshold(rule, via, explain, facts));
    ranks.splice(at, 0, rule.rank);
  }
  return { level: top < 0 ? null : thresholds.levels[top]!, rules: fired };
}

function firedThreshold(
  rule: CompiledThresholdRule,
  via: 'entered' | 'held',
  explain: boolean,
  facts: unknown,
): FiredThreshold {
  const fired: { -readonly [K in keyof FiredThreshold]: FiredThreshold[K] } = {
    id: rule.id,
    level: rule.level,
    via,
  };
  if (rule.description !== undefined) fired.description = rule.description;
  if (explain) {
    fired.explanation = rule.when.explain(facts);
    if (via === 'held') fired.exitExplanation = rule.exit!.explain(facts);
  }
  return fired;
}

/**
 * The state to store after an assessment, for the next run's hysteresis.
 *
 * @example
 * ```ts
 * await storage.documents.put('churn-levels', customerId, levelStateOf(assessment));
 * ```
 */
export function levelStateOf(assessment: LevelAssessment): LevelState {
  return { level: assessment.level, rules: assessment.rules.map((r) => r.id) };
}

/**
 * The clauses that made a fired rule hold, as short sentences such as
 * `recencyRatio gte 3 (was 3.2)` (for a `'held'` rule: why it has not
 * recovered yet).
 *
 * @example
 * ```ts
 * assessment.rules.flatMap(describeFired); // ['recencyRatio gte 3 (was 3.2)', 'complaints gte 2 (was 3)']
 * ```
 */
export function describeFired(rule: FiredThreshold): string[] {
  if (rule.via === 'held') {
    const leaves = rule.exitExplanation === undefined ? [] : leavesOf(rule.exitExplanation, false);
    return leaves.length > 0 ? leaves.map((l) => `not yet recovered: ${l}`) : [`${rule.id} still holds`];
  }
  const leaves = rule.explanation === undefined ? [] : leavesOf(rule.explanation, true);
  return leaves.length > 0 ? leaves : [`${rule.id} holds`];
}

function leavesOf(e: Explanation, held: boolean): string[] {
  switch (e.kind) {
    case 'all':
    case 'any':
      return e.children.filter((c) => c.held === held).flatMap((c) => leavesOf(c, held));
    case 'not':
      return leavesOf(e.child, !held).map((s) => `not (${s})`);
    case 'ref':
      return leavesOf(e.child, held);
    case 'fact': {
      if (e.held !== held) return [];
      const expected = e.expected === undefined ? '' : ` ${show(e.expected)}`;
      return [`${e.fact} ${e.op}${expected} (${e.missing ? 'missing' : `was ${show(e.actual)}`})`];
    }
  }
}

function show(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return String(value);
  return JSON.stringify(value);
}
