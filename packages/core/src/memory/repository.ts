import {
  AlreadyExistsError,
  NotFoundError,
  ValidationError,
  type ValidationIssue,
  VersionConflictError,
} from '../errors';
import type { Repository, StreamOptions, UpdateOptions, Versioned, WriteOptions } from '../ports';
import { batches, batchSizeOf, deepFreeze, type Scope, type ShadowedMap } from './state';
import { checkExpectedVersion, checkIdempotencyKey } from './versions';

/** What the generic memory repository needs to know about one kind of record. */
export interface RecordSpec<T, Query> {
  /** Name used in errors, e.g. `customer`. */
  readonly entity: string;
  /** Validates input; throws ValidationError. */
  readonly parse: (input: unknown) => T;
  /** The record's id. */
  readonly idOf: (value: T) => string;
  /** Filter of a query (true = keep). */
  readonly matches: (value: T, query: Query) => boolean;
  /** Sort order of a query's stream. */
  readonly compare: (query: Query) => (a: T, b: T) => number;
}

/** The rows of one repository and its idempotency keys, both transactional. */
export interface RecordTables<T> {
  readonly rows: ShadowedMap<Versioned<T>>;
  readonly keys: ShadowedMap<unknown>;
}

/**
 * Compares two ids by UTF-16 code units, the order of every memory stream.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A repository over memory tables in a scope (see ports.ts for the contract).
 */
export function memoryRepository<T, Input, Query extends StreamOptions>(
  spec: RecordSpec<T, Query>,
  tables: RecordTables<T>,
  scope: Scope,
): Repository<T, Input, Query> {
  const committed = !scope.inTransaction;
  const { rows, keys } = tables;

  const replay = <R>(key: string | undefined): R | undefined =>
    key === undefined ? undefined : (keys.get(key, false) as R | undefined);

  const once = async <R>(options: WriteOptions | undefined, work: () => R): Promise<R> => {
    checkIdempotencyKey(options?.idempotencyKey, spec.entity);
    scope.check();
    return scope.write(() => {
      const key = options?.idempotencyKey;
      const previous = replay<R>(key);
      if (previous !== undefined) return previous;
      const result = work();
      if (key !== undefined) keys.set(key, result);
      return result;
    });
  };

  const insert = (value: T): Versioned<T> => {
    const id = spec.idOf(value);
    if (rows.get(id, false) !== undefined) throw new AlreadyExistsError(spec.entity, id);
    const stored = deepFreeze({ value, version: 1 });
    rows.set(id, stored);
    return stored;
  };

  const current = (id: string, expectedVersion: number): Versioned<T> => {
    const found = rows.get(id, false);
    if (found === undefined) throw new NotFoundError(spec.entity, id);
    if (found.version !== expectedVersion) {
      throw new VersionConflictError(spec.entity, id, expectedVersion, found.version);
    }
    return found;
  };

  const visible = (query: Query): T[] => {
    const values: T[] = [];
    for (const id of rows.keys(committed)) {
      const entry = rows.get(id, committed);
      if (entry !== undefined && spec.matches(entry.value, query)) values.push(entry.value);
    }
    return values;
  };

  return {
    async create(input, options) {
      const value = spec.parse(input);
      return once(options, () => insert(value));
    },

    async createMany(inputs, options) {
      if (!Array.isArray(inputs)) {
        throw new ValidationError(`${spec.entity} list`, [
          { path: [], message: 'must be an array', code: 'custom' },
        ]);
      }
      const issues: ValidationIssue[] = [];
      const values: T[] = [];
      inputs.forEach((input, index) => {
        try {
          values.push(spec.parse(input));
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          for (const issue of e.issues) issues.push({ ...issue, path: [index, ...issue.path] });
        }
      });
      if (issues.length > 0) throw new ValidationError(`${spec.entity} list`, issues);
      return once(options, () => values.map(insert));
    },

    async get(id) {
      scope.check();
      return rows.get(id, committed);
    },

    async update(id, input, options) {
      checkExpectedVersion(options?.expectedVersion, spec.entity);
      const value = spec.parse(input);
      if (spec.idOf(value) !== id) {
        throw new ValidationError(spec.entity, [
          {
            path: ['id'],
            message: `must equal the id being updated (${JSON.stringify(id)})`,
            code: 'custom',
          },
        ]);
      }
      return once(options, () => {
        const found = current(id, options.expectedVersion);
        const stored = deepFreeze({ value, version: found.version + 1 });
        rows.set(id, stored);
        return stored;
      });
    },

    async delete(id, options: UpdateOptions) {
      checkExpectedVersion(options?.expectedVersion, spec.entity);
      await once(options, () => {
        current(id, options.expectedVersion);
        rows.delete(id);
        return true;
      });
    },

    async *list(query = {} as Query) {
      const size = batchSizeOf(query);
      scope.check();
      const ordered = visible(query).sort(spec.compare(query));
      const ids = ordered.map(spec.idOf);
      for (const batch of batches(ids, size)) {
        scope.check();
        const values: T[] = [];
        for (const id of batch) {
          const entry = rows.get(id, committed);
          if (entry !== undefined && spec.matches(entry.value, query)) values.push(entry.value);
        }
        yield* values;
      }
    },

    async count(query = {} as Query) {
      scope.check();
      return visible(query as Query).length;
    },
  };
}
