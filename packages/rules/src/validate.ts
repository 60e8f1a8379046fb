import type { Clock } from '@crmkit/core';
import { isTimeZone, toDecimal } from '@crmkit/core';
import type { ConditionIssue } from './errors';
import {
  type Condition,
  DurationSchema,
  FactConditionSchema,
  type Operator,
  RefConditionSchema,
} from './schema';
import { toInstant } from './values';

/**
 * Options shared by {@link validateCondition} and `compile`.
 *
 * @example
 * ```ts
 * const options: ConditionOptions = { refs: { isVip: { fact: 'customer.tier', op: 'eq', value: 'gold' } }, params: { min: 100 }, clock: systemClock, timeZone: 'Europe/Berlin' };
 * ```
 */
export interface ConditionOptions {
  /** Named conditions that `{ "ref": name }` points at. */
  readonly refs?: Readonly<Record<string, unknown>>;
  /** Values that `{ "param": name }` stands for. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Where `within`, `sameDayOfYear` and `sameMonth` (without a value) get `now`. Required by them. */
  readonly clock?: Clock;
  /** IANA zone for calendar operators on instants (default `UTC`). */
  readonly timeZone?: string;
}

/**
 * The result of {@link validateCondition}: the condition, typed, or every
 * problem with its JSON path.
 *
 * @example
 * ```ts
 * const result: ValidationResult = validateCondition(json);
 * if (!result.ok) for (const i of result.issues) console.log(i.path.join('.'), i.message);
 * ```
 */
export type ValidationResult =
  | { readonly ok: true; readonly condition: Condition }
  | { readonly ok: false; readonly issues: readonly ConditionIssue[] };

type Path = readonly (string | number)[];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isRef = (v: unknown, key: 'fact' | 'param') =>
  isObject(v) && Object.keys(v).length === 1 && typeof v[key] === 'string';
const CLOCK_OPS: ReadonlySet<Operator> = new Set(['within']);
const OPTIONAL_DATE_OPS: ReadonlySet<Operator> = new Set(['sameDayOfYear', 'sameMonth']);

/**
 * Checks a JSON condition without compiling it: shape, operators, value
 * types per operator, empty `all`/`any`, unknown refs and params, cyclic
 * refs, and the clock and time zone that date operators need. Never throws.
 *
 * @example
 * ```ts
 * validateCondition({ all: [{ fact: 'order.total', op: 'gtee', value: 1 }] });
 * // { ok: false, issues: [{ path: ['all', 0, 'op'], message: 'unknown operator "gtee"; use one of …' }] }
 * ```
 */
export function validateCondition(json: unknown, options: ConditionOptions = {}): ValidationResult {
  const issues: ConditionIssue[] = [];
  if (options.timeZone !== undefined && !isTimeZone(options.timeZone)) {
    issues.push({ path: [], message: `unknown time zone ${JSON.stringify(options.timeZone)}` });
  }
  const checkedRefs = new Set<string>();
  const walk = (node: unknown, path: Path, refStack: readonly string[]): void => {
    if (!isObject(node)) {
      issues.push({
        path,
        message: 'must be a condition object ({ all }, { any }, { not }, { ref } or { fact, op, value })',
      });
      return;
    }
    const keys = Object.keys(node);
    if ('all' in node || 'any' in node) {
      const key = 'all' in node ? 'all' : 'any';
      if (keys.length !== 1)
        issues.push({ path, message: `a ${key} condition takes no other keys, found ${keys.join(', ')}` });
      const children = node[key];
      if (!Array.isArray(children))
        issues.push({ path: [...path, key], message: 'must be an array of conditions' });
      else if (children.length === 0)
        issues.push({ path: [...path, key], message: 'must hold at least one condition' });
      else for (const [i, child] of children.entries()) walk(child, [...path, key, i], refStack);
      return;
    }
    if ('not' in node) {
      if (keys.length !== 1)
        issues.push({ path, message: `a not condition takes no other keys, found ${keys.join(', ')}` });
      walk(node['not'], [...path, 'not'], refStack);
      return;
    }
    if ('ref' in node) {
      const parsed = RefConditionSchema.safeParse(node);
      if (!parsed.success) {
        issues.push(
          ...parsed.error.issues.map((i) => ({
            path: [...path, ...(i.path as (string | number)[])],
            message: i.message,
          })),
        );
        return;
      }
      const name = parsed.data.ref;
      if (refStack.includes(name)) {
        issues.push({
          path: [...path, 'ref'],
          message: `cyclic reference: ${[...refStack, name].join(' -> ')}`,
        });
        return;
      }
      if (options.refs === undefined || !Object.hasOwn(options.refs, name)) {
        issues.push({ path: [...path, 'ref'], message: `unknown ref ${JSON.stringify(name)}` });
        return;
      }
      if (!checkedRefs.has(name)) {
        checkedRefs.add(name);
        walk(options.refs[name], ['refs', name], [...refStack, name]);
      }
      return;
    }
    checkLeaf(node, path);
  };

  const resolve = (value: unknown, path: Path): unknown => {
    if (isRef(value, 'param')) {
      const name = (value as { param: string }).param;
      if (options.params === undefined || !Object.hasOwn(options.params, name)) {
        issues.push({ path, message: `unknown param ${JSON.stringify(name)}` });
        return undefined;
      }
      return options.params[name];
    }
    return value;
  };

  const checkLeaf = (node: Record<string, unknown>, path: Path) => {
    const parsed = FactConditionSchema.safeParse(node);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const at = i.path as (string | number)[];
        // values are checked per operator below, with a clearer message than the union of shapes gives
        if (at[0] === 'value') continue;
        issues.push({ path: [...path, ...at], message: i.message });
      }
      if (parsed.error.issues.some((i) => i.path[0] !== 'value')) return;
    }
    const op = node['op'] as Operator;
    const raw = node['value'];
    const at = [...path, 'value'];
    const before = issues.length;
    const value = Array.isArray(raw) ? raw.map((v, i) => resolve(v, [...at, i])) : resolve(raw, at);
    const problem = issues.length === before ? valueProblem(op, value) : undefined;
    if (problem !== undefined) issues.push({ path: at, message: problem });
    if (
      (CLOCK_OPS.has(op) || (OPTIONAL_DATE_OPS.has(op) && value === undefined)) &&
      options.clock === undefined
    ) {
      issues.push({ path: [...path, 'op'], message: `${op} compares with now: pass a clock to compile` });
    }
  };

  walk(json, [], []);
  return issues.length === 0 ? { ok: true, condition: json as Condition } : { ok: false, issues };
}

const isFactRef = (v: unknown) => isRef(v, 'fact');
const isScalar = (v: unknown) =>
  v === null ||
  typeof v === 'string' ||
  typeof v === 'boolean' ||
  (typeof v === 'number' && Number.isFinite(v));
const isOrderable = (v: unknown) =>
  isFactRef(v) || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
const isDate = (v: unknown) => isFactRef(v) || (typeof v === 'string' && toInstant(v) !== undefined);
const intsIn = (v: unknown, min: number, max: number) =>
  (Array.isArray(v) ? v.length > 0 && v : [v]) &&
  (Array.isArray(v) ? v : [v]).every(
    (x) => Number.isInteger(x) && (x as number) >= min && (x as number) <= max,
  );

function valueProblem(op: Operator, value: unknown): string | undefined {
  switch (op) {
    case 'eq':
    case 'ne':
    case 'contains':
      return isScalar(value) || isFactRef(value)
        ? undefined
        : `${op} needs a string, number, boolean, null or { fact }`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return isOrderable(value)
        ? undefined
        : `${op} needs a number, a string (decimal, ISO date or text) or { fact }`;
    case 'in':
    case 'nin':
      if (isFactRef(value)) return undefined;
      return Array.isArray(value) && value.length > 0 && value.every((v) => isScalar(v) || isFactRef(v))
        ? undefined
        : `${op} needs a non-empty array of values, or { fact }`;
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2 || !value.every(isOrderable)) {
        return 'between needs [low, high]: two numbers or strings (decimal, ISO date or text), or { fact } (both bounds inclusive)';
      }
      const [lo, hi] = value as [unknown, unknown];
      if (!isFactRef(lo) && !isFactRef(hi)) {
        const a = toDecimal(lo) ?? toInstant(lo);
        const b = toDecimal(hi) ?? toInstant(hi);
        if (a !== undefined && b !== undefined && Number(a.valueOf()) > Number(b.valueOf()))
          return 'between needs low <= high';
      }
      return undefined;
    }
    case 'startsWith':
      return typeof value === 'string' || isFactRef(value)
        ? undefined
        : 'startsWith needs a string or { fact }';
    case 'exists':
      return value === undefined
        ? undefined
        : 'exists takes no value (wrap it in not to test for a missing fact)';
    case 'before':
    case 'after':
      return isDate(value) ? undefined : `${op} needs an ISO 8601 date or date-time string, or { fact }`;
    case 'within': {
      const parsed = DurationSchema.safeParse(value);
      return parsed.success
        ? undefined
        : `within needs a duration such as { "days": 30 }: ${parsed.error.issues[0]?.message}`;
    }
    case 'sameDayOfYear':
    case 'sameMonth':
      return value === undefined || isDate(value)
        ? undefined
        : `${op} compares with now, a date string or { fact }`;
    case 'dayOfWeek':
      return intsIn(value, 0, 6)
        ? undefined
        : 'dayOfWeek needs 0–6 (0 = Sunday) or a non-empty array of them';
    case 'dayOfMonth':
      return intsIn(value, 1, 31) ? undefined : 'dayOfMonth needs 1–31 or a non-empty array of them';
  }
}
