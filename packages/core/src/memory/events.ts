import { z } from 'zod';
import { AlreadyExistsError, ValidationError, VersionConflictError } from '../errors';
import type { JsonValue } from '../json';
import type { EventLog, LogEvent } from '../ports';
import { IdSchema, parseWith } from '../primitives';
import { BatchSizeSchema, checkAppendOptions, DEFAULT_BATCH_SIZE, isId, isPlain } from './checks';
import type { EventTable, EventView } from './event-table';
import { JsonCopier } from './frozen-json';
import { once } from './idempotency';
import type { Scope } from './scope';
import type { Table } from './table';

/** The memory tables of the event log: the events, and the log's idempotency keys. */
export interface EventTables {
  readonly log: EventTable;
  readonly keys: Table<unknown>;
}

// `data` is checked (and copied) by `JsonCopier`, after the shape of the events
const NewEventSchema = z.object({
  id: IdSchema,
  type: z.string().min(1, 'must not be empty'),
  data: z.unknown(),
  occurredAt: z.date({ error: 'must be a valid Date' }),
});

const EventsSchema = z.array(NewEventSchema).min(1, 'must hold at least one event');

type CheckedEvent = { id: string; type: string; data: JsonValue; occurredAt: Date };

/** Whether an event has the shape `NewEventSchema` accepts (checked by hand: appends are a hot path). */
function isEventShape(event: unknown): event is CheckedEvent {
  if (!isPlain(event)) return false;
  const { id, type, occurredAt } = event;
  return (
    isId(id) &&
    typeof type === 'string' &&
    type.length > 0 &&
    occurredAt instanceof Date &&
    !Number.isNaN(occurredAt.getTime())
  );
}

/**
 * Checks the events of an append and copies each one's data into a deeply
 * frozen copy (issue paths `[index, 'data', …]`); throws `ValidationError`
 * naming every bad field.
 */
function checkEvents(events: unknown): CheckedEvent[] {
  const shaped =
    Array.isArray(events) && events.length > 0 && events.every(isEventShape)
      ? events
      : parseWith(EventsSchema, 'events', events);
  const copier = new JsonCopier();
  const checked = shaped.map(({ id, type, data, occurredAt }, i) => ({
    id,
    type,
    data: copier.copy(data, [i, 'data']),
    occurredAt,
  }));
  if (copier.issues.length > 0) throw new ValidationError('events', copier.issues);
  return checked;
}

const ReadQuerySchema = z.object({
  batchSize: BatchSizeSchema,
  fromSequence: z.number().int('must be a whole number').min(1, 'must be at least 1').optional(),
});

const ReadAllQuerySchema = z.object({
  batchSize: BatchSizeSchema,
  afterPosition: z.number().int('must be a whole number').min(0, 'must be at least 0').optional(),
});

/**
 * Streams the events from index `start` up to the end the log had when the
 * stream started, in batches. Committed events never change or move, so
 * reading by index is safe while others append; fixing the end keeps a
 * consumer that appends while it reads from chasing its own events.
 */
async function* slices(
  open: () => EventView,
  slice: (view: EventView, start: number, count: number) => LogEvent[],
  length: (view: EventView) => number,
  start: number,
  batchSize: number,
): AsyncGenerator<LogEvent> {
  const end = length(open());
  for (let next = start; next < end; next += batchSize) {
    yield* slice(open(), next, Math.min(batchSize, end - next));
  }
}

/**
 * The event log over memory tables, in a scope (see `EventLog` in the
 * ports). An append checks every event and the expected sequence before it
 * appends any.
 */
export function memoryEvents(tables: EventTables, scope: Scope): EventLog {
  const streamName = (stream: unknown) =>
    isId(stream) ? stream : parseWith(IdSchema, 'event stream', stream);

  return {
    async append(stream, events, options) {
      const name = streamName(stream);
      const { expectedSequence, idempotencyKey } = checkAppendOptions('event append options', options);
      const checked = checkEvents(events);
      const appended = await scope.write(() =>
        once(scope, tables.keys, idempotencyKey, () => {
          const log = scope.events(tables.log);
          const last = log.lastSequence(name);
          if (expectedSequence !== undefined && expectedSequence !== last) {
            throw new VersionConflictError('event stream', name, expectedSequence, last);
          }
          const ids = new Set<string>();
          for (const { id } of checked) {
            if (ids.has(id) || log.hasId(id)) throw new AlreadyExistsError('event', id);
            ids.add(id);
          }
          const position = log.lastPosition();
          const numbered = checked.map(
            (event, i): LogEvent =>
              Object.freeze({
                id: event.id,
                type: event.type,
                data: event.data,
                occurredAt: new Date(event.occurredAt.getTime()),
                stream: name,
                sequence: last + i + 1,
                position: position + i + 1,
              }),
          );
          log.append(name, numbered);
          return Object.freeze(numbered);
        }),
      );
      return [...appended];
    },

    async *read(stream, query) {
      const name = streamName(stream);
      const checked = parseWith(ReadQuerySchema, 'event read query', query ?? {});
      yield* slices(
        () => scope.events(tables.log),
        (view, start, count) => view.streamSlice(name, start, count),
        (view) => view.lastSequence(name),
        (checked.fromSequence ?? 1) - 1,
        checked.batchSize ?? DEFAULT_BATCH_SIZE,
      );
    },

    async *readAll(query) {
      const checked = parseWith(ReadAllQuerySchema, 'event readAll query', query ?? {});
      yield* slices(
        () => scope.events(tables.log),
        (view, start, count) => view.allSlice(start, count),
        (view) => view.lastPosition(),
        checked.afterPosition ?? 0,
        checked.batchSize ?? DEFAULT_BATCH_SIZE,
      );
    },

    async lastSequence(stream) {
      const name = streamName(stream);
      return scope.events(tables.log).lastSequence(name);
    },
  };
}
