import type { SqlQueryable } from './client';
import { toStorageError } from './errors';

/** A row as the drivers return it, before crmkit reads its columns. */
export type Row = Record<string, unknown>;

/** Runs statements somewhere: on the pool, or on one transaction's connection. */
export interface Executor {
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** One code path over the two drivers: plain queries, transactions, shutdown. */
export interface Driver extends Executor {
  /** Runs `work` in BEGIN … COMMIT on one connection, ROLLBACK when it throws. */
  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T>;
  /** Closes the client's connections. */
  end(): Promise<void>;
}

/** Runs one statement on a driver object, translating its errors. */
export async function run(
  target: SqlQueryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  try {
    const result = await target.query(sql, [...params]);
    return result.rows as Row[];
  } catch (error) {
    throw toStorageError(error);
  }
}
