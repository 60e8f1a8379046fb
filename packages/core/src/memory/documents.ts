import { z } from 'zod';
import { NotFoundError, VersionConflictError } from '../errors';
import type { DocumentStore, StoredDocument } from '../ports';
import { IdSchema, parseWith } from '../primitives';
import { BatchSizeSchema, checkPutOptions, DEFAULT_BATCH_SIZE, isId } from './checks';
import { frozenJson } from './frozen-json';
import { compareIds } from './id-order';
import { once } from './idempotency';
import type { Scope } from './scope';
import { streamRange } from './stream';
import { type SortOrder, type Stamps, Table } from './table';

/** The memory tables of the document store: every collection's documents, and the store's idempotency keys. */
export interface DocumentTables {
  readonly docs: Table<StoredDocument>;
  readonly keys: Table<unknown>;
}

/** Creates the document tables: documents sorted by `(collection, id)`. */
export function documentTables(stamps: Stamps): DocumentTables {
  const byAddress: SortOrder<StoredDocument, Address> = {
    // a stored document is its own key (frozen, and it has the collection and the id): no copy per row
    key: (doc) => doc,
    compare: (a, b) => compareIds(a.collection, b.collection) || compareIds(a.id, b.id),
  };
  return { docs: new Table([byAddress], stamps), keys: new Table([], stamps) };
}

const AddressSchema = z.object({ collection: IdSchema, id: IdSchema });
const ListQuerySchema = z.object({ batchSize: BatchSizeSchema, prefix: z.string().optional() });

/** The row id of a document: the collection's length makes it unambiguous whatever the names hold. */
const rowId = (collection: string, id: string) => `${collection.length}:${collection}/${id}`;

/** Where a document sits: its collection, then its id. */
interface Address {
  readonly collection: string;
  readonly id: string;
}

/**
 * The versioned JSON document store over memory tables, in a scope (see
 * `DocumentStore` in the ports). Data is checked and stored as a deeply
 * frozen copy in one walk (see `frozenJson`), which reuses the parts of the
 * data that came from this store unchanged.
 */
export function memoryDocuments(tables: DocumentTables, scope: Scope): DocumentStore {
  const address = (collection: unknown, id: unknown): Address =>
    isId(collection) && isId(id)
      ? { collection, id }
      : parseWith(AddressSchema, 'document address', { collection, id });

  const stored = (row: string) => scope.table(tables.docs).row(row)?.value;

  /** Throws unless `expected` allows the write (`undefined`: anything; `null`: must not exist). */
  const checkVersion = (
    at: Address,
    found: StoredDocument | undefined,
    expected: number | null | undefined,
  ) => {
    const actual = found?.version ?? null;
    if (expected !== undefined && expected !== actual) {
      throw new VersionConflictError(`document in ${at.collection}`, at.id, expected, actual);
    }
  };

  return {
    async get<T extends StoredDocument['data']>(collection: string, id: string) {
      const at = address(collection, id);
      return stored(rowId(at.collection, at.id)) as StoredDocument<T> | undefined;
    },

    async put(collection, id, data, options) {
      const at = address(collection, id);
      const row = rowId(at.collection, at.id);
      const { expectedVersion, idempotencyKey } = checkPutOptions('document put options', options);
      // the stored version's unchanged parts are kept as they are (see JsonCopier)
      const value = frozenJson('document data', data, stored(row)?.data);
      const doc = await scope.write(() =>
        once(scope, tables.keys, idempotencyKey, () => {
          const view = scope.table(tables.docs);
          const found = view.row(row);
          checkVersion(at, found?.value, expectedVersion);
          const version = (found?.value.version ?? 0) + 1;
          const next = Object.freeze({ collection: at.collection, id: at.id, version, data: value });
          view.put(row, next, found);
          return next;
        }),
      );
      return doc as StoredDocument<typeof data>;
    },

    async delete(collection, id, options) {
      const at = address(collection, id);
      const row = rowId(at.collection, at.id);
      const { expectedVersion, idempotencyKey } = checkPutOptions('document delete options', options);
      await scope.write(() =>
        once(scope, tables.keys, idempotencyKey, () => {
          const found = stored(row);
          if (found === undefined) throw new NotFoundError(`document in ${at.collection}`, at.id);
          checkVersion(at, found, expectedVersion);
          scope.table(tables.docs).remove(row);
        }),
      );
    },

    async *list<T extends StoredDocument['data']>(
      collection: string,
      query?: { readonly batchSize?: number; readonly prefix?: string },
    ) {
      const name = parseWith(IdSchema, 'document collection', collection);
      const checked = parseWith(ListQuerySchema, 'document list query', query ?? {});
      const prefix = checked.prefix ?? '';
      const since = scope.stamps.current();
      yield* streamRange(
        () => scope.table(tables.docs),
        {
          order: 0,
          from: { collection: name, id: prefix } satisfies Address,
          past: (doc) => doc.collection !== name || !doc.id.startsWith(prefix),
          keep: () => true,
        },
        checked.batchSize ?? DEFAULT_BATCH_SIZE,
        since,
        (doc) => doc as StoredDocument<T>,
      );
    },
  };
}
