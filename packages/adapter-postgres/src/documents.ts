import {
  type DocumentStore,
  IdSchema,
  type JsonValue,
  JsonValueSchema,
  NotFoundError,
  type PutOptions,
  parseWith,
  type StoredDocument,
  VersionConflictError,
} from '@crmkit/core';
import { z } from 'zod';
import type { Executor, Row } from './driver';
import { checkIdempotencyKey, once, type ResultCodec } from './idempotency';
import { batchSizeSchema } from './records';
import type { Session } from './session';
import { assertStorable } from './storable';
import type { Tables } from './tables';

const PutOptionsSchema = z
  .object({
    expectedVersion: z.union([
      z.number().int('must be a whole number').min(1, 'must be at least 1'),
      z.null(),
    ]),
    idempotencyKey: z.unknown(),
  })
  .partial();

const ListSchema = z.object({ batchSize: batchSizeSchema, prefix: z.string().optional() }).strict();

const storedCodec: ResultCodec<StoredDocument> = {
  encode: (doc) => JSON.stringify(doc),
  decode: (json) => JSON.parse(json) as StoredDocument,
};
const nothing: ResultCodec<undefined> = { encode: () => 'null', decode: () => undefined };

function fromRow(collection: string, row: Row): StoredDocument {
  return {
    collection,
    id: String(row['id']),
    version: Number(row['version']),
    data: JSON.parse(String(row['data'])) as JsonValue,
  };
}

function checkAddress(collection: unknown, id: unknown): { collection: string; id: string } {
  const address = parseWith(z.object({ collection: IdSchema, id: IdSchema }), 'document address', {
    collection,
    id,
  });
  assertStorable('document address', address);
  return address;
}

function checkOptions(what: string, options: unknown) {
  const parsed = parseWith(PutOptionsSchema, what, options ?? {});
  return { expected: parsed.expectedVersion, key: checkIdempotencyKey(what, parsed.idempotencyKey) };
}

/** Versioned JSON documents in one table, keyed by (collection, id). */
export function documentStore(session: Session, tables: Tables, defaultBatchSize: number): DocumentStore {
  const table = tables.documents;

  async function versionOf(q: Executor, collection: string, id: string): Promise<number | null> {
    const [row] = await q.query(`SELECT version FROM ${table} WHERE collection = $1 AND id = $2`, [
      collection,
      id,
    ]);
    return row === undefined ? null : Number(row['version']);
  }

  return {
    async get<T extends JsonValue = JsonValue>(collection: string, id: string) {
      const address = checkAddress(collection, id);
      const [row] = await session.query(
        `SELECT id, version, data::text AS data FROM ${table} WHERE collection = $1 AND id = $2`,
        [address.collection, address.id],
      );
      return row === undefined ? undefined : (fromRow(address.collection, row) as StoredDocument<T>);
    },

    async put<T extends JsonValue>(collection: string, id: string, data: T, options?: PutOptions) {
      const address = checkAddress(collection, id);
      const value = parseWith(JsonValueSchema, 'document data', data);
      assertStorable('document data', value);
      const { expected, key } = checkOptions('document put options', options);
      const scope = `documents:${address.collection}`;
      const params = [address.collection, address.id, JSON.stringify(value)];
      const stored = await session.atomic((q) =>
        once(q, tables.idempotency, scope, key, storedCodec, async () => {
          let rows: Row[];
          if (expected === null) {
            rows = await q.query(
              `INSERT INTO ${table} (collection, id, version, data) VALUES ($1, $2, 1, $3::jsonb)
               ON CONFLICT (collection, id) DO NOTHING RETURNING version`,
              params,
            );
          } else if (expected === undefined) {
            rows = await q.query(
              `INSERT INTO ${table} AS d (collection, id, version, data) VALUES ($1, $2, 1, $3::jsonb)
               ON CONFLICT (collection, id) DO UPDATE SET data = excluded.data, version = d.version + 1
               RETURNING version`,
              params,
            );
          } else {
            rows = await q.query(
              `UPDATE ${table} SET data = $3::jsonb, version = version + 1
               WHERE collection = $1 AND id = $2 AND version = $4 RETURNING version`,
              [...params, expected],
            );
          }
          if (rows.length === 0) {
            const actual = await versionOf(q, address.collection, address.id);
            throw new VersionConflictError(
              `document in ${address.collection}`,
              address.id,
              expected ?? null,
              actual,
            );
          }
          return { ...address, version: Number(rows[0]!['version']), data: value };
        }),
      );
      return stored as StoredDocument<T>;
    },

    async delete(collection: string, id: string, options?: PutOptions) {
      const address = checkAddress(collection, id);
      const { expected, key } = checkOptions('document delete options', options);
      await session.atomic((q) =>
        once(q, tables.idempotency, `documents:${address.collection}`, key, nothing, async () => {
          // `null` means "must not exist": there is nothing to delete either way.
          const deleted =
            expected === null
              ? []
              : await q.query(
                  `DELETE FROM ${table} WHERE collection = $1 AND id = $2
                   ${expected === undefined ? '' : 'AND version = $3'} RETURNING id`,
                  expected === undefined
                    ? [address.collection, address.id]
                    : [address.collection, address.id, expected],
                );
          if (deleted.length === 0) {
            const actual = await versionOf(q, address.collection, address.id);
            if (actual === null) throw new NotFoundError(`document in ${address.collection}`, address.id);
            throw new VersionConflictError(
              `document in ${address.collection}`,
              address.id,
              expected ?? null,
              actual,
            );
          }
          return undefined;
        }),
      );
    },

    async *list<T extends JsonValue = JsonValue>(
      collection: string,
      query?: { readonly batchSize?: number; readonly prefix?: string },
    ): AsyncGenerator<StoredDocument<T>> {
      const name = parseWith(IdSchema, 'document collection', collection);
      assertStorable('document collection', name);
      const checked = parseWith(ListSchema, 'document list query', query ?? {});
      assertStorable('document list query', checked);
      const batchSize = checked.batchSize ?? defaultBatchSize;
      const prefix = checked.prefix ?? '';
      const base = `collection = $1 AND id >= $2 AND starts_with(id, $2)`;
      // The last id is fixed when the stream starts (see the record streams).
      const [last] = await session.query(`SELECT id FROM ${table} WHERE ${base} ORDER BY id DESC LIMIT 1`, [
        name,
        prefix,
      ]);
      if (last === undefined) return;
      let after: string | undefined;
      for (;;) {
        const rows = await session.query(
          `SELECT id, version, data::text AS data FROM ${table}
           WHERE ${base} AND id <= $3 ${after === undefined ? '' : 'AND id > $4'}
           ORDER BY id LIMIT ${batchSize}`,
          after === undefined ? [name, prefix, last['id']] : [name, prefix, last['id'], after],
        );
        for (const row of rows) {
          const doc = fromRow(name, row) as StoredDocument<T>;
          after = doc.id;
          yield doc;
        }
        if (rows.length < batchSize) return;
      }
    },
  };
}
