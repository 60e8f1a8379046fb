import { ValidationError } from '@crmkit/core';
import {
  type CandidateExplanation,
  type CompiledState,
  type CompiledTransition,
  compiledOf,
  type GuardFacts,
  type Machine,
  type MachineEvent,
  type TransitionExplanation,
  type TransitionResult,
} from './machine';

/**
 * Options of {@link transition}.
 *
 * @example
 * ```ts
 * transition(machine, 'new', event, context, { explain: true });
 * ```
 */
export interface TransitionOptions {
  /** Attach an {@link TransitionExplanation} (slower: every guard is explained). */
  readonly explain?: boolean;
}

/** @internal Looks up a state, throwing a `ValidationError` naming `field` when it is not one. */
export function stateOf(
  machine: Machine,
  state: unknown,
  field: readonly (string | number)[],
): CompiledState {
  const found = typeof state === 'string' ? compiledOf(machine).states.get(state) : undefined;
  if (found === undefined) {
    throw new ValidationError('lifecycle state', [
      {
        path: field,
        message: `${JSON.stringify(state)} is not a state of ${machine.id}; states are ${machine.states.join(', ')}`,
        code: 'unknown_state',
      },
    ]);
  }
  return found;
}

/** @internal Tries candidates in order; the first whose guards hold is taken. */
export function explainCandidates(
  state: CompiledState,
  event: string,
  list: readonly CompiledTransition[] | undefined,
  facts: GuardFacts,
): { taken: CompiledTransition | undefined; explanation: TransitionExplanation } {
  const candidates: CandidateExplanation[] = [];
  let taken: CompiledTransition | undefined;
  for (const t of list ?? []) {
    const when = t.condition?.explain(facts);
    const guard =
      t.guardFn === undefined ? undefined : { name: t.guardName!, held: t.guardFn(facts) === true };
    const held = (when?.held ?? true) && (guard?.held ?? true);
    candidates.push({
      index: t.info.index,
      target: t.info.to,
      held,
      path: t.info.path,
      ...(when === undefined ? {} : { when }),
      ...(guard === undefined ? {} : { guard }),
    });
    if (held) {
      taken = t;
      break;
    }
  }
  const outcome = taken !== undefined ? 'taken' : list === undefined ? 'not-handled' : 'no-guard-held';
  const summary =
    taken !== undefined
      ? `${state.name} → ${taken.info.to} on ${event} (transition ${taken.info.index}: ${taken.test === undefined ? 'no guard' : 'guards held'})`
      : outcome === 'not-handled'
        ? `${state.name} does not handle ${event}; stays`
        : `${state.name} stays on ${event}: no guard held (${candidates.length} tried)`;
  return { taken, explanation: { from: state.name, event, outcome, candidates, summary } };
}

/**
 * Computes what an event does to an entity in a state, without changing anything: the next state, the
 * effects to run (source's exit, the transition's own, target's entry), the transition taken and, with
 * `{ explain: true }`, which guards held. Candidates for the event are tried in definition order; the
 * first whose guards (`when` condition over `{ context, event }` and function `guard`) hold is taken.
 * An event the state does not handle, or whose guards all fail, leaves the state as it is (`taken:
 * false`). Pure and deterministic: the same arguments always give the same result.
 *
 * Throws `ValidationError` when `state` is not a state of the machine or `event.type` is not declared.
 *
 * @example
 * ```ts
 * const journey = customerJourney();
 * const r = transition(journey, 'new', { type: 'order.placed' }, { orderCount: 2, totalSpend: 80 });
 * r.state; // 'active'
 * r.effects.map((e) => e.type); // ['journey.becameActive']
 * ```
 */
export function transition<S extends string, E extends string>(
  machine: Machine<S, E>,
  state: NoInfer<S>,
  event: MachineEvent<NoInfer<E>>,
  context: unknown,
  options?: TransitionOptions,
): TransitionResult<S> {
  // The hot path: two map lookups, the guards, and a prebuilt frozen result (no allocation unless a
  // guard needs its facts object).
  const compiled = compiledOf(machine);
  const current = compiled.states.get(state) ?? stateOf(machine, state, ['state']);
  const type = typeof event === 'object' && event !== null ? event.type : undefined;
  const list = current.on.get(type as string);
  if (list === undefined || options?.explain === true) {
    if (typeof type !== 'string' || !compiled.events.has(type)) {
      throw new ValidationError('lifecycle event', [
        {
          path: ['event', 'type'],
          message: `${JSON.stringify(type)} is not an event of ${machine.id}; events are ${machine.events.join(', ')}`,
          code: 'unknown_event',
        },
      ]);
    }
    if (options?.explain === true) {
      const { taken, explanation } = explainCandidates(current, type, list, { context, event });
      return { ...(taken?.result ?? current.stay), explanation } as TransitionResult<S>;
    }
    return current.stay as TransitionResult<S>;
  }
  let facts: GuardFacts | undefined;
  for (let i = 0; i < list.length; i++) {
    const t = list[i]!;
    if (t.test === undefined) return t.result as TransitionResult<S>;
    if (t.contextTest !== undefined) {
      if (t.contextTest(context)) return t.result as TransitionResult<S>;
      continue;
    }
    facts ??= { context, event };
    if (t.test(facts)) return t.result as TransitionResult<S>;
  }
  return current.stay as TransitionResult<S>;
}
