import {
  AlreadyExistsError,
  NotFoundError,
  parseWith,
  type Repository,
  type StreamOptions,
  type UpdateOptions,
  ValidationError,
  VersionConflictError,
  type Versioned,
  type WriteOptions,
} from '@crmkit/core';
import { z } from 'zod';
import type { Executor, Row } from './driver';
import { checkIdempotencyKey, once, type ResultCodec } from './idempotency';
import type { Session } from './session';
import { assertStorable } from './storable';
import type { Tables } from './tables';

/** A column besides `id`, `version` and `data`: its SQL type and how to read it off a record. */
export interface Column<T> {
  readonly name: string;
  readonly type: 'text' | 'timestamptz' | 'numeric';
  of(value: T): string;
}

/** A query as zod parses it: every field optional, possibly `undefined`. */
export type Parsed<Query> = { readonly [K in keyof Query]?: Query[K] | undefined };

/** Everything that makes customers, orders, interactions and campaigns differ in storage. */
export interface RecordKind<T extends { readonly id: string }, Query extends StreamOptions> {
  /** Singular name used in errors (`'order'`). */
  readonly entity: string;
  /** The table and the idempotency scope. */
  readonly table: 'customers' | 'orders' | 'interactions' | 'campaigns';
  /** The core parser (validates input, and re-reads stored JSON into the same object). */
  parse(input: unknown): T;
  /** The record as JSON text that `parse` reads back into an equal record. */
  encode(value: T): string;
  /** Columns queried or sorted on, kept beside the JSON. */
  readonly columns: readonly Column<T>[];
  /** Validates list/count queries. */
  readonly querySchema: z.ZodType<Parsed<Query>>;
  /** SQL conditions of a query; `bind` adds a parameter and returns its `$n`. */
  filters(query: Parsed<Query>, bind: (value: unknown) => string): string[];
  /** The stream order of a query: columns compared as a row for keyset pagination. */
  sort(query: Parsed<Query>): readonly Column<T>[];
}

const ROWS_PER_INSERT = 2000;

const idColumn: Column<{ readonly id: string }> = { name: 'id', type: 'text', of: (v) => v.id };

/** `batchSize` as every query schema accepts it. */
export const batchSizeSchema = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(100_000, 'must be at most 100000')
  .optional();

const IdArgumentSchema = z.string().min(1, 'must not be empty');
const UpdateOptionsSchema = z.object({
  expectedVersion: z.number().int('must be a whole number').min(1, 'must be at least 1'),
  idempotencyKey: z.unknown().optional(),
});

function checkId(entity: string, id: unknown): string {
  const checked = parseWith(IdArgumentSchema, `${entity} id`, id);
  assertStorable(`${entity} id`, checked);
  return checked;
}

/** Parses each input, naming the index of the first bad one in the issue paths. */
function parseEach<T>(entity: string, inputs: unknown, parse: (input: unknown) => T): T[] {
  if (!Array.isArray(inputs)) {
    throw new ValidationError(entity, [{ path: [], message: 'must be an array', code: 'invalid_type' }]);
  }
  return inputs.map((input, index) => {
    let value: T;
    try {
      value = parse(input);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError(
        entity,
        error.issues.map((issue) => ({ ...issue, path: [index, ...issue.path] })),
      );
    }
    assertStorable(entity, value, [index]);
    return value;
  });
}

/** A repository of one record kind over a session (the storage, or a transaction). */
export function recordRepository<T extends { readonly id: string }, Input, Query extends StreamOptions>(
  kind: RecordKind<T, Query>,
  session: Session,
  tables: Tables,
  defaultBatchSize: number,
): Repository<T, Input, Query> {
  const table = tables[kind.table];
  const columns = [idColumn as Column<T>, ...kind.columns];
  const names = columns.map((c) => c.name);
  const versioned: ResultCodec<Versioned<T>> = {
    encode: (r) => `{"version":${r.version},"value":${kind.encode(r.value)}}`,
    decode: (json) => fromStored(JSON.parse(json) as { version: number; value: unknown }),
  };
  const versionedList: ResultCodec<Versioned<T>[]> = {
    encode: (rs) => `[${rs.map((r) => versioned.encode(r)).join(',')}]`,
    decode: (json) => (JSON.parse(json) as { version: number; value: unknown }[]).map(fromStored),
  };
  const nothing: ResultCodec<undefined> = { encode: () => 'null', decode: () => undefined };

  function fromStored(stored: { version: number; value: unknown }): Versioned<T> {
    return { value: kind.parse(stored.value), version: stored.version };
  }

  function fromRow(row: Row): Versioned<T> {
    return fromStored({ version: Number(row['version']), value: JSON.parse(String(row['data'])) });
  }

  function validInput(input: unknown): T {
    const value = kind.parse(input);
    assertStorable(kind.entity, value);
    return value;
  }

  function checkQuery(query: unknown): Parsed<Query> {
    const parsed = parseWith(kind.querySchema, `${kind.entity} query`, query ?? {});
    assertStorable(`${kind.entity} query`, parsed);
    return parsed;
  }

  /** Explains why a conditional update or delete touched no row. */
  async function missOf(q: Executor, id: string, expected: number): Promise<Error> {
    const [row] = await q.query(`SELECT version FROM ${table} WHERE id = $1`, [id]);
    return row === undefined
      ? new NotFoundError(kind.entity, id)
      : new VersionConflictError(kind.entity, id, expected, Number(row['version']));
  }

  async function insertChunk(q: Executor, values: readonly T[]): Promise<void> {
    const json = values
      .map((value) => {
        const fields = columns.map((c) => `${JSON.stringify(c.name)}:${JSON.stringify(c.of(value))}`);
        return `{${fields.join(',')},"data":${kind.encode(value)}}`;
      })
      .join(',');
    const definition = [...columns.map((c) => `${c.name} ${c.type}`), 'data jsonb'].join(', ');
    const inserted = await q.query(
      `INSERT INTO ${table} (${names.join(', ')}, version, data)
       SELECT ${names.map((n) => `r.${n}`).join(', ')}, 1, r.data
       FROM jsonb_to_recordset($1::jsonb) AS r(${definition})
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [`[${json}]`],
    );
    if (inserted.length === values.length) return;
    const landed = new Set(inserted.map((r) => String(r['id'])));
    throw new AlreadyExistsError(kind.entity, values.find((v) => !landed.has(v.id))!.id);
  }

  function writeOptions(options: unknown): string | undefined {
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new ValidationError(`${kind.entity} write options`, [
        { path: [], message: 'must be an object', code: 'invalid_type' },
      ]);
    }
    return checkIdempotencyKey(
      `${kind.entity} write options`,
      (options as WriteOptions | undefined)?.idempotencyKey,
    );
  }

  const repository: Repository<T, Input, Query> = {
    async create(input: Input, options?: WriteOptions) {
      const value = validInput(input);
      const key = writeOptions(options);
      return session.atomic((q) =>
        once(q, tables.idempotency, kind.table, key, versioned, async () => {
          await insertChunk(q, [value]);
          return { value, version: 1 };
        }),
      );
    },

    async createMany(inputs: readonly Input[], options?: WriteOptions) {
      const values = parseEach(kind.entity, inputs, kind.parse);
      const key = writeOptions(options);
      const seen = new Set<string>();
      for (const value of values) {
        if (seen.has(value.id)) throw new AlreadyExistsError(kind.entity, value.id);
        seen.add(value.id);
      }
      if (values.length === 0 && key === undefined) return [];
      return session.atomic((q) =>
        once(q, tables.idempotency, kind.table, key, versionedList, async () => {
          for (let start = 0; start < values.length; start += ROWS_PER_INSERT) {
            await insertChunk(q, values.slice(start, start + ROWS_PER_INSERT));
          }
          return values.map((value) => ({ value, version: 1 }));
        }),
      );
    },

    async get(id: string) {
      const checked = checkId(kind.entity, id);
      const [row] = await session.query(`SELECT version, data::text AS data FROM ${table} WHERE id = $1`, [
        checked,
      ]);
      return row === undefined ? undefined : fromRow(row);
    },

    async update(id: string, input: Input, options: UpdateOptions) {
      const checked = checkId(kind.entity, id);
      const value = validInput(input);
      if (value.id !== checked) {
        throw new ValidationError(kind.entity, [
          {
            path: ['id'],
            message: `must be ${JSON.stringify(checked)}, the id being updated`,
            code: 'custom',
          },
        ]);
      }
      const { expectedVersion } = parseWith(UpdateOptionsSchema, `${kind.entity} update options`, options);
      const key = writeOptions(options);
      const extra = kind.columns.map((c, i) => `${c.name} = $${i + 4}::${c.type}`);
      return session.atomic((q) =>
        once(q, tables.idempotency, kind.table, key, versioned, async () => {
          const updated = await q.query(
            `UPDATE ${table} SET data = $3::jsonb, version = version + 1${extra.map((s) => `, ${s}`).join('')}
             WHERE id = $1 AND version = $2 RETURNING version`,
            [checked, expectedVersion, kind.encode(value), ...kind.columns.map((c) => c.of(value))],
          );
          if (updated.length === 0) throw await missOf(q, checked, expectedVersion);
          return { value, version: Number(updated[0]!['version']) };
        }),
      );
    },

    async delete(id: string, options: UpdateOptions) {
      const checked = checkId(kind.entity, id);
      const { expectedVersion } = parseWith(UpdateOptionsSchema, `${kind.entity} delete options`, options);
      const key = writeOptions(options);
      await session.atomic((q) =>
        once(q, tables.idempotency, kind.table, key, nothing, async () => {
          const deleted = await q.query(`DELETE FROM ${table} WHERE id = $1 AND version = $2 RETURNING id`, [
            checked,
            expectedVersion,
          ]);
          if (deleted.length === 0) throw await missOf(q, checked, expectedVersion);
          return undefined;
        }),
      );
    },

    async *list(query?: Query): AsyncGenerator<T> {
      for await (const page of repository.pages(query)) yield* page;
    },

    async *pages(query?: Query): AsyncGenerator<readonly T[]> {
      const checked = checkQuery(query);
      const batchSize = checked.batchSize ?? defaultBatchSize;
      const sort = [...kind.sort(checked), idColumn as Column<T>];
      const order = sort.map((c) => c.name).join(', ');
      const select = (where: string[], direction: 'ASC' | 'DESC', limit: number, params: unknown[]) =>
        session.query(
          `SELECT version, data::text AS data FROM ${table}
           ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
           ORDER BY ${sort.map((c) => `${c.name} ${direction}`).join(', ')} LIMIT ${limit}`,
          params,
        );
      const keyOf = (value: T, bind: (v: unknown) => string) =>
        `(${sort.map((c) => `${bind(c.of(value))}::${c.type}`).join(', ')})`;
      const conditions = () => {
        const params: unknown[] = [];
        const bind = (value: unknown) => {
          params.push(value);
          return `$${params.length}`;
        };
        return { params, bind, where: kind.filters(checked, bind) };
      };
      // The stream covers the records there when it starts: its last key is
      // fixed now, so records added meanwhile cannot keep it going for ever
      // (and records deleted meanwhile are skipped).
      const head = conditions();
      const [lastRow] = await select(head.where, 'DESC', 1, head.params);
      if (lastRow === undefined) return;
      const last = fromRow(lastRow).value;
      let after: T | undefined;
      for (;;) {
        const { params, bind, where } = conditions();
        where.push(`(${order}) <= ${keyOf(last, bind)}`);
        if (after !== undefined) where.push(`(${order}) > ${keyOf(after, bind)}`);
        const rows = await select(where, 'ASC', batchSize, params);
        const page = rows.map((row) => fromRow(row).value);
        after = page.at(-1);
        if (page.length > 0) yield page;
        if (rows.length < batchSize) return;
      }
    },

    async count(query?: Omit<Query, 'orderBy' | 'batchSize'>) {
      const checked = checkQuery(query);
      const params: unknown[] = [];
      const where = kind.filters(checked, (value) => {
        params.push(value);
        return `$${params.length}`;
      });
      const [row] = await session.query(
        `SELECT count(*)::float8 AS n FROM ${table} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`,
        params,
      );
      return Number(row!['n']);
    },
  };
  return repository;
}
