import { JsonValueSchema } from '@crmkit/core';
import type { FactCondition } from '@crmkit/rules';
import { z } from 'zod';

const NAME = /^[A-Za-z][A-Za-z0-9_.:-]*$/;

/**
 * A name of a state, event, effect, guard or timer: starts with a letter, then letters, digits, `_`, `.`,
 * `:` or `-` (so `order.placed` and `sla:breached` work), at most 100 characters.
 *
 * @example
 * ```ts
 * NameSchema.parse('order.placed');
 * ```
 */
export const NameSchema = z
  .string()
  .max(100, 'must be at most 100 characters')
  .regex(NAME, 'must start with a letter and hold only letters, digits, _ . : -');

/**
 * A named effect for the host to run: a name, or a name with JSON parameters.
 *
 * @example
 * ```ts
 * EffectSchema.parse({ type: 'sla.breached', params: { kind: 'response' } });
 * ```
 */
export const EffectSchema = z.union([
  NameSchema,
  z.object({ type: NameSchema, params: z.record(z.string(), JsonValueSchema).optional() }).strict(),
]);

/**
 * A `@crmkit/rules` condition as written in a definition (the rules `Condition` shape, read-only).
 *
 * @example
 * ```ts
 * const c: GuardCondition = { all: [{ fact: 'context.orderCount', op: 'gte', value: 5 }, { not: { ref: 'isStaff' } }] };
 * ```
 */
export type GuardCondition =
  | { readonly all: readonly GuardCondition[] }
  | { readonly any: readonly GuardCondition[] }
  | { readonly not: GuardCondition }
  | { readonly ref: string }
  | DeepReadonly<FactCondition>;

/**
 * A guard condition in the `@crmkit/rules` language over the facts `{ context, event }` (for timers
 * `{ context, now }`). Checked and compiled by {@link createMachine}, which reports bad ones as
 * `INVALID_GUARD` with their state and event.
 *
 * @example
 * ```ts
 * const when = GuardConditionSchema.parse({ fact: 'context.orderCount', op: 'gte', value: 2 });
 * ```
 */
export const GuardConditionSchema: z.ZodType<GuardCondition> = z.custom<GuardCondition>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  { error: 'must be a condition object such as { "fact": "context.orderCount", "op": "gte", "value": 2 }' },
);

const guarded = {
  /** A `@crmkit/rules` condition that must hold. */
  when: GuardConditionSchema.optional(),
  /** The name of a function guard given to `createMachine` that must hold too. */
  guard: NameSchema.optional(),
  /** Effects of the transition itself (between the source's exit and the target's entry effects). */
  effects: z.array(EffectSchema).optional(),
  /** Why the transition exists, in words (shown in explanations and history). */
  description: z.string().max(500).optional(),
};

/**
 * One transition for an event: to `target` (omit it to stay without leaving the state), when its guards
 * hold.
 *
 * @example
 * ```ts
 * TransitionSchema.parse({ target: 'active', when: { fact: 'context.orderCount', op: 'gte', value: 2 } });
 * ```
 */
export const TransitionSchema = z.object({ target: NameSchema.optional(), ...guarded }).strict();

/**
 * A delay: days (24 hours each), hours, minutes and seconds, adding up to more than zero.
 *
 * @example
 * ```ts
 * DelaySchema.parse({ days: 90 });
 * ```
 */
export const DelaySchema = z
  .object({
    days: z.number().nonnegative().finite().optional(),
    hours: z.number().nonnegative().finite().optional(),
    minutes: z.number().nonnegative().finite().optional(),
    seconds: z.number().nonnegative().finite().optional(),
  })
  .strict()
  .refine((d) => (d.days ?? 0) + (d.hours ?? 0) + (d.minutes ?? 0) + (d.seconds ?? 0) > 0, {
    message: 'a delay needs at least one positive unit (days, hours, minutes, seconds)',
  });

/**
 * A time-based transition: `after` a delay, measured from when the state was entered or `from` an
 * instant fact (such as `context.lastOrderAt`; when that fact is missing, from when the state was
 * entered). Due at exactly that instant or later.
 *
 * @example
 * ```ts
 * TimerSchema.parse({ id: 'inactive', after: { days: 90 }, from: 'context.lastOrderAt', target: 'atRisk' });
 * ```
 */
export const TimerSchema = z
  .object({
    id: NameSchema,
    after: DelaySchema,
    from: z.string().min(1).max(200).optional(),
    target: NameSchema,
    ...guarded,
  })
  .strict();

/**
 * A state: its effects on entry and exit, its transitions per event, its timers, and whether it is final.
 *
 * @example
 * ```ts
 * StateSchema.parse({ entry: ['welcome'], on: { 'order.placed': { target: 'active' } } });
 * ```
 */
export const StateSchema = z
  .object({
    description: z.string().max(500).optional(),
    final: z.boolean().optional(),
    entry: z.array(EffectSchema).optional(),
    exit: z.array(EffectSchema).optional(),
    on: z.record(NameSchema, z.union([TransitionSchema, z.array(TransitionSchema).min(1)])).optional(),
    after: z.array(TimerSchema).optional(),
  })
  .strict();

const Described = z.object({ description: z.string().max(500).optional() }).strict();

/**
 * A machine definition: plain JSON. `events` and `effects` declare every event the machine handles and
 * every effect it asks the host to run; `params` and `refs` are passed to `@crmkit/rules` when the guards
 * compile (`{ "param": "name" }`, `{ "ref": "name" }`).
 *
 * @example
 * ```ts
 * const def = MachineDefinitionSchema.parse({
 *   id: 'door', initial: 'closed',
 *   events: { open: {}, close: {} },
 *   states: { closed: { on: { open: { target: 'opened' } } }, opened: { on: { close: { target: 'closed' } } } },
 * });
 * ```
 */
export const MachineDefinitionSchema = z
  .object({
    id: NameSchema,
    description: z.string().max(2000).optional(),
    version: z.number().int().nonnegative().optional(),
    initial: NameSchema,
    events: z.record(NameSchema, Described),
    effects: z.record(NameSchema, Described).optional(),
    params: z.record(z.string(), JsonValueSchema).optional(),
    refs: z.record(z.string(), GuardConditionSchema).optional(),
    states: z
      .record(NameSchema, StateSchema)
      .refine((s) => Object.keys(s).length > 0, { message: 'must hold at least one state' }),
  })
  .strict();

/**
 * A validated machine definition (inferred from {@link MachineDefinitionSchema}).
 *
 * @example
 * ```ts
 * const def: MachineDefinition = { id: 'm', initial: 'a', events: {}, states: { a: { final: true } } };
 * ```
 */
export type MachineDefinition = z.infer<typeof MachineDefinitionSchema>;

/**
 * The input form of a machine definition (what {@link createMachine} accepts).
 *
 * @example
 * ```ts
 * const input: MachineDefinitionInput = { id: 'm', initial: 'a', events: {}, states: { a: { final: true } } };
 * ```
 */
export type MachineDefinitionInput = DeepReadonly<z.input<typeof MachineDefinitionSchema>>;

/**
 * `T` with every array and object read-only, so `as const` definitions fit.
 *
 * @example
 * ```ts
 * const xs: DeepReadonly<{ a: number[] }> = { a: [1, 2] } as const;
 * ```
 */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * One state of a definition (inferred from {@link StateSchema}).
 *
 * @example
 * ```ts
 * const s: StateDefinition = { final: true, entry: ['archive'] };
 * ```
 */
export type StateDefinition = z.infer<typeof StateSchema>;

/**
 * One transition of a definition (inferred from {@link TransitionSchema}).
 *
 * @example
 * ```ts
 * const t: TransitionDefinition = { target: 'churned', effects: ['notify.owner'] };
 * ```
 */
export type TransitionDefinition = z.infer<typeof TransitionSchema>;

/**
 * One timer of a definition (inferred from {@link TimerSchema}).
 *
 * @example
 * ```ts
 * const t: TimerDefinition = { id: 'lapse', after: { days: 180 }, target: 'churned' };
 * ```
 */
export type TimerDefinition = z.infer<typeof TimerSchema>;

/**
 * An effect reference in a definition (inferred from {@link EffectSchema}).
 *
 * @example
 * ```ts
 * const e: EffectDefinition = { type: 'coupon.send', params: { value: 10 } };
 * ```
 */
export type EffectDefinition = z.infer<typeof EffectSchema>;

/**
 * A delay (inferred from {@link DelaySchema}).
 *
 * @example
 * ```ts
 * const d: Delay = { hours: 24 };
 * ```
 */
export type Delay = z.infer<typeof DelaySchema>;

/**
 * A delay in milliseconds (days are 24 hours: instants are UTC).
 *
 * @example
 * ```ts
 * delayToMs({ days: 1, minutes: 30 }); // 88_200_000
 * ```
 */
export function delayToMs(delay: Delay): number {
  return (
    (delay.days ?? 0) * 86_400_000 +
    (delay.hours ?? 0) * 3_600_000 +
    (delay.minutes ?? 0) * 60_000 +
    (delay.seconds ?? 0) * 1000
  );
}
