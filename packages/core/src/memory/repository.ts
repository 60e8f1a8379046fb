import {
  AlreadyExistsError,
  NotFoundError,
  ValidationError,
  type ValidationIssue,
  VersionConflictError,
} from '../errors';
import type { Repository, StreamOptions, Versioned } from '../ports';
import { parseWith } from '../primitives';
import { checkId, checkUpdateOptions, checkWriteOptions, DEFAULT_BATCH_SIZE } from './checks';
import { deepFreeze } from './freeze';
import { once } from './idempotency';
import type { RecordKind } from './record-kinds';
import type { Scope } from './scope';
import { countRange, type Range, streamPages, streamRange } from './stream';
import { type SortOrder, type Stamps, Table } from './table';

/** The memory tables of one repository: its records and its idempotency keys. */
export interface RecordTables<T> {
  readonly rows: Table<Versioned<T>>;
  readonly keys: Table<unknown>;
}

/** Creates the tables of one kind of record, with an index per sort order of the kind. */
export function recordTables<T>(orders: readonly SortOrder<T>[], stamps: Stamps): RecordTables<T> {
  const versioned = orders.map(
    (order): SortOrder<Versioned<T>> => ({ key: (row) => order.key(row.value), compare: order.compare }),
  );
  return { rows: new Table(versioned, stamps), keys: new Table([], stamps) };
}

/** The range of a query over versioned rows. */
function versionedRange<T>({ order, from, past, keep }: Range<T>): Range<Versioned<T>> {
  return {
    order,
    ...(from === undefined ? {} : { from }),
    ...(past === undefined ? {} : { past: (row: Versioned<T>) => past(row.value) }),
    keep: (row) => keep(row.value),
  };
}

/**
 * A repository of one kind of record over memory tables, in a scope (see
 * `Repository` in the ports for the contract). Every write validates
 * everything, then checks every precondition, and only then writes, so a
 * write that throws has changed nothing.
 */
export function memoryRepository<T extends { readonly id: string }, Input, Query extends StreamOptions>(
  kind: RecordKind<T, Query>,
  tables: RecordTables<T>,
  scope: Scope,
): Repository<T, Input, Query> {
  const { entity } = kind;

  const parseAll = (inputs: unknown): T[] => {
    if (!Array.isArray(inputs)) {
      throw new ValidationError(`${entity} list`, [
        { path: [], message: 'must be an array', code: 'custom' },
      ]);
    }
    const issues: ValidationIssue[] = [];
    const values: T[] = [];
    inputs.forEach((input, index) => {
      try {
        values.push(kind.parse(input));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        for (const issue of error.issues) issues.push({ ...issue, path: [index, ...issue.path] });
      }
    });
    if (issues.length > 0) throw new ValidationError(`${entity} list`, issues);
    return values;
  };

  const insert = (values: readonly T[]): Versioned<T>[] => {
    const rows = scope.table(tables.rows);
    const ids = new Set<string>();
    for (const { id } of values) {
      if (ids.has(id) || rows.row(id) !== undefined) throw new AlreadyExistsError(entity, id);
      ids.add(id);
    }
    return values.map((value) => {
      const stored = deepFreeze({ value, version: 1 });
      rows.put(value.id, stored);
      return stored;
    });
  };

  const current = (id: string, expectedVersion: number): Versioned<T> => {
    const found = scope.table(tables.rows).row(id)?.value;
    if (found === undefined) throw new NotFoundError(entity, id);
    if (found.version !== expectedVersion) {
      throw new VersionConflictError(entity, id, expectedVersion, found.version);
    }
    return found;
  };

  const rangeOf = (query: unknown, what: string) => {
    const checked = parseWith(kind.querySchema, `${entity} ${what}`, query ?? {});
    return { range: versionedRange(kind.range(checked)), batchSize: checked.batchSize };
  };

  return {
    async create(input, options) {
      const key = checkWriteOptions(`${entity} create options`, options);
      const value = kind.parse(input);
      return scope.write(() => once(scope, tables.keys, key, () => insert([value])[0]!));
    },

    async createMany(inputs, options) {
      const key = checkWriteOptions(`${entity} createMany options`, options);
      const values = parseAll(inputs);
      const stored = await scope.write(() =>
        once(scope, tables.keys, key, () => Object.freeze(insert(values))),
      );
      return [...stored];
    },

    async get(id) {
      const checked = checkId(`${entity} id`, id);
      return scope.table(tables.rows).row(checked)?.value;
    },

    async update(id, input, options) {
      const checked = checkId(`${entity} id`, id);
      const { expectedVersion, idempotencyKey } = checkUpdateOptions(`${entity} update options`, options);
      const value = kind.parse(input);
      if (value.id !== checked) {
        throw new ValidationError(entity, [
          {
            path: ['id'],
            message: `must equal the id being updated (${JSON.stringify(checked)})`,
            code: 'custom',
          },
        ]);
      }
      return scope.write(() =>
        once(scope, tables.keys, idempotencyKey, () => {
          const found = current(checked, expectedVersion);
          const stored = deepFreeze({ value, version: found.version + 1 });
          scope.table(tables.rows).put(checked, stored);
          return stored;
        }),
      );
    },

    async delete(id, options) {
      const checked = checkId(`${entity} id`, id);
      const { expectedVersion, idempotencyKey } = checkUpdateOptions(`${entity} delete options`, options);
      await scope.write(() =>
        once(scope, tables.keys, idempotencyKey, () => {
          current(checked, expectedVersion);
          scope.table(tables.rows).remove(checked);
        }),
      );
    },

    async *list(query) {
      const { range, batchSize } = rangeOf(query, 'query');
      const since = scope.stamps.current();
      yield* streamRange(
        () => scope.table(tables.rows),
        range,
        batchSize ?? DEFAULT_BATCH_SIZE,
        since,
        (row) => row.value,
      );
    },

    async *pages(query) {
      const { range, batchSize } = rangeOf(query, 'query');
      const since = scope.stamps.current();
      yield* streamPages(
        () => scope.table(tables.rows),
        range,
        batchSize ?? DEFAULT_BATCH_SIZE,
        since,
        (row) => row.value,
      );
    },

    async count(query) {
      const { range } = rangeOf(query, 'query');
      return countRange(scope.table(tables.rows), range);
    },
  };
}
