import { SortedList } from './sorted-list';

/**
 * A sort order of a table's values: each value's key (computed once, when
 * the value is stored) and how keys compare. The order must be total, so
 * keys break ties (by id, say).
 */
export interface SortOrder<V, K = unknown> {
  readonly key: (value: V) => K;
  compare(a: K, b: K): number;
}

/**
 * A value's place in one sort order. `stamp` tells when the value took that
 * place: it is new when the row was inserted or its sort key changed, and
 * kept when an update left the key alone. A stream skips entries stamped
 * after it started, so a row that moves while a stream runs is never yielded
 * twice.
 */
export interface Entry<V> {
  readonly id: string;
  readonly value: V;
  readonly key: unknown;
  readonly stamp: number;
}

/** A stored value with its entry in each sort order of its table. */
export interface Row<V> {
  readonly value: V;
  readonly entries: readonly Entry<V>[];
}

/** Rows that can be read, written and scanned in a sort order: a table, or a transaction's view of one. */
export interface TableView<V> {
  row(id: string): Row<V> | undefined;
  /** Stores `value` under `id`; `previous` is the row there now, when the caller has just read it. */
  put(id: string, value: V, previous?: Row<V>): void;
  remove(id: string): void;
  /** Entries of sort order `order` from the key `from` on (strictly after it when `after`), in order. */
  scan(order: number, from: unknown, after: boolean): Iterable<Entry<V>>;
}

/** The counter behind entry stamps, shared by every table of a storage. */
export class Stamps {
  private last = 0;

  /** The latest stamp given out. */
  current(): number {
    return this.last;
  }

  next(): number {
    this.last += 1;
    return this.last;
  }
}

/** The entries of `value` in each order, keeping the stamps of `previous` where the sort key did not change. */
function entriesOf<V>(
  id: string,
  value: V,
  previous: Row<V> | undefined,
  orders: readonly SortOrder<V>[],
  stamps: Stamps,
): Entry<V>[] {
  return orders.map((order, i) => {
    const key = order.key(value);
    const before = previous?.entries[i];
    const stamp = before !== undefined && order.compare(before.key, key) === 0 ? before.stamp : stamps.next();
    return { id, value, key, stamp };
  });
}

/** Compares entries by their keys in one order. */
export function entryOrder<V>(order: SortOrder<V>): (a: Entry<V>, b: Entry<V>) => number {
  return (a, b) => order.compare(a.key, b.key);
}

/** A probe entry for seeking to a key (only its key is ever compared). */
function probeOf<V>(key: unknown): Entry<V> | undefined {
  return key === undefined ? undefined : ({ id: '', key, stamp: 0 } as Entry<V>);
}

/**
 * The rows of one kind, by id, with one sorted index per sort order. What a
 * table holds is committed: transactions stage their writes elsewhere (see
 * `StagedTable`) and apply them here when they commit.
 */
export class Table<V> implements TableView<V> {
  readonly rows = new Map<string, Row<V>>();
  private readonly indexes: SortedList<Entry<V>>[];

  constructor(
    readonly orders: readonly SortOrder<V>[],
    readonly stamps: Stamps,
  ) {
    this.indexes = orders.map((order) => new SortedList(entryOrder(order)));
  }

  row(id: string): Row<V> | undefined {
    return this.rows.get(id);
  }

  put(id: string, value: V, previous: Row<V> | undefined = this.rows.get(id)): void {
    this.unindex(id);
    const entries = entriesOf(id, value, previous, this.orders, this.stamps);
    for (let i = 0; i < entries.length; i++) this.indexes[i]!.add(entries[i]!);
    this.rows.set(id, { value, entries });
  }

  remove(id: string): void {
    this.unindex(id);
    this.rows.delete(id);
  }

  scan(order: number, from: unknown, after: boolean): Iterable<Entry<V>> {
    return this.indexes[order]!.from(probeOf<V>(from), after);
  }

  private unindex(id: string): void {
    const row = this.rows.get(id);
    if (row === undefined) return;
    for (let i = 0; i < row.entries.length; i++) this.indexes[i]!.remove(row.entries[i]!);
  }
}
