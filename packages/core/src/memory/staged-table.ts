import { type Entry, entryOrder, type Row, Table, type TableView } from './table';

/**
 * A transaction's view of a table: its writes are staged beside the
 * committed rows, which stay untouched (and visible as they are to every
 * reader outside the transaction) until `commit` applies the staged writes.
 * Reads through the view see the committed rows overlaid with the staged
 * ones; a rollback just drops the view.
 */
export class StagedTable<V> implements TableView<V> {
  /** Rows written by the transaction. */
  private readonly written: Table<V>;
  /** Ids whose committed row the transaction removed (or replaced after removing). */
  private readonly removed = new Set<string>();

  constructor(private readonly base: Table<V>) {
    this.written = new Table(base.orders, base.stamps);
  }

  row(id: string): Row<V> | undefined {
    return this.written.row(id) ?? (this.removed.has(id) ? undefined : this.base.row(id));
  }

  put(id: string, value: V, previous: Row<V> | undefined = this.row(id)): void {
    this.written.put(id, value, previous);
  }

  remove(id: string): void {
    this.written.remove(id);
    this.removed.add(id);
  }

  *scan(order: number, from: unknown, after: boolean): Generator<Entry<V>> {
    const compare = entryOrder(this.base.orders[order]!);
    const committed = this.base.scan(order, from, after)[Symbol.iterator]();
    const staged = this.written.scan(order, from, after)[Symbol.iterator]();
    const nextCommitted = () => {
      for (;;) {
        const next = committed.next();
        if (next.done || !this.hides(next.value.id)) return next;
      }
    };
    let a = nextCommitted();
    let b = staged.next();
    while (!a.done || !b.done) {
      if (b.done || (!a.done && compare(a.value, b.value) < 0)) {
        yield a.value;
        a = nextCommitted();
      } else {
        yield b.value;
        b = staged.next();
      }
    }
  }

  /** Applies the staged writes to the committed table. */
  commit(): void {
    for (const id of this.removed) this.base.remove(id);
    for (const [id, row] of this.written.rows) this.base.put(id, row.value);
  }

  private hides(id: string): boolean {
    return this.removed.has(id) || this.written.rows.has(id);
  }
}
