import { CrmError } from '../errors';
import { type EventTable, type EventView, StagedEvents } from './event-table';
import { Lock } from './lock';
import { StagedTable } from './staged-table';
import { Stamps, type Table, type TableView } from './table';

/** What every call on one memory storage shares: the writers' lock, the stamp counter, and whether it is closed. */
export class MemoryState {
  readonly lock = new Lock();
  readonly stamps = new Stamps();
  private closed = false;

  close(): void {
    this.closed = true;
  }

  check(): void {
    if (this.closed) throw new CrmError('CLOSED', 'this storage has been closed');
  }
}

/**
 * Where a call runs: on the storage itself (reads see committed data, each
 * write takes the lock), or inside a transaction (reads and writes go
 * through the transaction's staged views; the transaction holds the lock).
 */
export interface Scope {
  readonly stamps: Stamps;
  /** The view of a table this scope reads and writes; throws once the storage is closed or the transaction ended. */
  table<V>(base: Table<V>): TableView<V>;
  /** The view of the event log this scope reads and writes (same checks). */
  events(base: EventTable): EventView;
  /**
   * Runs a synchronous write that checks everything before it changes
   * anything: under the lock on the storage, directly inside a transaction.
   */
  write<R>(work: () => R): Promise<R>;
  /** Runs `work` in a new transaction, or inside this scope's transaction (a nested call joins it). */
  transaction<R>(work: (scope: Scope) => Promise<R>): Promise<R>;
}

/** The scope of calls made on the storage itself. */
export function storageScope(state: MemoryState): Scope {
  return {
    stamps: state.stamps,
    table(base) {
      state.check();
      return base;
    },
    events(base) {
      state.check();
      return base;
    },
    write(work) {
      return state.lock.run(() => {
        state.check();
        return work();
      });
    },
    transaction(work) {
      return state.lock.run(async () => {
        state.check();
        const tx = new Transaction(state);
        try {
          const result = await work(tx.scope);
          state.check();
          tx.commit();
          return result;
        } finally {
          tx.end();
        }
      });
    },
  };
}

/** One running transaction: the staged views of what it touched, applied together on commit. */
class Transaction {
  private readonly tables = new Map<Table<unknown>, StagedTable<unknown>>();
  private staged: StagedEvents | undefined;
  private ended = false;
  readonly scope: Scope;

  constructor(state: MemoryState) {
    const check = () => {
      state.check();
      if (this.ended) {
        throw new CrmError(
          'TRANSACTION',
          'this transaction has already ended: use the storage, or start a new transaction',
        );
      }
    };
    this.scope = {
      stamps: state.stamps,
      table: <V>(base: Table<V>) => {
        check();
        let view = this.tables.get(base as Table<unknown>) as StagedTable<V> | undefined;
        if (view === undefined) {
          view = new StagedTable(base);
          this.tables.set(base as Table<unknown>, view as StagedTable<unknown>);
        }
        return view;
      },
      events: (base) => {
        check();
        this.staged ??= new StagedEvents(base);
        return this.staged;
      },
      write: async (work) => {
        check();
        return work();
      },
      transaction: async (work) => {
        check();
        return work(this.scope);
      },
    };
  }

  commit(): void {
    for (const view of this.tables.values()) view.commit();
    this.staged?.commit();
  }

  end(): void {
    this.ended = true;
  }
}
