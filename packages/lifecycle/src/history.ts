import { JsonValueSchema, parseWith } from '@crmkit/core';
import { z } from 'zod';
import { NameSchema } from './definition';
import type { Machine } from './machine';
import type { Snapshot } from './timers';
import { stateOf, transition } from './transition';

const Iso = z.iso.datetime({ offset: true });

/**
 * What caused a history entry: the entity's start, an event (with its payload) or a timer.
 *
 * @example
 * ```ts
 * TriggerSchema.parse({ kind: 'timer', timer: 'inactive', dueAt: '2026-04-01T00:00:00.000Z' });
 * ```
 */
export const TriggerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start') }).strict(),
  z
    .object({ kind: z.literal('event'), event: z.object({ type: NameSchema }).catchall(JsonValueSchema) })
    .strict(),
  z.object({ kind: z.literal('timer'), timer: NameSchema, dueAt: Iso }).strict(),
]);

/**
 * One entry of an entity's history, as stored (JSON): its 1-based `sequence`, when (`at`, ISO), from where
 * to where, what caused it (`trigger`), the `context` the guards saw, who did it (`by`), why (`reason` from
 * the caller, `explanation` from the engine) and the effects it asked for.
 *
 * @example
 * ```ts
 * HistoryEntrySchema.parse({ sequence: 1, at: '2026-01-01T00:00:00.000Z', from: null, to: 'prospect', trigger: { kind: 'start' }, explanation: 'started in prospect', effects: [] });
 * ```
 */
export const HistoryEntrySchema = z
  .object({
    sequence: z.number().int().positive(),
    at: Iso,
    from: NameSchema.nullable(),
    to: NameSchema,
    trigger: TriggerSchema,
    context: JsonValueSchema.optional(),
    by: z.string().optional(),
    reason: z.string().optional(),
    explanation: z.string(),
    effects: z.array(
      z
        .object({
          type: NameSchema,
          params: z.record(z.string(), JsonValueSchema).optional(),
          phase: z.enum(['exit', 'transition', 'entry']),
          state: NameSchema,
        })
        .strict(),
    ),
  })
  .strict();

/**
 * One history entry (inferred from {@link HistoryEntrySchema}).
 *
 * @example
 * ```ts
 * const e: HistoryEntry = { sequence: 2, at: '2026-02-01T10:00:00.000Z', from: 'prospect', to: 'new', trigger: { kind: 'event', event: { type: 'order.placed' } }, explanation: 'prospect → new on order.placed', effects: [] };
 * ```
 */
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

const HistorySchema = z
  .array(HistoryEntrySchema)
  .min(1, 'must hold at least the start entry')
  .superRefine((entries, ctx) => {
    if (entries[0]?.trigger.kind !== 'start') {
      ctx.addIssue({
        code: 'custom',
        path: [0, 'trigger', 'kind'],
        message: 'the first entry must be the start',
      });
    }
    entries.forEach((e, i) => {
      if (i > 0 && e.sequence <= entries[i - 1]!.sequence) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'sequence'],
          message: 'must be greater than the previous entry',
        });
      }
    });
  });

/**
 * A place where a replay reached another state than the history recorded.
 *
 * @example
 * ```ts
 * const d: ReplayDivergence = { sequence: 4, recorded: 'active', replayed: 'new' };
 * ```
 */
export interface ReplayDivergence {
  /** The entry's sequence. */
  readonly sequence: number;
  /** The state the entry recorded. */
  readonly recorded: string;
  /** The state the replay reached. */
  readonly replayed: string;
}

/**
 * The result of {@link replay}: the rebuilt snapshot and any divergence from the recorded states.
 *
 * @example
 * ```ts
 * const { state, since, divergences } = replay(machine, entries);
 * ```
 */
export interface ReplayResult<S extends string = string> extends Snapshot<S> {
  /** Entries whose recorded state the replay did not reach (empty when the history is consistent). */
  readonly divergences: readonly ReplayDivergence[];
}

/**
 * Rebuilds an entity's state from its history: `start` entries set the state, `event` entries run
 * {@link transition} again with the recorded event and context, `timer` entries fire the recorded timer of
 * the current state. Pure: the same entries always give the same result. Entries are validated with
 * {@link HistoryEntrySchema} (a `ValidationError` names the bad entry's index and field) and must be in
 * sequence order.
 *
 * @example
 * ```ts
 * const entries: HistoryEntry[] = [];
 * for await (const e of service.history('c1')) entries.push(e);
 * replay(service.machine, entries).state; // the state the service stores
 * ```
 */
export function replay<S extends string>(machine: Machine<S>, entries: readonly unknown[]): ReplayResult<S> {
  const parsed = parseWith(HistorySchema, 'lifecycle history', entries);
  const divergences: ReplayDivergence[] = [];
  let state: string | undefined;
  let since: string | undefined;
  parsed.forEach((entry, i) => {
    const trigger = entry.trigger;
    if (trigger.kind === 'start' || state === undefined) {
      state = stateOf(machine, entry.to, [i, 'to']).name;
      since = entry.at;
    } else if (trigger.kind === 'event') {
      const r = transition(machine, state as S, trigger.event as never, entry.context);
      if (r.taken && r.transition?.internal !== true) since = entry.at;
      state = r.state;
    } else {
      const timer = stateOf(machine, state, [i, 'from']).timers.find((t) => t.id === trigger.timer);
      if (timer !== undefined) {
        state = timer.info.to;
        since = entry.at;
      }
    }
    if (state !== entry.to)
      divergences.push({ sequence: entry.sequence, recorded: entry.to, replayed: state });
  });
  return { state: state as S, since: new Date(since!), divergences };
}
