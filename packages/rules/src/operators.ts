import { type Clock, toDecimal } from '@crmkit/core';
import { subMonths } from 'date-fns';
import { calendarDay, isAnniversaryDay, isInMonth, monthOfDay, weekdayOfDay } from './calendar';
import { MISSING } from './facts';
import type { FactReader } from './readers';
import type { Operator } from './schema';
import { compareValues, equalValues, toInstant } from './values';

/** An operand after compile-time resolution: a constant, or the reader of another fact. */
export type Operand = { readonly constant: unknown } | FactReader;

/** A compiled operator: given the fact's value (or MISSING) and the facts, does it hold? */
export type Predicate = (actual: unknown, facts: unknown) => boolean;

/** What operators need besides their operand. */
export interface OperatorContext {
  readonly clock: Clock | undefined;
  readonly timeZone: string;
}

const value = (operand: Operand, facts: unknown) =>
  'constant' in operand ? operand.constant : operand.read(facts);

const NOT_CONSTANT = Symbol('not a constant');

type Comparison = 'gt' | 'gte' | 'lt' | 'lte';

/** Whether an order (negative, zero, positive) satisfies a comparison. */
function holds(comparison: Comparison, order: number): boolean {
  switch (comparison) {
    case 'gt':
      return order > 0;
    case 'gte':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'lte':
      return order <= 0;
  }
}

function slowOrdering(comparison: Comparison, actual: unknown, expected: unknown): boolean {
  if (actual === MISSING || expected === MISSING) return false;
  const order = compareValues(actual, expected);
  return order !== undefined && holds(comparison, order);
}

/** A comparison predicate; against a number constant, plain numbers take one branch and no call. */
function ordering(comparison: Comparison, operand: Operand): Predicate {
  if ('constant' in operand && typeof operand.constant === 'number') {
    const n = operand.constant;
    const slow = (actual: unknown) => slowOrdering(comparison, actual, n);
    switch (comparison) {
      case 'gt':
        return (actual) => (typeof actual === 'number' ? actual > n : slow(actual));
      case 'gte':
        return (actual) => (typeof actual === 'number' ? actual >= n : slow(actual));
      case 'lt':
        return (actual) => (typeof actual === 'number' ? actual < n : slow(actual));
      case 'lte':
        return (actual) => (typeof actual === 'number' ? actual <= n : slow(actual));
    }
  }
  return (actual, facts) => slowOrdering(comparison, actual, value(operand, facts));
}

/** The values of a list of operands when all are plain constants (see {@link isPlain}). */
function plainConstants(operands: readonly Operand[]): unknown[] | undefined {
  const constants = operands.map((o) => ('constant' in o ? o.constant : NOT_CONSTANT));
  return constants.every(isPlain) ? constants : undefined;
}

function membership(operands: readonly Operand[]): Predicate {
  const constants = plainConstants(operands);
  if (constants !== undefined) {
    const set = new Set(constants);
    return (actual) => set.has(actual);
  }
  return (actual, facts) => actual !== MISSING && operands.some((o) => equalValues(actual, value(o, facts)));
}

/** Equality on constants that can only ever equal themselves (plain text, booleans, null) or numbers. */
function strictEquality(operand: Operand): Predicate | undefined {
  if (!('constant' in operand)) return undefined;
  const c = operand.constant;
  if (isPlain(c)) return (actual) => actual === c;
  if (typeof c === 'number') {
    return (actual) =>
      typeof actual === 'number' ? actual === c : actual !== MISSING && equalValues(actual, c);
  }
  return undefined;
}

/** A constant that equals only itself under {@link equalValues}: not a decimal, not a date, not a number. */
function isPlain(c: unknown): boolean {
  return (
    (typeof c === 'string' && toInstant(c) === undefined && toDecimal(c) === undefined) ||
    typeof c === 'boolean' ||
    c === null
  );
}

function listOperand(operand: Operand, facts: unknown): unknown[] {
  const list = value(operand, facts);
  return Array.isArray(list) ? list : [];
}

/** The day number the calendar operators compare with: today by the clock, a constant (read once), or a fact. */
function calendarOf(operand: Operand | undefined, ctx: OperatorContext): (facts: unknown) => number {
  const { timeZone } = ctx;
  if (operand === undefined) return () => calendarDay(ctx.clock!.now(), timeZone);
  if ('constant' in operand) {
    const day = calendarDay(operand.constant, timeZone);
    return () => day;
  }
  return (facts) => calendarDay(operand.read(facts), timeZone);
}

const DAY = 86_400_000;

/**
 * Builds the predicate of an operator from its (resolved) operand. Every
 * operator but `exists` is false on a missing fact and on values it cannot
 * compare; `not` is then the exact complement.
 */
export function buildPredicate(
  op: Operator,
  operand: Operand | readonly Operand[] | undefined,
  ctx: OperatorContext,
): Predicate {
  const single = operand as Operand;
  switch (op) {
    case 'eq': {
      const fast = strictEquality(single);
      if (fast) return fast;
      return (actual, facts) => actual !== MISSING && equalValues(actual, value(single, facts));
    }
    case 'ne': {
      const fast = strictEquality(single);
      if (fast) return (actual, facts) => actual !== MISSING && !fast(actual, facts);
      return (actual, facts) => {
        if (actual === MISSING) return false;
        const expected = value(single, facts);
        return expected !== MISSING && !equalValues(actual, expected);
      };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return ordering(op, single);
    case 'in':
    case 'nin': {
      const inList = Array.isArray(operand)
        ? membership(operand as readonly Operand[])
        : (actual: unknown, facts: unknown) =>
            actual !== MISSING && listOperand(single, facts).some((x) => equalValues(actual, x));
      return op === 'in' ? inList : (actual, facts) => actual !== MISSING && !inList(actual, facts);
    }
    case 'between': {
      const [low, high] = operand as readonly [Operand, Operand];
      const atLeast = ordering('gte', low);
      const atMost = ordering('lte', high);
      return (actual, facts) => atLeast(actual, facts) && atMost(actual, facts);
    }
    case 'contains':
      return (actual, facts) => {
        const expected = value(single, facts);
        if (Array.isArray(actual)) return actual.some((x) => equalValues(x, expected));
        return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
      };
    case 'startsWith':
      return (actual, facts) => {
        const expected = value(single, facts);
        return typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected);
      };
    case 'exists':
      return (actual) => actual !== MISSING;
    case 'before':
    case 'after':
      return (actual, facts) => {
        const t = toInstant(actual);
        const bound = toInstant(value(single, facts));
        if (t === undefined || bound === undefined) return false;
        return op === 'before' ? t < bound : t > bound;
      };
    case 'within': {
      const d = (single as { constant: Record<string, number | string | undefined> }).constant;
      const span =
        ((d['weeks'] as number) ?? 0) * 7 * DAY +
        ((d['days'] as number) ?? 0) * DAY +
        ((d['hours'] as number) ?? 0) * 3_600_000 +
        ((d['minutes'] as number) ?? 0) * 60_000;
      const months = (d['months'] as number) ?? 0;
      const next = d['direction'] === 'next';
      return (actual) => {
        const t = toInstant(actual);
        if (t === undefined) return false;
        const now = ctx.clock!.now();
        const nowMs = now.getTime();
        if (next) {
          const end = subMonths(now, -months).getTime() + span;
          return t >= nowMs && t <= end;
        }
        const start = subMonths(now, months).getTime() - span;
        return t >= start && t <= nowMs;
      };
    }
    case 'sameMonth': {
      const otherDay = calendarOf(single, ctx);
      return (actual, facts) => {
        const date = calendarDay(actual, ctx.timeZone);
        if (Number.isNaN(date)) return false;
        const other = otherDay(facts);
        return !Number.isNaN(other) && monthOfDay(date) === monthOfDay(other);
      };
    }
    case 'sameDayOfYear': {
      const otherDay = calendarOf(single, ctx);
      return (actual, facts) => {
        const date = calendarDay(actual, ctx.timeZone);
        if (Number.isNaN(date)) return false;
        const other = otherDay(facts);
        return !Number.isNaN(other) && isAnniversaryDay(date, other);
      };
    }
    case 'dayOfWeek':
    case 'dayOfMonth': {
      const c = (single as { constant: unknown }).constant;
      const wanted = new Set(Array.isArray(c) ? (c as number[]) : [c as number]);
      const ofWeek = op === 'dayOfWeek';
      return (actual) => {
        const date = calendarDay(actual, ctx.timeZone);
        return !Number.isNaN(date) && wanted.has(ofWeek ? weekdayOfDay(date) : date % 100);
      };
    }
  }
}

/** A compiled condition's decision on the facts. */
export type Test = (facts: unknown) => boolean;

/**
 * The test of a leaf (its fact's reader and its operator's predicate),
 * negated when a `not` is folded into it. The commonest shapes (exists,
 * equality and membership with plain constants, comparisons with a number,
 * calendar operators between two facts) compare inline, in closures of
 * their own, instead of calling the predicate; the decision is the
 * predicate's either way (the tests check it against `explain`).
 */
export function leafTest(
  op: Operator,
  operand: Operand | readonly Operand[] | undefined,
  fact: FactReader,
  predicate: Predicate,
  negated: boolean,
  ctx: OperatorContext,
): Test {
  const c =
    operand !== undefined && !Array.isArray(operand) && 'constant' in operand
      ? (operand as { constant: unknown }).constant
      : NOT_CONSTANT;
  switch (op) {
    case 'exists':
      return (facts) => (fact.read(facts) !== MISSING) !== negated;
    case 'eq':
      if (isPlain(c)) return (facts) => (fact.read(facts) === c) !== negated;
      if (typeof c === 'number') {
        return (facts) => {
          const actual = fact.read(facts);
          return (
            (typeof actual === 'number' ? actual === c : actual !== MISSING && equalValues(actual, c)) !==
            negated
          );
        };
      }
      break;
    case 'ne':
      if (isPlain(c)) {
        return (facts) => {
          const actual = fact.read(facts);
          return (actual !== MISSING && actual !== c) !== negated;
        };
      }
      break;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof c === 'number') return numberOrdering(op, c, fact, negated);
      break;
    case 'in':
    case 'nin': {
      const constants = Array.isArray(operand) ? plainConstants(operand as readonly Operand[]) : undefined;
      if (constants === undefined) break;
      const set = new Set(constants);
      if (op === 'in') return (facts) => set.has(fact.read(facts)) !== negated;
      return (facts) => {
        const actual = fact.read(facts);
        return (actual !== MISSING && !set.has(actual)) !== negated;
      };
    }
    case 'sameMonth':
    case 'sameDayOfYear': {
      if (operand === undefined || !('read' in operand)) break;
      const other = operand;
      const monthOnly = op === 'sameMonth';
      const { timeZone } = ctx;
      return (facts) => {
        const date = calendarDay(fact.read(facts), timeZone);
        if (Number.isNaN(date)) return negated;
        if (monthOnly) return isInMonth(other.read(facts), timeZone, monthOfDay(date)) !== negated;
        const day = calendarDay(other.read(facts), timeZone);
        return (!Number.isNaN(day) && isAnniversaryDay(date, day)) !== negated;
      };
    }
  }
  return negated
    ? (facts) => !predicate(fact.read(facts), facts)
    : (facts) => predicate(fact.read(facts), facts);
}

function numberOrdering(comparison: Comparison, n: number, fact: FactReader, negated: boolean): Test {
  const slow = (actual: unknown) => slowOrdering(comparison, actual, n) !== negated;
  switch (comparison) {
    case 'gt':
      return (facts) => {
        const actual = fact.read(facts);
        return typeof actual === 'number' ? actual > n !== negated : slow(actual);
      };
    case 'gte':
      return (facts) => {
        const actual = fact.read(facts);
        return typeof actual === 'number' ? actual >= n !== negated : slow(actual);
      };
    case 'lt':
      return (facts) => {
        const actual = fact.read(facts);
        return typeof actual === 'number' ? actual < n !== negated : slow(actual);
      };
    case 'lte':
      return (facts) => {
        const actual = fact.read(facts);
        return typeof actual === 'number' ? actual <= n !== negated : slow(actual);
      };
  }
}
