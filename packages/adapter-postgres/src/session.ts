import { CrmError } from '@crmkit/core';
import type { Driver, Executor, Row } from './driver';
import { Mutex } from './mutex';

/**
 * Where a storage object sends its statements: straight to the driver, or
 * into one open transaction.
 */
export interface Session {
  /** Runs one statement (a read, or a write that is atomic on its own). */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs `work` all-or-nothing: in its own transaction, or inside an open one
   * under a savepoint, so a failed operation leaves the transaction usable.
   */
  atomic<T>(work: (q: Executor) => Promise<T>): Promise<T>;
  /** `withTransaction`: a new transaction, or a savepoint when one is open. */
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
}

/** Thrown when a storage is used after `close()`. */
function closedError(): CrmError {
  return new CrmError('CLOSED', 'the storage was closed; create a new one to use the database again');
}

/** Statements of the storage itself: each outside any transaction. */
export class DriverSession implements Session {
  private closed = false;

  constructor(private readonly driver: Driver) {}

  query(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    if (this.closed) return Promise.reject(closedError());
    return this.driver.query(sql, params);
  }

  atomic<T>(work: (q: Executor) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return this.driver.transaction(work);
  }

  transaction<T>(work: (session: Session) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return this.driver.transaction(async (tx) => {
      const session = new TransactionSession(tx);
      try {
        return await work(session);
      } finally {
        session.end();
      }
    });
  }

  /** Runs work that needs the driver itself (migrations), unless the storage was closed. */
  whileOpen<T>(work: (driver: Driver) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return work(this.driver);
  }

  /** Refuses further use and closes the driver's connections when asked to. */
  async close(endClient: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (endClient) await this.driver.end();
  }
}

/**
 * Statements of one open transaction. They run one at a time (a connection
 * runs one statement at a time, and savepoints must not interleave).
 */
class TransactionSession implements Session {
  private readonly mutex = new Mutex();
  private savepoints = 0;
  private ended = false;

  constructor(private readonly tx: Executor) {}

  end(): void {
    this.ended = true;
  }

  query(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.mutex.run(() => this.live().query(sql, params));
  }

  atomic<T>(work: (q: Executor) => Promise<T>): Promise<T> {
    return this.mutex.run(() => this.savepoint(() => work(this.live())));
  }

  async transaction<T>(work: (session: Session) => Promise<T>): Promise<T> {
    // Joins the open transaction; a savepoint undoes the nested work alone
    // when it throws, so the caller may catch the error and go on.
    const name = await this.mutex.run(async () => this.open());
    try {
      const result = await work(this);
      await this.mutex.run(() => this.live().query(`RELEASE SAVEPOINT ${name}`));
      return result;
    } catch (error) {
      await this.mutex.run(() => this.rollbackTo(name));
      throw error;
    }
  }

  private live(): Executor {
    if (this.ended) {
      throw new CrmError('TRANSACTION', 'the transaction has ended: use the storage, not its tx, after it');
    }
    return this.tx;
  }

  private async open(): Promise<string> {
    const name = `crmkit_${++this.savepoints}`;
    await this.live().query(`SAVEPOINT ${name}`);
    return name;
  }

  private async rollbackTo(name: string): Promise<void> {
    try {
      await this.live().query(`ROLLBACK TO SAVEPOINT ${name}`);
      await this.live().query(`RELEASE SAVEPOINT ${name}`);
    } catch {
      // The connection is gone or the transaction has ended: the error being
      // rethrown says why, and the transaction as a whole rolls back.
    }
  }

  private async savepoint<T>(work: () => Promise<T>): Promise<T> {
    const name = await this.open();
    try {
      const result = await work();
      await this.live().query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.rollbackTo(name);
      throw error;
    }
  }
}
