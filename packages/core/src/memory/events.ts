import { z } from 'zod';
import { AlreadyExistsError, ValidationError, VersionConflictError } from '../errors';
import { JsonValueSchema } from '../json';
import type { EventLog, LogEvent, NewLogEvent } from '../ports';
import { batchSizeOf, deepFreeze, type Scope, type Transactional } from './state';
import { checkIdempotencyKey } from './versions';

const NewEventSchema = z
  .object({
    id: z.string().min(1, 'must not be empty'),
    type: z.string().min(1, 'must not be empty'),
    data: JsonValueSchema,
    occurredAt: z.date({ error: 'must be a valid Date' }),
  })
  .strict();

/**
 * Every stream's events in memory. Appends inside a transaction are
 * remembered so that a rollback truncates them and outside readers only see
 * events up to the committed lengths.
 */
export class EventTables implements Transactional {
  readonly streams = new Map<string, LogEvent[]>();
  readonly all: LogEvent[] = [];
  readonly ids = new Set<string>();
  readonly keys = new Map<string, LogEvent[]>();
  private open: { all: number; streams: Map<string, number>; keys: string[] } | null = null;

  begin(): void {
    this.open = { all: this.all.length, streams: new Map(), keys: [] };
  }

  commit(): void {
    this.open = null;
  }

  rollback(): void {
    if (this.open === null) return;
    for (const event of this.all.splice(this.open.all)) this.ids.delete(event.id);
    for (const [stream, length] of this.open.streams) this.streams.get(stream)?.splice(length);
    for (const key of this.open.keys) this.keys.delete(key);
    this.open = null;
  }

  /** How many of a stream's events are visible in a view. */
  length(stream: string, committed: boolean): number {
    const events = this.streams.get(stream);
    if (events === undefined) return 0;
    if (committed && this.open?.streams.has(stream)) return this.open.streams.get(stream)!;
    return events.length;
  }

  /** How many events are visible across all streams in a view. */
  total(committed: boolean): number {
    return committed && this.open !== null ? this.open.all : this.all.length;
  }

  append(stream: string, events: LogEvent[], key: string | undefined): void {
    if (this.open !== null && !this.open.streams.has(stream)) {
      this.open.streams.set(stream, this.streams.get(stream)?.length ?? 0);
    }
    let list = this.streams.get(stream);
    if (list === undefined) {
      list = [];
      this.streams.set(stream, list);
    }
    for (const event of events) {
      list.push(event);
      this.all.push(event);
      this.ids.add(event.id);
    }
    if (key !== undefined) {
      this.keys.set(key, events);
      this.open?.keys.push(key);
    }
  }
}

/**
 * The event log over memory tables in a scope.
 */
export function memoryEvents(tables: EventTables, scope: Scope): EventLog {
  const committed = !scope.inTransaction;

  const checkStream = (stream: unknown) => {
    if (typeof stream !== 'string' || stream.length === 0) {
      throw new ValidationError('event stream', [
        { path: ['stream'], message: 'must be a non-empty string', code: 'custom' },
      ]);
    }
  };

  return {
    async append(stream, events, options) {
      checkStream(stream);
      checkIdempotencyKey(options?.idempotencyKey, 'event');
      const expected = options?.expectedSequence;
      if (expected !== undefined && (!Number.isInteger(expected) || expected < 0)) {
        throw new ValidationError('event options', [
          { path: ['expectedSequence'], message: 'must be a whole number >= 0', code: 'custom' },
        ]);
      }
      const parsed = z.array(NewEventSchema).min(1, 'must hold at least one event').safeParse(events);
      if (!parsed.success) throw ValidationError.fromZod('events', parsed.error);
      const seen = new Set<string>();
      for (const e of parsed.data) {
        if (seen.has(e.id)) throw new AlreadyExistsError('event', e.id);
        seen.add(e.id);
      }
      scope.check();
      return scope.write(() => {
        const key = options?.idempotencyKey;
        const previous = key === undefined ? undefined : tables.keys.get(key);
        if (previous !== undefined) return [...previous];
        const last = tables.length(stream, false);
        if (expected !== undefined && expected !== last) {
          throw new VersionConflictError('event stream', stream, expected, last);
        }
        for (const e of parsed.data) if (tables.ids.has(e.id)) throw new AlreadyExistsError('event', e.id);
        const start = tables.all.length;
        const appended = parsed.data.map((e: NewLogEvent, i) =>
          deepFreeze({
            id: e.id,
            type: e.type,
            data: e.data,
            occurredAt: new Date(e.occurredAt.getTime()),
            stream,
            sequence: last + i + 1,
            position: start + i + 1,
          }),
        );
        tables.append(stream, appended, key);
        return [...appended];
      });
    },

    async *read(stream, query = {}) {
      checkStream(stream);
      const size = batchSizeOf(query);
      const from = query.fromSequence ?? 1;
      if (!Number.isInteger(from) || from < 1) {
        throw new ValidationError('event query', [
          { path: ['fromSequence'], message: 'must be a whole number >= 1', code: 'custom' },
        ]);
      }
      scope.check();
      let next = from - 1;
      for (;;) {
        scope.check();
        const end = Math.min(tables.length(stream, committed), next + size);
        if (next >= end) return;
        const batch = tables.streams.get(stream)!.slice(next, end);
        next = end;
        yield* batch;
      }
    },

    async *readAll(query = {}) {
      const size = batchSizeOf(query);
      const after = query.afterPosition ?? 0;
      if (!Number.isInteger(after) || after < 0) {
        throw new ValidationError('event query', [
          { path: ['afterPosition'], message: 'must be a whole number >= 0', code: 'custom' },
        ]);
      }
      scope.check();
      let next = after;
      for (;;) {
        scope.check();
        const end = Math.min(tables.total(committed), next + size);
        if (next >= end) return;
        const batch = tables.all.slice(next, end);
        next = end;
        yield* batch;
      }
    },

    async lastSequence(stream) {
      checkStream(stream);
      scope.check();
      return tables.length(stream, committed);
    },
  };
}
