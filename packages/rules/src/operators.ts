import { type Clock, toDecimal } from '@crmkit/core';
import { subMonths } from 'date-fns';
import { calendarParts, isAnniversary, weekday } from './calendar';
import { MISSING } from './facts';
import type { Operator } from './schema';
import { compareValues, equalValues, toInstant } from './values';

/** An operand after compile-time resolution: a constant, or a reader of another fact. */
export type Operand = { readonly constant: unknown } | { readonly read: (facts: unknown) => unknown };

/** A compiled operator: given the fact's value (or MISSING) and the facts, does it hold? */
export type Predicate = (actual: unknown, facts: unknown) => boolean;

/** What operators need besides their operand. */
export interface OperatorContext {
  readonly clock: Clock | undefined;
  readonly timeZone: string;
}

const value = (operand: Operand, facts: unknown) =>
  'constant' in operand ? operand.constant : operand.read(facts);

function ordering(test: (order: number) => boolean, operand: Operand): Predicate {
  if ('constant' in operand && typeof operand.constant === 'number') {
    const n = operand.constant;
    return (actual) => {
      if (typeof actual === 'number') return test(actual - n);
      if (actual === MISSING) return false;
      const order = compareValues(actual, n);
      return order !== undefined && test(order);
    };
  }
  return (actual, facts) => {
    if (actual === MISSING) return false;
    const expected = value(operand, facts);
    if (expected === MISSING) return false;
    const order = compareValues(actual, expected);
    return order !== undefined && test(order);
  };
}

function membership(operands: readonly Operand[]): Predicate {
  const constants = operands.every((o) => 'constant' in o)
    ? operands.map((o) => (o as { constant: unknown }).constant)
    : undefined;
  if (constants?.every(isPlain)) {
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

function calendarOf(operand: Operand | undefined, facts: unknown, ctx: OperatorContext) {
  const other = operand === undefined ? ctx.clock!.now() : value(operand, facts);
  return calendarParts(other, ctx.timeZone);
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
      return ordering((o) => o > 0, single);
    case 'gte':
      return ordering((o) => o >= 0, single);
    case 'lt':
      return ordering((o) => o < 0, single);
    case 'lte':
      return ordering((o) => o <= 0, single);
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
      const atLeast = ordering((o) => o >= 0, low);
      const atMost = ordering((o) => o <= 0, high);
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
    case 'sameDayOfYear':
    case 'sameMonth':
      return (actual, facts) => {
        const date = calendarParts(actual, ctx.timeZone);
        const other = calendarOf(single, facts, ctx);
        if (date === undefined || other === undefined) return false;
        return op === 'sameMonth' ? date.month === other.month : isAnniversary(date, other);
      };
    case 'dayOfWeek':
    case 'dayOfMonth': {
      const c = (single as { constant: unknown }).constant;
      const wanted = new Set(Array.isArray(c) ? (c as number[]) : [c as number]);
      return (actual) => {
        const date = calendarParts(actual, ctx.timeZone);
        return date !== undefined && wanted.has(op === 'dayOfWeek' ? weekday(date) : date.day);
      };
    }
  }
}
