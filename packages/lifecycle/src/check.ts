import { type ConditionOptions, validateCondition } from '@crmkit/rules';
import {
  delayToMs,
  type EffectDefinition,
  type MachineDefinition,
  type TransitionDefinition,
} from './definition';
import type { DefinitionProblem } from './errors';

type Path = readonly (string | number)[];

/** Transitions of a state, each with its event and JSON path. */
function transitionsOf(state: string, def: MachineDefinition) {
  const out: { event: string; index: number; count: number; t: TransitionDefinition; path: Path }[] = [];
  for (const [event, value] of Object.entries(def.states[state]?.on ?? {})) {
    const list = Array.isArray(value) ? value : [value];
    list.forEach((t, index) => {
      out.push({
        event,
        index,
        count: list.length,
        t,
        path: Array.isArray(value) ? ['states', state, 'on', event, index] : ['states', state, 'on', event],
      });
    });
  }
  return out;
}

const effectName = (e: EffectDefinition) => (typeof e === 'string' ? e : e.type);
const unguarded = (t: { when?: unknown; guard?: string | undefined }) =>
  t.when === undefined && t.guard === undefined;

/**
 * Every problem of a schema-valid definition (see {@link DefinitionProblem}); empty when it is sound.
 * `guardNames` are the function guards that will be given to `createMachine`.
 */
export function checkDefinition(
  def: MachineDefinition,
  guardNames: ReadonlySet<string>,
  conditionOptions: ConditionOptions,
): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const states = new Set(Object.keys(def.states));
  const events = new Set(Object.keys(def.events));
  const effects = new Set(Object.keys(def.effects ?? {}));
  const options = {
    ...conditionOptions,
    ...(def.refs === undefined ? {} : { refs: def.refs }),
    ...(def.params === undefined ? {} : { params: def.params }),
  };

  if (!states.has(def.initial)) {
    problems.push({
      code: 'UNKNOWN_INITIAL',
      state: def.initial,
      path: ['initial'],
      message: `initial state ${JSON.stringify(def.initial)} is not a state; states are ${[...states].join(', ')}`,
    });
  }

  const checkEffects = (
    list: readonly EffectDefinition[] | undefined,
    at: Path,
    state: string,
    event?: string,
  ) =>
    list?.forEach((e, i) => {
      if (effects.has(effectName(e))) return;
      problems.push({
        code: 'UNKNOWN_EFFECT',
        state,
        ...(event === undefined ? {} : { event }),
        path: typeof e === 'string' ? [...at, i] : [...at, i, 'type'],
        message: `effect ${JSON.stringify(effectName(e))} is not declared in effects`,
      });
    });

  const checkGuards = (
    t: {
      when?: unknown;
      guard?: string | undefined;
      target?: string | undefined;
      effects?: EffectDefinition[] | undefined;
    },
    at: Path,
    state: string,
    event: string,
    timer?: string,
  ) => {
    const where = { state, event, ...(timer === undefined ? {} : { timer }) };
    if (t.target !== undefined && !states.has(t.target)) {
      problems.push({
        code: 'UNKNOWN_TARGET',
        ...where,
        path: [...at, 'target'],
        message: `target ${JSON.stringify(t.target)} of ${event} in ${state} is not a state`,
      });
    }
    if (t.guard !== undefined && !guardNames.has(t.guard)) {
      problems.push({
        code: 'UNKNOWN_GUARD',
        ...where,
        path: [...at, 'guard'],
        message: `guard function ${JSON.stringify(t.guard)} was not given to createMachine`,
      });
    }
    if (t.when !== undefined) {
      const result = validateCondition(t.when, options);
      if (!result.ok) {
        problems.push({
          code: 'INVALID_GUARD',
          ...where,
          path: [...at, 'when'],
          message: `guard of ${event} in ${state}: ${result.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
          issues: result.issues,
        });
      }
    }
    checkEffects(t.effects, [...at, 'effects'], state, event);
  };

  const edges = new Map<string, Set<string>>();
  const factTimerEdges = new Map<string, { target: string; timer: string; path: Path }[]>();
  for (const name of states) {
    const state = def.states[name]!;
    const out = new Set<string>();
    edges.set(name, out);
    checkEffects(state.entry, ['states', name, 'entry'], name);
    checkEffects(state.exit, ['states', name, 'exit'], name);

    const transitions = transitionsOf(name, def);
    for (const { event, index, count, t, path } of transitions) {
      if (!events.has(event)) {
        problems.push({
          code: 'UNKNOWN_EVENT',
          state: name,
          event,
          path: ['states', name, 'on', event],
          message: `event ${JSON.stringify(event)} handled in ${name} is not declared in events`,
        });
      }
      checkGuards(t, path, name, event);
      if (t.target !== undefined && states.has(t.target)) out.add(t.target);
      if (unguarded(t) && index < count - 1) {
        problems.push({
          code: 'AMBIGUOUS_TRANSITION',
          state: name,
          event,
          path,
          message: `${event} in ${name}: transition ${index} has no guard, so the transitions after it can never fire`,
        });
      }
    }

    const timers = state.after ?? [];
    const seen = new Map<string, number>();
    timers.forEach((timer, i) => {
      const path = ['states', name, 'after', i];
      const event = `after:${timer.id}`;
      if (seen.has(timer.id)) {
        problems.push({
          code: 'DUPLICATE_TIMER',
          state: name,
          event,
          timer: timer.id,
          path: [...path, 'id'],
          message: `timer id ${JSON.stringify(timer.id)} is used twice in ${name}`,
        });
      }
      seen.set(timer.id, i);
      checkGuards(timer, path, name, event, timer.id);
      if (states.has(timer.target)) out.add(timer.target);
      if (timer.from !== undefined) {
        const list = factTimerEdges.get(name) ?? [];
        list.push({ target: timer.target, timer: timer.id, path });
        factTimerEdges.set(name, list);
      }
      for (let j = 0; j < i; j++) {
        const other = timers[j]!;
        if (
          unguarded(timer) &&
          unguarded(other) &&
          other.from === timer.from &&
          delayToMs(other.after) === delayToMs(timer.after)
        ) {
          problems.push({
            code: 'AMBIGUOUS_TRANSITION',
            state: name,
            event,
            timer: timer.id,
            path,
            message: `timers ${JSON.stringify(other.id)} and ${JSON.stringify(timer.id)} in ${name} have no guard and fall due at the same time`,
          });
        }
      }
    });

    const exits = transitions.length > 0 || timers.length > 0;
    if (state.final === true && exits) {
      problems.push({
        code: 'FINAL_STATE_EXITS',
        state: name,
        path: ['states', name, 'final'],
        message: `${name} is final but has transitions or timers`,
      });
    }
    if (state.final !== true && ![...out].some((target) => target !== name)) {
      problems.push({
        code: 'DEAD_END_STATE',
        state: name,
        path: ['states', name],
        message: `${name} is not final but no transition or timer leads out of it`,
      });
    }
  }

  if (states.has(def.initial)) {
    const reached = new Set([def.initial]);
    const queue = [def.initial];
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      for (const next of edges.get(s) ?? []) {
        if (states.has(next) && !reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    for (const name of states) {
      if (!reached.has(name)) {
        problems.push({
          code: 'UNREACHABLE_STATE',
          state: name,
          path: ['states', name],
          message: `${name} cannot be reached from the initial state ${def.initial}`,
        });
      }
    }
  }

  // A cycle of timers measured from facts would fire forever at one instant: the facts do not move.
  const onCycle = new Set<string>();
  const visit = (start: string, at: string, trail: Set<string>) => {
    for (const edge of factTimerEdges.get(at) ?? []) {
      if (edge.target === start) {
        if (!onCycle.has(start)) {
          onCycle.add(start);
          problems.push({
            code: 'TIMER_CYCLE',
            state: start,
            event: `after:${(factTimerEdges.get(start) ?? [])[0]?.timer ?? edge.timer}`,
            timer: edge.timer,
            path: edge.path,
            message: `timers measured from facts lead from ${start} back to itself; they would fire forever at one instant`,
          });
        }
      } else if (!trail.has(edge.target)) {
        trail.add(edge.target);
        visit(start, edge.target, trail);
      }
    }
  };
  for (const name of factTimerEdges.keys()) visit(name, name, new Set([name]));

  return problems;
}
