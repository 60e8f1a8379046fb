import { ValidationError } from '@crmkit/core';
import { MISSING, readFact, toInstant } from '@crmkit/rules';
import type { CompiledState, CompiledTimer, GuardFacts, Machine, TransitionResult } from './machine';
import { stateOf } from './transition';

/**
 * Where an entity stands: its state and the instant it entered it (timers measure from it).
 *
 * @example
 * ```ts
 * const s: Snapshot = { state: 'active', since: new Date('2026-01-10T00:00:00Z') };
 * ```
 */
export interface Snapshot<S extends string = string> {
  /** The current state. */
  readonly state: S;
  /** When the entity entered it. */
  readonly since: Date;
}

/**
 * A timer that has fallen due: which, in which state, to where, and the instant it fell due.
 *
 * @example
 * ```ts
 * const d: DueTimer = { timer: 'inactive', state: 'active', target: 'atRisk', dueAt: new Date('2026-04-10T00:00:00Z'), reason: 'after 90 days from context.lastOrderAt' };
 * ```
 */
export interface DueTimer<S extends string = string> {
  /** The timer's id. */
  readonly timer: string;
  /** The state it belongs to. */
  readonly state: S;
  /** Where it leads. */
  readonly target: S;
  /** The instant it fell due: its reference instant plus its delay. */
  readonly dueAt: Date;
  /** Why it is due, in words. */
  readonly reason: string;
}

/**
 * One timer transition applied by {@link advance}: the transition result, the timer, the instant the
 * transition happened (its due instant, never before the state was entered) and why.
 *
 * @example
 * ```ts
 * for (const step of advance(machine, snapshot, now, ctx).steps) console.log(step.at, step.transition.from, '→', step.state);
 * ```
 */
export interface TimerStep<S extends string = string> extends TransitionResult<S> {
  /** The transition taken (always present for a step). */
  readonly transition: NonNullable<TransitionResult<S>['transition']>;
  /** The timer's id. */
  readonly timer: string;
  /** When the transition happened. */
  readonly at: Date;
  /** Why the timer was due, in words. */
  readonly reason: string;
}

/**
 * The result of {@link advance}: where the entity stands after every due timer fired, and the steps.
 *
 * @example
 * ```ts
 * const { state, since, steps } = advance(machine, snapshot, now, ctx);
 * ```
 */
export interface AdvanceResult<S extends string = string> extends Snapshot<S> {
  /** The timer transitions applied, in order. Empty when nothing was due. */
  readonly steps: readonly TimerStep<S>[];
}

/**
 * Options of {@link advance}.
 *
 * @example
 * ```ts
 * advance(machine, snapshot, now, ctx, { maxSteps: 10 });
 * ```
 */
export interface AdvanceOptions {
  /** Stop after this many steps (default 1000); later ones fire on the next call. */
  readonly maxSteps?: number;
}

const describeDelay = (ms: number) => {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms % size === 0) return `${ms / size} ${name}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
};

function checkInstant(value: unknown, field: string): Date {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime())) {
    throw new ValidationError('lifecycle time', [
      { path: [field], message: 'must be a valid Date', code: 'invalid_date' },
    ]);
  }
  return value;
}

/** Due timers of one state, earliest first (ties: definition order). */
function due(
  state: CompiledState,
  since: number,
  now: number,
  context: unknown,
): [CompiledTimer, number, string][] {
  const out: [CompiledTimer, number, string][] = [];
  if (state.timers.length === 0) return out;
  const facts: GuardFacts = { context, now: new Date(now) };
  for (const timer of state.timers) {
    let reference = since;
    let from = 'entering ' + state.name;
    if (timer.from !== undefined) {
      const fact = readFact(facts, timer.from);
      const instant = fact === MISSING ? undefined : typeof fact === 'number' ? fact : toInstant(fact);
      if (instant !== undefined && Number.isFinite(instant)) {
        reference = instant;
        from = `${timer.from.join('.')} (${new Date(instant).toISOString()})`;
      } else {
        from = `entering ${state.name} (${timer.from.join('.')} missing)`;
      }
    }
    const dueAt = reference + timer.ms;
    if (dueAt > now) continue;
    if (timer.test !== undefined && !timer.test(facts)) continue;
    out.push([
      timer,
      dueAt,
      `after ${describeDelay(timer.ms)} from ${from}: due ${new Date(dueAt).toISOString()}`,
    ]);
  }
  return out.sort((a, b) => a[1] - b[1] || a[0].info.index - b[0].info.index);
}

/**
 * The timers of the entity's current state that are due as of `now`, earliest first: a timer is due when
 * its reference instant (the fact named by `from`, else when the state was entered) plus its delay is at
 * or before `now` — exactly at the boundary counts — and its guards hold over `{ context, now }`. Pure.
 *
 * @example
 * ```ts
 * const journey = customerJourney();
 * dueTimers(journey, { state: 'active', since: new Date('2026-01-01T00:00:00Z') }, new Date('2026-04-01T00:00:00Z'), { lastOrderAt: '2026-01-01T00:00:00Z' });
 * // [{ timer: 'inactive', target: 'atRisk', dueAt: 2026-04-01T00:00:00Z, … }]
 * ```
 */
export function dueTimers<S extends string>(
  machine: Machine<S>,
  snapshot: Snapshot<NoInfer<S>>,
  now: Date,
  context: unknown,
): DueTimer<S>[] {
  const state = stateOf(machine, snapshot?.state, ['snapshot', 'state']);
  const since = checkInstant(snapshot.since, 'since').getTime();
  const at = checkInstant(now, 'now').getTime();
  return due(state, since, at, context).map(([timer, dueAt, reason]) => ({
    timer: timer.id,
    state: state.name as S,
    target: timer.info.to as S,
    dueAt: new Date(dueAt),
    reason,
  }));
}

/**
 * Applies every timer due as of `now`, one after another: the earliest due timer fires, the entity enters
 * its target at the timer's due instant, and the target's own timers are measured from there — so an
 * entity left alone for a year walks `active → atRisk → churned` with the right instants. Pure: returns
 * the new snapshot and the steps (each with its effects) without changing anything.
 *
 * @example
 * ```ts
 * const r = advance(customerJourney(), { state: 'active', since: new Date('2026-01-01T00:00:00Z') }, new Date('2027-01-01T00:00:00Z'), { lastOrderAt: '2026-01-01T00:00:00Z' });
 * r.state; // 'churned'
 * r.steps.map((s) => s.timer); // ['inactive', 'lapsed']
 * ```
 */
export function advance<S extends string>(
  machine: Machine<S>,
  snapshot: Snapshot<NoInfer<S>>,
  now: Date,
  context: unknown,
  options: AdvanceOptions = {},
): AdvanceResult<S> {
  let state = stateOf(machine, snapshot?.state, ['snapshot', 'state']);
  let since = checkInstant(snapshot.since, 'since').getTime();
  const at = checkInstant(now, 'now').getTime();
  const maxSteps = options.maxSteps ?? 1000;
  if (!Number.isInteger(maxSteps) || maxSteps < 0) {
    throw new ValidationError('advance options', [
      { path: ['maxSteps'], message: 'must be a non-negative integer', code: 'invalid_type' },
    ]);
  }
  const steps: TimerStep<S>[] = [];
  while (steps.length < maxSteps) {
    const next = due(state, since, at, context)[0];
    if (next === undefined) break;
    const [timer, dueAt, reason] = next;
    const when = Math.max(dueAt, since);
    steps.push({ ...(timer.result as TimerStep<S>), timer: timer.id, at: new Date(when), reason });
    state = stateOf(machine, timer.info.to, ['snapshot', 'state']);
    since = when;
  }
  return { state: state.name as S, since: new Date(since), steps };
}
