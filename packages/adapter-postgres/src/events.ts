import {
  AlreadyExistsError,
  type AppendOptions,
  type EventLog,
  IdSchema,
  type JsonValue,
  JsonValueSchema,
  type LogEvent,
  type NewLogEvent,
  parseWith,
  VersionConflictError,
} from '@crmkit/core';
import { z } from 'zod';
import type { Executor, Row } from './driver';
import { checkIdempotencyKey, once, type ResultCodec } from './idempotency';
import { batchSizeSchema } from './records';
import type { Session } from './session';
import { assertStorable } from './storable';
import type { Tables } from './tables';

const NewEventSchema = z.object({
  id: IdSchema,
  type: z.string().min(1, 'must not be empty'),
  data: JsonValueSchema,
  occurredAt: z.date({ error: 'must be a valid Date' }),
});

const EventsSchema = z.array(NewEventSchema).min(1, 'must hold at least one event');

const AppendOptionsSchema = z.object({
  expectedSequence: z.number().int('must be a whole number').min(0, 'must be at least 0').optional(),
  idempotencyKey: z.unknown().optional(),
});

const ReadSchema = z
  .object({
    batchSize: batchSizeSchema,
    fromSequence: z.number().int('must be a whole number').min(1, 'must be at least 1').optional(),
  })
  .strict();

const ReadAllSchema = z
  .object({
    batchSize: batchSizeSchema,
    afterPosition: z.number().int('must be a whole number').min(0, 'must be at least 0').optional(),
  })
  .strict();

const COLUMNS = `stream, sequence, position::float8 AS position, id, type, data::text AS data,
  round(extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_ms`;

const eventsCodec: ResultCodec<LogEvent[]> = {
  encode: (events) => JSON.stringify(events),
  decode: (json) =>
    (JSON.parse(json) as (Omit<LogEvent, 'occurredAt'> & { occurredAt: string })[]).map((e) => ({
      ...e,
      occurredAt: new Date(e.occurredAt),
    })),
};

function checkStream(stream: unknown): string {
  const name = parseWith(IdSchema, 'event stream', stream);
  assertStorable('event stream', name);
  return name;
}

function fromRow(row: Row): LogEvent {
  return {
    stream: String(row['stream']),
    sequence: Number(row['sequence']),
    position: Number(row['position']),
    id: String(row['id']),
    type: String(row['type']),
    data: JSON.parse(String(row['data'])) as JsonValue,
    occurredAt: new Date(Number(row['occurred_ms'])),
  };
}

/**
 * Append-only streams in one table. Every append locks the single-row
 * `event_log_head` table to take its positions, so appends commit one at a
 * time and in position order: a reader following `readAll` never sees a
 * position appear after a higher one.
 */
export function eventLog(session: Session, tables: Tables, defaultBatchSize: number): EventLog {
  const table = tables.events;

  async function lastSequenceOf(q: Executor | Session, stream: string): Promise<number> {
    const [row] = await q.query(`SELECT coalesce(max(sequence), 0) AS last FROM ${table} WHERE stream = $1`, [
      stream,
    ]);
    return Number(row!['last']);
  }

  async function insert(q: Executor, stream: string, events: readonly NewLogEvent[], expected?: number) {
    const [head] = await q.query(
      `UPDATE ${tables.eventHead} SET position = position + $1 RETURNING position::float8 AS position`,
      [events.length],
    );
    const last = await lastSequenceOf(q, stream);
    if (expected !== undefined && expected !== last) {
      throw new VersionConflictError('event stream', stream, expected, last);
    }
    const ids = JSON.stringify(events.map((e) => e.id));
    const [taken] = await q.query(
      `SELECT id FROM ${table} WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)) LIMIT 1`,
      [ids],
    );
    if (taken !== undefined) throw new AlreadyExistsError('event', String(taken['id']));
    const first = Number(head!['position']) - events.length + 1;
    const appended: LogEvent[] = events.map((e, i) => ({
      ...e,
      stream,
      sequence: last + 1 + i,
      position: first + i,
    }));
    await q.query(
      `INSERT INTO ${table} (position, stream, sequence, id, type, data, occurred_at)
       SELECT r.position, $1, r.sequence, r.id, r.type, r.data::jsonb, r.occurred_at
       FROM jsonb_to_recordset($2::jsonb)
         AS r(position bigint, sequence integer, id text, type text, data text, occurred_at timestamptz)`,
      [
        stream,
        JSON.stringify(
          appended.map((e) => ({
            position: e.position,
            sequence: e.sequence,
            id: e.id,
            type: e.type,
            // As text: a JSON null in a recordset would become SQL NULL.
            data: JSON.stringify(e.data),
            occurred_at: e.occurredAt.toISOString(),
          })),
        ),
      ],
    );
    return appended;
  }

  return {
    async append(stream: string, events: readonly NewLogEvent[], options?: AppendOptions) {
      const name = checkStream(stream);
      const batch = parseWith(EventsSchema, 'events', events);
      assertStorable('events', batch);
      const checked = parseWith(AppendOptionsSchema, 'event append options', options ?? {});
      const key = checkIdempotencyKey('event append options', checked.idempotencyKey);
      const seen = new Set<string>();
      for (const event of batch) {
        if (seen.has(event.id)) throw new AlreadyExistsError('event', event.id);
        seen.add(event.id);
      }
      return session.atomic((q) =>
        once(q, tables.idempotency, 'events', key, eventsCodec, () =>
          insert(q, name, batch, checked.expectedSequence),
        ),
      );
    },

    async *read(
      stream: string,
      query?: { readonly batchSize?: number; readonly fromSequence?: number },
    ): AsyncGenerator<LogEvent> {
      const name = checkStream(stream);
      const checked = parseWith(ReadSchema, 'event read query', query ?? {});
      const batchSize = checked.batchSize ?? defaultBatchSize;
      // The stream's end is fixed when reading starts, so appends made while
      // the reader works cannot keep it going for ever.
      const last = await lastSequenceOf(session, name);
      let from = checked.fromSequence ?? 1;
      while (from <= last) {
        const rows = await session.query(
          `SELECT ${COLUMNS} FROM ${table} WHERE stream = $1 AND sequence >= $2 AND sequence <= $3
           ORDER BY sequence LIMIT ${batchSize}`,
          [name, from, last],
        );
        for (const row of rows) {
          const event = fromRow(row);
          from = event.sequence + 1;
          yield event;
        }
        if (rows.length < batchSize) return;
      }
    },

    async *readAll(query?: {
      readonly batchSize?: number;
      readonly afterPosition?: number;
    }): AsyncGenerator<LogEvent> {
      const checked = parseWith(ReadAllSchema, 'event readAll query', query ?? {});
      const batchSize = checked.batchSize ?? defaultBatchSize;
      const [head] = await session.query(`SELECT position::float8 AS position FROM ${tables.eventHead}`);
      const last = Number(head!['position']);
      let after = checked.afterPosition ?? 0;
      while (after < last) {
        const rows = await session.query(
          `SELECT ${COLUMNS} FROM ${table} WHERE position > $1 AND position <= $2
           ORDER BY position LIMIT ${batchSize}`,
          [after, last],
        );
        for (const row of rows) {
          const event = fromRow(row);
          after = event.position;
          yield event;
        }
        if (rows.length < batchSize) return;
      }
    },

    async lastSequence(stream: string) {
      return lastSequenceOf(session, checkStream(stream));
    },
  };
}
