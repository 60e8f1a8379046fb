import { NotFoundError, ValidationError, VersionConflictError } from '../errors';
import { JsonValueSchema } from '../json';
import type { DocumentStore, PutOptions, StoredDocument } from '../ports';
import { compareIds } from './repository';
import { batches, batchSizeOf, deepFreeze, type Scope, type ShadowedMap } from './state';
import { checkIdempotencyKey } from './versions';

/** The memory tables of the document store: documents by collection and id, and idempotency keys. */
export interface DocumentTables {
  readonly docs: ShadowedMap<StoredDocument>;
  readonly keys: ShadowedMap<StoredDocument | true>;
}

const SEP = '\u0000';

function checkName(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.includes(SEP)) {
    throw new ValidationError('document', [
      { path: [field], message: 'must be a non-empty string without NUL characters', code: 'custom' },
    ]);
  }
}

function checkExpected(options: PutOptions | undefined): void {
  const v = options?.expectedVersion;
  if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 1)) {
    throw new ValidationError('document options', [
      {
        path: ['expectedVersion'],
        message: `must be null or a whole number >= 1, got ${String(v)}`,
        code: 'custom',
      },
    ]);
  }
  checkIdempotencyKey(options?.idempotencyKey, 'document');
}

/**
 * The versioned JSON document store over memory tables in a scope.
 */
export function memoryDocuments(tables: DocumentTables, scope: Scope): DocumentStore {
  const committed = !scope.inTransaction;
  const { docs, keys } = tables;

  const guard = (collection: string, id: string, options: PutOptions | undefined) => {
    const found = docs.get(collection + SEP + id, false);
    const expected = options?.expectedVersion;
    if (expected === undefined) return found;
    const actual = found?.version ?? null;
    if (expected !== actual)
      throw new VersionConflictError(`document in ${collection}`, id, expected, actual);
    return found;
  };

  const once = <R extends StoredDocument | true>(
    options: PutOptions | undefined,
    work: () => R,
  ): Promise<R> =>
    scope.write(() => {
      const key = options?.idempotencyKey;
      const previous = key === undefined ? undefined : keys.get(key, false);
      if (previous !== undefined) return previous as R;
      const result = work();
      if (key !== undefined) keys.set(key, result);
      return result;
    });

  return {
    async get<T>(collection: string, id: string) {
      checkName(collection, 'collection');
      checkName(id, 'id');
      scope.check();
      return docs.get(collection + SEP + id, committed) as
        | StoredDocument<T & StoredDocument['data']>
        | undefined;
    },

    async put(collection, id, data, options) {
      checkName(collection, 'collection');
      checkName(id, 'id');
      checkExpected(options);
      const parsed = JsonValueSchema.safeParse(data);
      if (!parsed.success) throw ValidationError.fromZod('document data', parsed.error);
      scope.check();
      const stored = await once(options, () => {
        const found = guard(collection, id, options);
        const doc = deepFreeze({ collection, id, version: (found?.version ?? 0) + 1, data: parsed.data });
        docs.set(collection + SEP + id, doc);
        return doc;
      });
      return stored as StoredDocument<typeof data>;
    },

    async delete(collection, id, options) {
      checkName(collection, 'collection');
      checkName(id, 'id');
      checkExpected(options);
      scope.check();
      await once(options, () => {
        const found = guard(collection, id, options);
        if (found === undefined) throw new NotFoundError(`document in ${collection}`, id);
        docs.delete(collection + SEP + id);
        return true as const;
      });
    },

    async *list<T>(collection: string, query: { batchSize?: number; prefix?: string } = {}) {
      checkName(collection, 'collection');
      const size = batchSizeOf(query);
      scope.check();
      const start = collection + SEP + (query.prefix ?? '');
      const ids = docs
        .keys(committed)
        .filter((k) => k.startsWith(start))
        .sort(compareIds);
      for (const batch of batches(ids, size)) {
        scope.check();
        const found = batch
          .map((k) => docs.get(k, committed))
          .filter((d): d is StoredDocument => d !== undefined);
        yield* found as StoredDocument<T & StoredDocument['data']>[];
      }
    },
  };
}
