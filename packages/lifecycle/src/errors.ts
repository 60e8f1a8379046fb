import { CrmError, summarizeIssues } from '@crmkit/core';
import type { ConditionIssue } from '@crmkit/rules';

/**
 * The kinds of problem {@link createMachine} finds in a machine definition.
 *
 * - `UNKNOWN_INITIAL`: `initial` names no state.
 * - `UNKNOWN_TARGET`: a transition or timer targets a state that does not exist.
 * - `UNKNOWN_EVENT`: a state handles an event the machine does not declare in `events`.
 * - `UNKNOWN_EFFECT`: an effect is used that the machine does not declare in `effects`.
 * - `UNKNOWN_GUARD`: a transition names a function guard that was not given to `createMachine`.
 * - `INVALID_GUARD`: a `when` condition does not compile (`issues` says why).
 * - `UNREACHABLE_STATE`: no path of transitions or timers leads from `initial` to the state.
 * - `DEAD_END_STATE`: a state that is not `final` has no transition or timer to another state.
 * - `FINAL_STATE_EXITS`: a `final` state has transitions or timers.
 * - `AMBIGUOUS_TRANSITION`: an unguarded transition for an event is followed by another one for the same
 *   event (two unguarded transitions, or a later one that can never fire), or two unguarded timers of a state
 *   fall due at the same time.
 * - `DUPLICATE_TIMER`: two timers of a state share an id.
 * - `TIMER_CYCLE`: timers measured `from` a fact lead back to their own state, so they would fire forever at
 *   one instant.
 *
 * @example
 * ```ts
 * const code: DefinitionProblemCode = 'UNREACHABLE_STATE';
 * ```
 */
export type DefinitionProblemCode =
  | 'UNKNOWN_INITIAL'
  | 'UNKNOWN_TARGET'
  | 'UNKNOWN_EVENT'
  | 'UNKNOWN_EFFECT'
  | 'UNKNOWN_GUARD'
  | 'INVALID_GUARD'
  | 'UNREACHABLE_STATE'
  | 'DEAD_END_STATE'
  | 'FINAL_STATE_EXITS'
  | 'AMBIGUOUS_TRANSITION'
  | 'DUPLICATE_TIMER'
  | 'TIMER_CYCLE';

/**
 * One problem in a machine definition: what (`code`), where (`state`, `event` or `timer`, and the JSON
 * `path` from the root of the definition) and why.
 *
 * @example
 * ```ts
 * const p: DefinitionProblem = {
 *   code: 'UNKNOWN_TARGET', state: 'active', event: 'order.placed',
 *   path: ['states', 'active', 'on', 'order.placed', 0, 'target'], message: 'target "actve" is not a state',
 * };
 * ```
 */
export interface DefinitionProblem {
  /** The kind of problem. */
  readonly code: DefinitionProblemCode;
  /** The state it concerns, when it concerns one. */
  readonly state?: string;
  /** The event it concerns (for timers: `after:<timer id>`). */
  readonly event?: string;
  /** The timer it concerns. */
  readonly timer?: string;
  /** JSON path from the root of the definition. */
  readonly path: readonly (string | number)[];
  /** What is wrong, in words. */
  readonly message: string;
  /** For `INVALID_GUARD`: the condition's own issues, paths relative to the condition. */
  readonly issues?: readonly ConditionIssue[];
}

/**
 * A machine definition that passed its schema but not its checks: every problem found, each naming its
 * state and event. Code `INVALID_MACHINE`.
 *
 * @example
 * ```ts
 * try { createMachine(definition); }
 * catch (e) { if (e instanceof MachineDefinitionError) for (const p of e.problems) console.log(p.code, p.state, p.event); }
 * ```
 */
export class MachineDefinitionError extends CrmError {
  /** Every problem found. */
  readonly problems: readonly DefinitionProblem[];

  constructor(machineId: string, problems: readonly DefinitionProblem[]) {
    super(
      'INVALID_MACHINE',
      `invalid machine ${JSON.stringify(machineId)}: ${summarizeIssues(problems, (p) => `${p.code} ${p.path.join('.')}: ${p.message}`)}`,
      { machineId, problems },
    );
    this.problems = problems;
  }
}
