import {
  AlreadyExistsError,
  type Clock,
  IdSchema,
  isCrmError,
  type JsonValue,
  JsonValueSchema,
  NotFoundError,
  parseWith,
  type Storage,
  VersionConflictError,
} from '@crmkit/core';
import { z } from 'zod';
import { type HistoryEntry, HistoryEntrySchema, type ReplayResult, replay } from './history';
import { compiledOf, type Effect, type Machine, type MachineEvent, type TransitionResult } from './machine';
import { advance } from './timers';
import { transition } from './transition';

/**
 * Options of {@link createLifecycleService}.
 *
 * @example
 * ```ts
 * createLifecycleService({ machine: customerJourney(), storage: createMemoryStorage(), clock: systemClock });
 * ```
 */
export interface LifecycleServiceOptions<S extends string, E extends string> {
  /** The machine every entity of this service follows. */
  readonly machine: Machine<S, E>;
  /** Where states (documents) and histories (event streams) are kept. */
  readonly storage: Storage;
  /** Where "now" comes from. */
  readonly clock: Clock;
  /** Document collection and stream prefix (default `lifecycle:<machine id>`). */
  readonly namespace?: string;
}

/**
 * An entity's stored state: where it stands, since when, its document `version` (for optimistic
 * concurrency), the `sequence` of its last history entry and the last context it was given.
 *
 * @example
 * ```ts
 * const e: EntityState = { id: 'c1', state: 'active', since: new Date('2026-02-01T00:00:00Z'), version: 3, sequence: 3 };
 * ```
 */
export interface EntityState<S extends string = string> {
  /** The entity's id (a customer id, a ticket id). */
  readonly id: string;
  /** Its current state. */
  readonly state: S;
  /** When it entered it. */
  readonly since: Date;
  /** The stored document's version. */
  readonly version: number;
  /** The last history entry's sequence. */
  readonly sequence: number;
  /** The last context sent with an event (used by `tick` unless it is given a context function). */
  readonly context?: JsonValue;
}

/**
 * Who and why, recorded in the history of a write.
 *
 * @example
 * ```ts
 * const o: RecordOptions = { by: 'agent:42', reason: 'customer called' };
 * ```
 */
export interface RecordOptions {
  /** Who caused it (a user, `system`, a plugin). */
  readonly by?: string;
  /** Why, in the caller's words. */
  readonly reason?: string;
}

/**
 * Options of {@link LifecycleService.send}.
 *
 * @example
 * ```ts
 * await service.send('c1', { type: 'order.placed' }, ctx, { expectedVersion: 3, by: 'shop' });
 * ```
 */
export interface SendOptions extends RecordOptions {
  /** Fail with `VersionConflictError` unless the entity is still at this version. */
  readonly expectedVersion?: number;
}

/**
 * The result of {@link LifecycleService.send}: the transition result and the entity as now stored (and the
 * history entry written, when a transition was taken).
 *
 * @example
 * ```ts
 * const { entity, result } = await service.send('c1', { type: 'order.placed' }, ctx);
 * for (const effect of result.effects) await host.run(effect, entity);
 * ```
 */
export interface SendResult<S extends string = string> {
  /** The entity after the event. */
  readonly entity: EntityState<S>;
  /** What the machine decided, with its explanation. */
  readonly result: TransitionResult<S>;
  /** The history entry written (absent when nothing was taken). */
  readonly entry?: HistoryEntry;
}

/**
 * Options of {@link LifecycleService.tick}.
 *
 * @example
 * ```ts
 * await service.tick({ now: clock.now(), context: async (e) => summaries.get(e.id), onAdvanced: (e, entries) => host.run(entries) });
 * ```
 */
export interface TickOptions<S extends string = string> extends RecordOptions {
  /** The instant to evaluate at (default: the clock's now). */
  readonly now?: Date;
  /** The context of an entity's timers (default: the last context it was sent). */
  readonly context?: (entity: EntityState<S>) => unknown;
  /** Called after each entity's transitions are stored, with every entry written. */
  readonly onAdvanced?: (entity: EntityState<S>, entries: readonly HistoryEntry[]) => void | Promise<void>;
  /** Documents read per round trip (bounds memory). */
  readonly batchSize?: number;
}

/**
 * What a {@link LifecycleService.tick} did.
 *
 * @example
 * ```ts
 * const s: TickSummary = { now: new Date(), scanned: 1000, advanced: 12, transitions: 15, conflicts: 0 };
 * ```
 */
export interface TickSummary {
  /** The instant evaluated at. */
  readonly now: Date;
  /** Entities read. */
  readonly scanned: number;
  /** Entities that moved. */
  readonly advanced: number;
  /** Timer transitions stored. */
  readonly transitions: number;
  /** Entities skipped because another writer changed them meanwhile (the next tick retries). */
  readonly conflicts: number;
}

/**
 * The result of {@link LifecycleService.replay}: the state rebuilt from the history and whether it
 * matches the stored one.
 *
 * @example
 * ```ts
 * const r = await service.replay('c1');
 * if (!r.matches) alert(r.divergences);
 * ```
 */
export interface RebuildResult<S extends string = string> extends ReplayResult<S> {
  /** Whether the rebuilt state and `since` equal the stored ones. */
  readonly matches: boolean;
}

/**
 * Keeps each entity's state and full history in storage: states as versioned documents, histories as
 * event streams, both written in one transaction with optimistic concurrency.
 *
 * @example
 * ```ts
 * const service = createLifecycleService({ machine: customerJourney(), storage, clock });
 * await service.start('c1');
 * await service.send('c1', { type: 'order.placed' }, { orderCount: 1, lastOrderAt: '2026-01-05T00:00:00Z' });
 * ```
 */
export interface LifecycleService<S extends string = string, E extends string = string> {
  /** The machine. */
  readonly machine: Machine<S, E>;
  /** Starts an entity in the initial state (`AlreadyExistsError` if it has one). */
  start(id: string, options?: RecordOptions & { readonly context?: JsonValue }): Promise<EntityState<S>>;
  /** The entity's stored state, or `undefined`. */
  get(id: string): Promise<EntityState<S> | undefined>;
  /**
   * Sends an event: runs {@link transition} on the stored state and, when a transition is taken, stores
   * the new state and a history entry together. Two concurrent sends for one entity never both apply to
   * the same version: the later one throws `VersionConflictError` (re-read and retry). `context` must be
   * JSON; without it the last stored context is used. A new context is stored even when no transition is
   * taken (without a history entry), so `tick` measures timers from the latest figures.
   */
  send(
    id: string,
    event: MachineEvent<E>,
    context?: JsonValue,
    options?: SendOptions,
  ): Promise<SendResult<S>>;
  /** Applies every due timer of every entity, streaming over the collection with bounded memory. */
  tick(options?: TickOptions<S>): Promise<TickSummary>;
  /** Streams an entity's history, oldest first. */
  history(id: string): AsyncIterable<HistoryEntry>;
  /** Rebuilds an entity's state from its history and compares it with the stored one. */
  replay(id: string): Promise<RebuildResult<S>>;
}

const ServiceOptionsSchema = z
  .object({
    machine: z.custom<object>((v) => typeof v === 'object' && v !== null, 'must be a machine'),
    storage: z.custom<Storage>(
      (v) =>
        typeof v === 'object' && v !== null && 'documents' in v && 'events' in v && 'withTransaction' in v,
      'must be a Storage (documents, events, withTransaction)',
    ),
    clock: z.custom<Clock>(
      (v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function',
      'must be a Clock',
    ),
    namespace: z.string().optional(),
  })
  .strict();

const DocSchema = z.object({
  state: z.string(),
  since: z.string(),
  sequence: z.number().int().nonnegative(),
  context: JsonValueSchema.optional(),
});
type Doc = z.infer<typeof DocSchema>;

const RecordSchema = z.object({
  by: z.string().max(200).optional(),
  reason: z.string().max(2000).optional(),
});
const StartOptionsSchema = RecordSchema.extend({ context: JsonValueSchema.optional() });
const EventSchema = z.object({ type: z.string() }).catchall(JsonValueSchema);
const SendOptionsSchema = RecordSchema.extend({ expectedVersion: z.number().int().positive().optional() });
const TickOptionsSchema = RecordSchema.extend({
  now: z.date().optional(),
  context: z.custom<unknown>((v) => typeof v === 'function', 'must be a function').optional(),
  onAdvanced: z.custom<unknown>((v) => typeof v === 'function', 'must be a function').optional(),
  batchSize: z.number().int().positive().optional(),
});

/**
 * Creates a {@link LifecycleService} over the storage ports. States live in the document collection
 * `lifecycle:<machine id>`, histories in the event streams `lifecycle:<machine id>:<entity id>`.
 *
 * @example
 * ```ts
 * import { createMemoryStorage, createManualClock } from '@crmkit/core';
 * const clock = createManualClock('2026-01-01T00:00:00Z');
 * const tickets = createLifecycleService({ machine: serviceTicket(), storage: createMemoryStorage(), clock });
 * await tickets.start('t1', { context: { level: 'immediate' } });
 * clock.advance({ minutes: 20 });
 * await tickets.tick(); // t1 → responseOverdue, effect sla.breached
 * ```
 */
export function createLifecycleService<S extends string, E extends string>(
  options: LifecycleServiceOptions<S, E>,
): LifecycleService<S, E> {
  parseWith(ServiceOptionsSchema, 'lifecycle service options', options);
  const { machine, storage, clock } = options;
  compiledOf(machine);
  const namespace =
    parseWith(IdSchema.optional(), 'lifecycle service namespace', options.namespace) ??
    `lifecycle:${machine.id}`;
  const streamOf = (id: string) => `${namespace}:${id}`;
  const entityId = (id: unknown) => parseWith(IdSchema, 'lifecycle entity id', id);

  const toEntity = (id: string, version: number, data: Doc): EntityState<S> => ({
    id,
    state: data.state as S,
    since: new Date(data.since),
    version,
    sequence: data.sequence,
    ...(data.context === undefined ? {} : { context: data.context }),
  });

  const read = async (id: string) => {
    const doc = await storage.documents.get(namespace, id);
    return doc === undefined ? undefined : { version: doc.version, data: DocSchema.parse(doc.data) };
  };

  const toJsonEffects = (effects: readonly Effect[]) =>
    effects.map((e) => ({
      type: e.type,
      ...(e.params === undefined ? {} : { params: e.params as Record<string, JsonValue> }),
      phase: e.phase,
      state: e.state,
    }));

  /** Appends the entries and stores the new document together, both checked against what was read. */
  const write = async (
    id: string,
    version: number | null,
    sequence: number,
    entries: HistoryEntry[],
    data: Doc,
  ) => {
    const stream = streamOf(id);
    return storage.withTransaction(async (tx) => {
      await tx.events.append(
        stream,
        entries.map((entry) => ({
          id: `${stream}:${entry.sequence}`,
          type: 'lifecycle.transition',
          data: entry as unknown as JsonValue,
          occurredAt: new Date(entry.at),
        })),
        { expectedSequence: sequence },
      );
      return tx.documents.put(namespace, id, data as unknown as JsonValue, { expectedVersion: version });
    });
  };

  async function* history(id: string): AsyncIterable<HistoryEntry> {
    for await (const e of storage.events.read(streamOf(id))) yield HistoryEntrySchema.parse(e.data);
  }

  const record = (o: { by?: string | undefined; reason?: string | undefined }) => ({
    ...(o.by === undefined ? {} : { by: o.by }),
    ...(o.reason === undefined ? {} : { reason: o.reason }),
  });

  return {
    machine,

    async start(rawId, startOptions = {}) {
      const id = entityId(rawId);
      const o = parseWith(StartOptionsSchema, 'start options', startOptions);
      const at = clock.now().toISOString();
      const entry: HistoryEntry = {
        sequence: 1,
        at,
        from: null,
        to: machine.initial,
        trigger: { kind: 'start' },
        ...(o.context === undefined ? {} : { context: o.context }),
        ...record(o),
        explanation: `started in ${machine.initial}`,
        effects: [],
      };
      const data: Doc = {
        state: machine.initial,
        since: at,
        sequence: 1,
        ...(o.context === undefined ? {} : { context: o.context }),
      };
      try {
        const doc = await write(id, null, 0, [entry], data);
        return toEntity(id, doc.version, data);
      } catch (e) {
        if (isCrmError(e, 'VERSION_CONFLICT')) throw new AlreadyExistsError(`${namespace} entity`, id);
        throw e;
      }
    },

    async get(rawId) {
      const id = entityId(rawId);
      const found = await read(id);
      return found === undefined ? undefined : toEntity(id, found.version, found.data);
    },

    async send(rawId, event, context, sendOptions = {}) {
      const id = entityId(rawId);
      const o = parseWith(SendOptionsSchema, 'send options', sendOptions);
      const payload = parseWith(EventSchema, 'lifecycle event', event);
      const ctx =
        context === undefined ? undefined : parseWith(JsonValueSchema, 'lifecycle context', context);
      const found = await read(id);
      if (found === undefined) throw new NotFoundError(`${namespace} entity`, id);
      if (o.expectedVersion !== undefined && o.expectedVersion !== found.version) {
        throw new VersionConflictError(`${namespace} entity`, id, o.expectedVersion, found.version);
      }
      const used = ctx ?? found.data.context;
      const result = transition(machine, found.data.state as S, payload as MachineEvent<E>, used, {
        explain: true,
      });
      if (!result.taken) {
        if (ctx === undefined || JSON.stringify(ctx) === JSON.stringify(found.data.context)) {
          return { entity: toEntity(id, found.version, found.data), result };
        }
        // Nothing happened, but the figures timers measure from (lastOrderAt, …) did change: keep them.
        const data: Doc = { ...found.data, context: ctx };
        const doc = await storage.documents.put(namespace, id, data as unknown as JsonValue, {
          expectedVersion: found.version,
        });
        return { entity: toEntity(id, doc.version, data), result };
      }
      const at = clock.now().toISOString();
      const entry: HistoryEntry = {
        sequence: found.data.sequence + 1,
        at,
        from: found.data.state,
        to: result.state,
        trigger: { kind: 'event', event: payload },
        ...(used === undefined ? {} : { context: used }),
        ...record(o),
        explanation: result.explanation!.summary,
        effects: toJsonEffects(result.effects),
      };
      const data: Doc = {
        state: result.state,
        since: result.transition!.internal ? found.data.since : at,
        sequence: entry.sequence,
        ...(used === undefined ? {} : { context: used }),
      };
      const doc = await write(id, found.version, found.data.sequence, [entry], data);
      return { entity: toEntity(id, doc.version, data), result, entry };
    },

    async tick(tickOptions = {}) {
      const o = parseWith(TickOptionsSchema, 'tick options', tickOptions);
      const now = o.now ?? clock.now();
      let scanned = 0;
      let advanced = 0;
      let transitions = 0;
      let conflicts = 0;
      const list = storage.documents.list(
        namespace,
        o.batchSize === undefined ? {} : { batchSize: o.batchSize },
      );
      for await (const doc of list) {
        scanned++;
        const data = DocSchema.parse(doc.data);
        const entity = toEntity(doc.id, doc.version, data);
        const context = tickOptions.context === undefined ? data.context : await tickOptions.context(entity);
        const r = advance(machine, entity, now, context);
        if (r.steps.length === 0) continue;
        const entries = r.steps.map(
          (step, i): HistoryEntry => ({
            sequence: data.sequence + 1 + i,
            at: step.at.toISOString(),
            from: step.transition.from,
            to: step.state,
            trigger: { kind: 'timer', timer: step.timer, dueAt: step.at.toISOString() },
            ...(context === undefined ? {} : { context: context as JsonValue }),
            ...record(o),
            explanation: `${step.transition.from} → ${step.state}: timer ${step.timer} ${step.reason}`,
            effects: toJsonEffects(step.effects),
          }),
        );
        const next: Doc = {
          state: r.state,
          since: r.since.toISOString(),
          sequence: data.sequence + entries.length,
          ...(data.context === undefined ? {} : { context: data.context }),
        };
        try {
          const stored = await write(doc.id, doc.version, data.sequence, entries, next);
          advanced++;
          transitions += entries.length;
          await tickOptions.onAdvanced?.(toEntity(doc.id, stored.version, next), entries);
        } catch (e) {
          if (!isCrmError(e, 'VERSION_CONFLICT')) throw e;
          conflicts++;
        }
      }
      return { now, scanned, advanced, transitions, conflicts };
    },

    history: (rawId) => history(entityId(rawId)),

    async replay(rawId) {
      const id = entityId(rawId);
      const found = await read(id);
      if (found === undefined) throw new NotFoundError(`${namespace} entity`, id);
      const entries: HistoryEntry[] = [];
      for await (const e of history(id)) entries.push(e);
      const rebuilt = replay(machine, entries);
      const matches =
        rebuilt.divergences.length === 0 &&
        rebuilt.state === found.data.state &&
        rebuilt.since.getTime() === new Date(found.data.since).getTime();
      return { ...rebuilt, matches };
    },
  };
}
