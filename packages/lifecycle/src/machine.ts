import { type Clock, type JsonValue, parseWith, ValidationError } from '@crmkit/core';
import { type CompiledCondition, compile, compilePath, type Explanation } from '@crmkit/rules';
import { z } from 'zod';
import { checkDefinition } from './check';
import {
  delayToMs,
  type EffectDefinition,
  type MachineDefinition,
  type MachineDefinitionInput,
  MachineDefinitionSchema,
  type TransitionDefinition,
} from './definition';
import { MachineDefinitionError } from './errors';

/**
 * An event sent to a machine: a declared `type` plus any payload the guards read as `event.<field>`.
 *
 * @example
 * ```ts
 * const e: MachineEvent<'order.placed'> = { type: 'order.placed', total: 120 };
 * ```
 */
export type MachineEvent<E extends string = string> = { readonly type: E } & Readonly<
  Record<string, unknown>
>;

/**
 * What guards see: the caller's `context`, and the `event` (for transitions) or `now` (for timers).
 * Conditions read them as dotted facts: `context.orderCount`, `event.total`.
 *
 * @example
 * ```ts
 * const facts: GuardFacts = { context: { orderCount: 3 }, event: { type: 'order.placed' } };
 * ```
 */
export interface GuardFacts {
  /** The caller's context (the customer's figures, the ticket's level, …). */
  readonly context: unknown;
  /** The event, for event transitions. */
  readonly event?: MachineEvent;
  /** The evaluation instant, for timers. */
  readonly now?: Date;
}

/**
 * A guard written as a function: must be pure (same facts, same answer) so transitions stay
 * deterministic and replayable.
 *
 * @example
 * ```ts
 * const isVip: GuardFunction = (facts) => (facts.context as { vip?: boolean }).vip === true;
 * ```
 */
export type GuardFunction = (facts: GuardFacts) => boolean;

/**
 * Options of {@link createMachine}.
 *
 * @example
 * ```ts
 * createMachine(definition, { guards: { isVip: (f) => (f.context as { vip: boolean }).vip } });
 * ```
 */
export interface MachineOptions {
  /** The function guards that transitions name in `guard`. */
  readonly guards?: Readonly<Record<string, GuardFunction>>;
  /** Given to `@crmkit/rules` for conditions that need "now" (`within`, birthdays). */
  readonly clock?: Clock;
  /** IANA time zone for calendar operators in conditions (default UTC). */
  readonly timeZone?: string;
}

/**
 * An effect for the host to run: its name and parameters, in which phase of the transition and for which
 * state (the state exited or entered, or the source state for transition effects).
 *
 * @example
 * ```ts
 * const e: Effect = { type: 'coupon.send', params: { value: 10 }, phase: 'entry', state: 'atRisk' };
 * ```
 */
export interface Effect {
  /** The effect's declared name. */
  readonly type: string;
  /** Parameters from the definition. */
  readonly params?: Readonly<Record<string, JsonValue>>;
  /** `exit` of the source, the `transition` itself, or `entry` of the target. */
  readonly phase: 'exit' | 'transition' | 'entry';
  /** The state the effect belongs to. */
  readonly state: string;
}

/**
 * Which transition was taken: from where to where, on which event (timers: `after:<id>`), its index
 * among the event's transitions, and its description.
 *
 * @example
 * ```ts
 * const info: TransitionInfo = { from: 'new', to: 'active', event: 'order.placed', index: 0, internal: false, path: ['states', 'new', 'on', 'order.placed', 0] };
 * ```
 */
export interface TransitionInfo<S extends string = string> {
  /** The source state. */
  readonly from: S;
  /** The next state (the source itself for an internal transition). */
  readonly to: S;
  /** The event type, or `after:<timer id>` for a timer. */
  readonly event: string;
  /** Position among the event's transitions (or the state's timers). */
  readonly index: number;
  /** True when the transition has no target: the state stays, without exit or entry. */
  readonly internal: boolean;
  /** The timer's id, for timers. */
  readonly timer?: string;
  /** The definition's description of the transition. */
  readonly description?: string;
  /** JSON path of the transition in the definition. */
  readonly path: readonly (string | number)[];
}

/**
 * How one transition's guards fared in an explanation.
 *
 * @example
 * ```ts
 * const c: CandidateExplanation = { index: 0, target: 'active', held: false, path: ['states', 'new', 'on', 'order.placed', 0] };
 * ```
 */
export interface CandidateExplanation {
  /** Position among the event's transitions. */
  readonly index: number;
  /** Its target (the source state for internal transitions). */
  readonly target: string;
  /** Whether all its guards held. */
  readonly held: boolean;
  /** JSON path of the transition in the definition. */
  readonly path: readonly (string | number)[];
  /** The `when` condition's explanation from `@crmkit/rules`. */
  readonly when?: Explanation;
  /** The function guard and its answer. */
  readonly guard?: { readonly name: string; readonly held: boolean };
}

/**
 * Why a transition was or was not taken: the state, the event, the outcome and every candidate transition
 * tried in order with its guards.
 *
 * @example
 * ```ts
 * const why = transition(machine, 'new', { type: 'order.placed' }, ctx, { explain: true }).explanation!;
 * console.log(why.summary);
 * ```
 */
export interface TransitionExplanation {
  /** The state the event arrived in. */
  readonly from: string;
  /** The event type (timers: `after:<id>`). */
  readonly event: string;
  /** `taken`; `not-handled` (the state has no transition for the event); `no-guard-held`. */
  readonly outcome: 'taken' | 'not-handled' | 'no-guard-held';
  /** The candidates tried, in definition order, up to the one taken. */
  readonly candidates: readonly CandidateExplanation[];
  /** One line for logs and history, e.g. `new → active on order.placed (transition 0: guards held)`. */
  readonly summary: string;
}

/**
 * The result of {@link transition}: the next state, whether a transition was taken, the effects to run in
 * order (exit, transition, entry), which transition it was and, on request, why.
 *
 * @example
 * ```ts
 * const r: TransitionResult = transition(machine, 'prospect', { type: 'lead.captured' }, {});
 * if (r.taken) for (const e of r.effects) host.run(e);
 * ```
 */
export interface TransitionResult<S extends string = string> {
  /** The next state (unchanged when nothing was taken). */
  readonly state: S;
  /** Whether a transition fired (internal transitions fire without changing the state). */
  readonly taken: boolean;
  /** Effects for the host, in order. Empty when nothing was taken. */
  readonly effects: readonly Effect[];
  /** The transition taken. */
  readonly transition?: TransitionInfo<S>;
  /** Why, when asked for with `{ explain: true }`. */
  readonly explanation?: TransitionExplanation;
}

/**
 * A checked, compiled machine: its validated definition and the names of its states, events and effects,
 * typed from the definition's literal keys. Use it with {@link transition}, {@link dueTimers},
 * {@link advance} and the service.
 *
 * @example
 * ```ts
 * const m = createMachine({ id: 'door', initial: 'closed', events: { open: {} }, states: { closed: { on: { open: { target: 'opened' } } }, opened: { final: true } } });
 * m.states; // ['closed', 'opened']
 * ```
 */
export interface Machine<S extends string = string, E extends string = string> {
  /** The definition's id. */
  readonly id: string;
  /** The validated definition (frozen). */
  readonly definition: MachineDefinition;
  /** Where new entities start. */
  readonly initial: S;
  /** Every state, in definition order. */
  readonly states: readonly S[];
  /** Every declared event. */
  readonly events: readonly E[];
  /** Every declared effect. */
  readonly effects: readonly string[];
  /** The states marked final. */
  readonly finalStates: readonly S[];
}

/**
 * The state names of a definition literal.
 *
 * @example
 * ```ts
 * type S = StateOf<{ states: { open: {}; shut: {} } }>; // 'open' | 'shut'
 * ```
 */
export type StateOf<D> = D extends { readonly states: infer S } ? Extract<keyof S, string> : string;
/**
 * The event names of a definition literal.
 *
 * @example
 * ```ts
 * type E = EventOf<{ events: { push: {}; pull: {} } }>; // 'push' | 'pull'
 * ```
 */
export type EventOf<D> = D extends { readonly events: infer E } ? Extract<keyof E, string> : string;

/** @internal */
export interface CompiledTransition {
  readonly info: TransitionInfo;
  readonly test: ((facts: GuardFacts) => boolean) | undefined;
  /** The guard as a test of the context alone, when it reads nothing else (no facts object needed). */
  readonly contextTest: ((context: unknown) => boolean) | undefined;
  readonly condition: CompiledCondition | undefined;
  readonly guardName: string | undefined;
  readonly guardFn: GuardFunction | undefined;
  readonly result: TransitionResult;
}

/** @internal */
export interface CompiledTimer extends CompiledTransition {
  readonly id: string;
  readonly ms: number;
  readonly from: readonly (string | number)[] | undefined;
}

/** @internal */
export interface CompiledState {
  readonly name: string;
  readonly on: ReadonlyMap<string, readonly CompiledTransition[]>;
  readonly timers: readonly CompiledTimer[];
  readonly stay: TransitionResult;
}

/** @internal */
export interface Compiled {
  readonly states: ReadonlyMap<string, CompiledState>;
  readonly events: ReadonlySet<string>;
}

const COMPILED = Symbol('compiled machine');

const isFunction = (v: unknown) => typeof v === 'function';
const MachineOptionsSchema = z
  .object({
    guards: z.record(z.string(), z.custom<GuardFunction>(isFunction, 'must be a function')).optional(),
    clock: z
      .custom<Clock>(
        (v) => typeof v === 'object' && v !== null && isFunction((v as Clock).now),
        'must be a Clock',
      )
      .optional(),
    timeZone: z.string().optional(),
  })
  .strict();
const CONTEXT = 'context.';

/** Rewrites `context.x` fact paths to `x`; `undefined` when some fact is read from elsewhere. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) {
    const out = node.map(rebase);
    return out.includes(undefined) ? undefined : out;
  }
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'fact') {
      if (typeof value !== 'string' || !value.startsWith(CONTEXT)) return undefined;
      out[key] = value.slice(CONTEXT.length);
    } else {
      const rebased = rebase(value);
      if (rebased === undefined && value !== undefined) return undefined;
      out[key] = rebased;
    }
  }
  return out;
}

/** The condition compiled against the context alone, when it only reads `context.*` facts. */
function contextOnly(
  when: unknown,
  options: { refs?: Readonly<Record<string, unknown>>; params?: Readonly<Record<string, unknown>> },
): CompiledCondition | undefined {
  const condition = rebase(when);
  const refs = options.refs === undefined ? undefined : rebase(options.refs);
  if (condition === undefined || (options.refs !== undefined && refs === undefined)) return undefined;
  return compile(condition, {
    ...options,
    ...(refs === undefined ? {} : { refs: refs as Record<string, unknown> }),
  });
}

/** @internal The compiled form of a machine made by {@link createMachine}. */
export function compiledOf(machine: Machine): Compiled {
  const compiled =
    typeof machine === 'object' && machine !== null
      ? (machine as unknown as { [COMPILED]?: Compiled })[COMPILED]
      : undefined;
  if (compiled === undefined) {
    throw new ValidationError('machine', [
      { path: ['machine'], message: 'must be a machine made by createMachine', code: 'invalid_type' },
    ]);
  }
  return compiled;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Validates a JSON machine definition with {@link MachineDefinitionSchema}, checks it (unknown targets,
 * events, effects and guards, unreachable states, dead ends, ambiguous transitions, timer cycles) and
 * compiles its guards once. Throws `ValidationError` for a definition of the wrong shape and
 * {@link MachineDefinitionError} listing every problem, each naming its state and event.
 *
 * State and event names are typed from a literal definition.
 *
 * @example
 * ```ts
 * const door = createMachine({
 *   id: 'door', initial: 'closed',
 *   events: { open: {}, close: {} },
 *   states: { closed: { on: { open: { target: 'opened' } } }, opened: { on: { close: { target: 'closed' } } } },
 * });
 * transition(door, 'closed', { type: 'open' }, {}).state; // 'opened'
 * ```
 */
export function createMachine<const D extends MachineDefinitionInput>(
  definition: D,
  options: MachineOptions = {},
): Machine<StateOf<D>, EventOf<D>> {
  parseWith(MachineOptionsSchema, 'machine options', options);
  const def = deepFreeze(parseWith(MachineDefinitionSchema, 'machine definition', definition));
  const guards = options.guards ?? {};
  const conditionOptions = {
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
  };
  const problems = checkDefinition(def, new Set(Object.keys(guards)), conditionOptions);
  if (problems.length > 0) throw new MachineDefinitionError(def.id, problems);

  const compileOptions = {
    ...conditionOptions,
    ...(def.refs === undefined ? {} : { refs: def.refs }),
    ...(def.params === undefined ? {} : { params: def.params }),
  };
  const effectsOf = (list: readonly EffectDefinition[] | undefined, phase: Effect['phase'], state: string) =>
    (list ?? []).map(
      (e): Effect =>
        Object.freeze(
          typeof e === 'string'
            ? { type: e, phase, state }
            : { type: e.type, ...(e.params === undefined ? {} : { params: e.params }), phase, state },
        ),
    );

  const build = (
    source: string,
    t: TransitionDefinition,
    event: string,
    index: number,
    path: (string | number)[],
    timer?: string,
  ): CompiledTransition => {
    const condition = t.when === undefined ? undefined : compile(t.when, compileOptions);
    const guardFn = t.guard === undefined ? undefined : guards[t.guard];
    // A condition over `context.*` facts only is compiled a second time against the context itself:
    // evaluating it then needs no `{ context, event }` wrapper and one property read less per fact.
    const onContext = t.when === undefined ? undefined : contextOnly(t.when, compileOptions);
    const cond = onContext === undefined ? condition?.test : (f: GuardFacts) => onContext.test(f.context);
    const test =
      cond !== undefined && guardFn !== undefined
        ? (f: GuardFacts) => cond(f) && guardFn(f)
        : (cond ?? guardFn);
    const target = t.target ?? source;
    const internal = t.target === undefined;
    const info: TransitionInfo = Object.freeze({
      from: source,
      to: target,
      event,
      index,
      internal,
      ...(timer === undefined ? {} : { timer }),
      ...(t.description === undefined ? {} : { description: t.description }),
      path: Object.freeze(path),
    });
    const effects = Object.freeze([
      ...(internal ? [] : effectsOf(def.states[source]!.exit, 'exit', source)),
      ...effectsOf(t.effects, 'transition', source),
      ...(internal ? [] : effectsOf(def.states[target]!.entry, 'entry', target)),
    ]);
    return {
      info,
      test,
      contextTest: guardFn === undefined ? onContext?.test : undefined,
      condition,
      guardName: t.guard,
      guardFn,
      result: Object.freeze({ state: target, taken: true, effects, transition: info }),
    };
  };

  const states = new Map<string, CompiledState>();
  for (const [name, state] of Object.entries(def.states)) {
    const on = new Map<string, CompiledTransition[]>();
    for (const [event, value] of Object.entries(state.on ?? {})) {
      const list = Array.isArray(value) ? value : [value];
      on.set(
        event,
        list.map((t, i) =>
          build(
            name,
            t,
            event,
            i,
            Array.isArray(value) ? ['states', name, 'on', event, i] : ['states', name, 'on', event],
          ),
        ),
      );
    }
    const timers = (state.after ?? []).map(
      (t, i): CompiledTimer => ({
        ...build(name, t, `after:${t.id}`, i, ['states', name, 'after', i], t.id),
        id: t.id,
        ms: delayToMs(t.after),
        from: t.from === undefined ? undefined : compilePath(t.from),
      }),
    );
    states.set(name, {
      name,
      on,
      timers,
      stay: Object.freeze({ state: name, taken: false, effects: Object.freeze([]) }),
    });
  }

  const machine = {
    id: def.id,
    definition: def,
    initial: def.initial,
    states: Object.freeze(Object.keys(def.states)),
    events: Object.freeze(Object.keys(def.events)),
    effects: Object.freeze(Object.keys(def.effects ?? {})),
    finalStates: Object.freeze(Object.keys(def.states).filter((s) => def.states[s]!.final === true)),
  };
  Object.defineProperty(machine, COMPILED, { value: { states, events: new Set(machine.events) } });
  return Object.freeze(machine) as unknown as Machine<StateOf<D>, EventOf<D>>;
}
