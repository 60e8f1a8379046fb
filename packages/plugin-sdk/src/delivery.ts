import {
  type Clock,
  type DomainEvent,
  type JsonValue,
  type LogEvent,
  NotFoundError,
  type Storage,
} from '@crmkit/core';
import { z } from 'zod';
import { decodePayload } from './codec';
import type { Logger } from './logger';

/** Event stream that holds every domain event the host published, in order. */
export const OUTBOX_STREAM = 'crmkit.outbox';
const STATE = 'crmkit.delivery';
const DEAD = 'crmkit.dead-letters';

/**
 * How the host retries a plugin that threw: `maxAttempts` attempts in all,
 * waiting `initialDelayMs`, then `factor` times longer each time, never more
 * than `maxDelayMs`. After the last failed attempt the event goes to the
 * dead-letter list.
 *
 * @example
 * ```ts
 * RetryPolicySchema.parse({ maxAttempts: 3, initialDelayMs: 500 }); // factor 2, maxDelayMs 3_600_000
 * ```
 */
export const RetryPolicySchema = z
  .object({
    maxAttempts: z.number().int().min(1).default(5),
    initialDelayMs: z.number().int().nonnegative().default(1000),
    factor: z.number().min(1).default(2),
    maxDelayMs: z.number().int().nonnegative().default(3_600_000),
  })
  .strict();

/**
 * A validated retry policy (see {@link RetryPolicySchema}).
 *
 * @example
 * ```ts
 * const policy: RetryPolicy = { maxAttempts: 5, initialDelayMs: 1000, factor: 2, maxDelayMs: 60_000 };
 * ```
 */
export type RetryPolicy = z.output<typeof RetryPolicySchema>;

/**
 * The wait before the next attempt after `failedAttempts` failed attempts.
 *
 * @example
 * ```ts
 * backoffDelay({ maxAttempts: 5, initialDelayMs: 1000, factor: 2, maxDelayMs: 60_000 }, 3); // 4000
 * ```
 */
export function backoffDelay(policy: RetryPolicy, failedAttempts: number): number {
  return Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.factor ** Math.max(0, failedAttempts - 1),
  );
}

/**
 * Wakes the host when a retry falls due. Without one, retries run on the next
 * `crm.tick()` (call it from a cron or an interval), or in tests on
 * `host.advance()`.
 *
 * @example
 * ```ts
 * const scheduler: Scheduler = { schedule: (ms, wake) => setTimeout(wake, ms).unref() };
 * ```
 */
export interface Scheduler {
  /** Calls `wake` in about `delayMs` milliseconds. */
  schedule(delayMs: number, wake: () => void): void;
}

/**
 * A {@link Scheduler} on Node's timers (unref'd, so it never keeps a process
 * alive).
 *
 * @example
 * ```ts
 * const crm = await createCrm({ clock: systemClock, plugins, scheduler: timerScheduler() });
 * ```
 */
export function timerScheduler(): Scheduler {
  return {
    schedule(delayMs, wake) {
      const timer = setTimeout(wake, delayMs);
      (timer as { unref?: () => void }).unref?.();
    },
  };
}

/**
 * An event a plugin failed to handle `attempts` times, kept until it is
 * replayed or discarded.
 *
 * @example
 * ```ts
 * for (const dl of await crm.deadLetters.list({ plugin: 'loyalty' })) console.log(dl.type, dl.error);
 * ```
 */
export interface DeadLetter {
  /** Its id, for `replay` and `discard`. */
  readonly id: string;
  /** The plugin that failed. */
  readonly plugin: string;
  /** The event's id. */
  readonly eventId: string;
  /** The event's position in the host's outbox. */
  readonly sequence: number;
  /** The event's type. */
  readonly type: string;
  /** The customer it concerns, if any. */
  readonly customerId?: string;
  /** Attempts made. */
  readonly attempts: number;
  /** The last error's message. */
  readonly error: string;
  /** When it was given up (host clock). */
  readonly failedAt: Date;
}

/**
 * How far one plugin is: the last outbox position it was handed and the
 * events waiting for a retry (per customer).
 *
 * @example
 * ```ts
 * const [status] = await crm.deliveryStatus();
 * status?.waiting; // 0 when every event was delivered
 * ```
 */
export interface DeliveryStatus {
  /** The plugin. */
  readonly plugin: string;
  /** Last outbox position handed to it. */
  readonly cursor: number;
  /** Events waiting (the head of each customer's queue is being retried). */
  readonly waiting: number;
  /** The earliest due retry, if any. */
  readonly nextRetryAt?: Date;
}

/** What a handler learns about the delivery. @internal */
export interface DeliveryMeta {
  readonly attempt: number;
  readonly idempotencyKey: string;
}

/** A subscriber as the dispatcher sees it. @internal */
export interface Subscriber {
  readonly name: string;
  /** Whether it handles this event type. */
  handles(type: string): boolean;
  /** Runs its handlers; throws when one fails. */
  deliver(event: DomainEvent, meta: DeliveryMeta): Promise<void>;
}

type QueueItem = { seq: number; attempts: number; dueAt: string | null; error: string | null };
type State = { cursor: number; queues: Record<string, QueueItem[]> };

const SAVE_EVERY = 100;

const partitionOf = (customerId: string | undefined) => customerId ?? '';

/** Turns an outbox entry back into a domain event. @internal */
export function fromLog(log: LogEvent): DomainEvent {
  const data = log.data as { customerId: string | null; payload: JsonValue };
  return {
    id: log.id,
    type: log.type,
    occurredAt: log.occurredAt,
    ...(data.customerId === null ? {} : { customerId: data.customerId }),
    data: decodePayload(data.payload),
  } as DomainEvent;
}

/**
 * Delivers outbox events to subscribers: in outbox order per customer, at
 * least once, each subscriber isolated from the others, with retries and
 * dead letters. Its state lives in the storage, so a new dispatcher over the
 * same storage continues where the last one stopped. @internal
 */
export class Dispatcher {
  private readonly states = new Map<string, State>();
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly retry: RetryPolicy,
    private readonly subscribers: readonly Subscriber[],
    private readonly scheduler: Scheduler | undefined,
    private readonly wake: () => void,
  ) {}

  /** Loads each subscriber's state; a new subscriber starts at the end of the outbox. */
  async load(): Promise<void> {
    const end = await this.storage.events.lastSequence(OUTBOX_STREAM);
    for (const s of this.subscribers) {
      const doc = await this.storage.documents.get(STATE, s.name);
      if (doc) this.states.set(s.name, structuredClone(doc.data) as unknown as State);
      else {
        const state: State = { cursor: end, queues: {} };
        this.states.set(s.name, state);
        await this.save(s.name);
      }
    }
  }

  /** Delivers everything that is due; concurrent calls share one run. */
  pump(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while (await this.pass()) {}
        } while (this.again);
      } catch (error) {
        this.logger.error('event delivery stopped; it resumes on the next tick', { error });
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  status(): DeliveryStatus[] {
    return this.subscribers.map((s) => {
      const state = this.state(s.name);
      let waiting = 0;
      let next: string | undefined;
      for (const queue of Object.values(state.queues)) {
        waiting += queue.length;
        const due = queue[0]?.dueAt;
        if (due && (next === undefined || due < next)) next = due;
      }
      return {
        plugin: s.name,
        cursor: state.cursor,
        waiting,
        ...(next ? { nextRetryAt: new Date(next) } : {}),
      };
    });
  }

  async listDeadLetters(
    filter: { plugin?: string; customerId?: string; type?: string } = {},
  ): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    const query = filter.plugin === undefined ? {} : { prefix: `${filter.plugin}:` };
    for await (const doc of this.storage.documents.list(DEAD, query)) {
      const dl = toDeadLetter(doc.id, doc.data);
      if (filter.plugin !== undefined && dl.plugin !== filter.plugin) continue;
      if (filter.customerId !== undefined && dl.customerId !== filter.customerId) continue;
      if (filter.type !== undefined && dl.type !== filter.type) continue;
      out.push(dl);
    }
    return out.sort((a, b) => a.sequence - b.sequence || (a.plugin < b.plugin ? -1 : 1));
  }

  /** Puts a dead letter back in its customer's queue and delivers it. */
  async replay(id: string): Promise<void> {
    await this.settle();
    const doc = await this.storage.documents.get(DEAD, id);
    if (!doc) throw new NotFoundError('dead letter', id);
    const dl = toDeadLetter(doc.id, doc.data);
    const state = this.states.get(dl.plugin);
    if (!state) throw new NotFoundError('plugin', dl.plugin);
    const key = partitionOf(dl.customerId);
    const queue = state.queues[key] ?? [];
    state.queues[key] = queue;
    queue.push({ seq: dl.sequence, attempts: 0, dueAt: null, error: null });
    try {
      await this.storage.withTransaction(async (tx) => {
        await tx.documents.delete(DEAD, id);
        await tx.documents.put(STATE, dl.plugin, state as unknown as JsonValue);
      });
    } catch (error) {
      queue.pop();
      if (queue.length === 0) delete state.queues[key];
      throw error;
    }
    await this.pump();
  }

  async discard(id: string): Promise<void> {
    await this.storage.documents.delete(DEAD, id);
  }

  /** Whether a delivery run is under way. */
  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Waits until no delivery run is under way. */
  async settle(): Promise<void> {
    while (this.running) await this.running;
  }

  private state(name: string): State {
    const state = this.states.get(name);
    if (!state) throw new Error(`dispatcher not loaded for ${name}`);
    return state;
  }

  private async save(name: string): Promise<void> {
    await this.storage.documents.put(STATE, name, this.state(name) as unknown as JsonValue);
  }

  private async readAt(seq: number): Promise<DomainEvent | undefined> {
    for await (const log of this.storage.events.read(OUTBOX_STREAM, { fromSequence: seq, batchSize: 1 })) {
      return log.sequence === seq ? fromLog(log) : undefined;
    }
    return undefined;
  }

  /** One pass: due retries, then new outbox events. Tells whether it did anything. */
  private async pass(): Promise<boolean> {
    let worked = false;
    for (const s of this.subscribers) {
      const state = this.state(s.name);
      for (const key of Object.keys(state.queues)) {
        if (await this.drainQueue(s, state, key)) worked = true;
      }
    }
    let from = Number.POSITIVE_INFINITY;
    for (const s of this.subscribers) from = Math.min(from, this.state(s.name).cursor + 1);
    if (!Number.isFinite(from)) return worked;
    // Progress is saved every SAVE_EVERY events and at the end of the pass; a crash in between
    // redelivers those events (at least once), never skips one.
    const moved = new Set<string>();
    let unsaved = 0;
    for await (const log of this.storage.events.read(OUTBOX_STREAM, { fromSequence: from })) {
      let event: DomainEvent | undefined;
      for (const s of this.subscribers) {
        const state = this.state(s.name);
        if (state.cursor >= log.sequence) continue;
        state.cursor = log.sequence;
        moved.add(s.name);
        worked = true;
        if (!s.handles(log.type)) continue;
        event ??= fromLog(log);
        const key = partitionOf(event.customerId);
        const queue = state.queues[key];
        if (queue && queue.length > 0) {
          queue.push({ seq: log.sequence, attempts: 0, dueAt: null, error: null });
          continue;
        }
        const item: QueueItem = { seq: log.sequence, attempts: 0, dueAt: null, error: null };
        if (!(await this.attempt(s, state, key, item, event, true))) moved.delete(s.name);
      }
      if (++unsaved >= SAVE_EVERY) {
        for (const name of moved) await this.save(name);
        moved.clear();
        unsaved = 0;
      }
    }
    for (const name of moved) await this.save(name);
    return worked;
  }

  /** Retries the head of a queue while it is due. */
  private async drainQueue(s: Subscriber, state: State, key: string): Promise<boolean> {
    let worked = false;
    const now = this.clock.now().toISOString();
    for (;;) {
      const head = state.queues[key]?.[0];
      if (!head) {
        delete state.queues[key];
        return worked;
      }
      if (head.dueAt !== null && head.dueAt > now) return worked;
      worked = true;
      const event = await this.readAt(head.seq);
      if (!event) {
        this.logger.error('outbox event missing; skipped', { plugin: s.name, sequence: head.seq });
        state.queues[key]?.shift();
        await this.save(s.name);
        continue;
      }
      if (!(await this.attempt(s, state, key, head, event, false))) return worked;
    }
  }

  /**
   * Delivers one event to one subscriber. `fresh` items are not in the queue
   * yet: on failure they become its head. Returns whether the queue may go on.
   */
  private async attempt(
    s: Subscriber,
    state: State,
    key: string,
    item: QueueItem,
    event: DomainEvent,
    fresh: boolean,
  ): Promise<boolean> {
    item.attempts++;
    try {
      await s.deliver(event, { attempt: item.attempts, idempotencyKey: event.id });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      item.error = message;
      if (item.attempts >= this.retry.maxAttempts) {
        if (!fresh) state.queues[key]?.shift();
        if (state.queues[key]?.length === 0) delete state.queues[key];
        await this.deadLetter(s.name, state, event, item, message);
        return true;
      }
      const delay = backoffDelay(this.retry, item.attempts);
      item.dueAt = new Date(this.clock.now().getTime() + delay).toISOString();
      if (fresh) state.queues[key] = [item];
      await this.save(s.name);
      this.logger.warn('plugin failed to handle an event; will retry', {
        plugin: s.name,
        eventId: event.id,
        type: event.type,
        attempt: item.attempts,
        retryInMs: delay,
        error: message,
      });
      this.scheduler?.schedule(delay, this.wake);
      return false;
    }
    if (!fresh) {
      state.queues[key]?.shift();
      if (state.queues[key]?.length === 0) delete state.queues[key];
      await this.save(s.name);
    }
    return true;
  }

  private async deadLetter(
    plugin: string,
    state: State,
    event: DomainEvent,
    item: QueueItem,
    error: string,
  ): Promise<void> {
    const id = `${plugin}:${item.seq}`;
    const data = {
      plugin,
      eventId: event.id,
      sequence: item.seq,
      type: event.type,
      customerId: event.customerId ?? null,
      attempts: item.attempts,
      error,
      failedAt: this.clock.now().toISOString(),
    };
    await this.storage.withTransaction(async (tx) => {
      await tx.documents.put(DEAD, id, data);
      await tx.documents.put(STATE, plugin, state as unknown as JsonValue);
    });
    this.logger.error('plugin gave up on an event; moved to the dead-letter list', {
      plugin,
      eventId: event.id,
      type: event.type,
      attempts: item.attempts,
      error,
      deadLetter: id,
    });
  }
}

function toDeadLetter(id: string, raw: JsonValue): DeadLetter {
  const d = raw as {
    plugin: string;
    eventId: string;
    sequence: number;
    type: string;
    customerId: string | null;
    attempts: number;
    error: string;
    failedAt: string;
  };
  return {
    id,
    plugin: d.plugin,
    eventId: d.eventId,
    sequence: d.sequence,
    type: d.type,
    ...(d.customerId === null ? {} : { customerId: d.customerId }),
    attempts: d.attempts,
    error: d.error,
    failedAt: new Date(d.failedAt),
  };
}
