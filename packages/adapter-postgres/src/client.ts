import type { Driver } from './driver';
import { pgliteDriver } from './pglite-driver';
import { poolDriver } from './pool-driver';

/**
 * What crmkit needs of anything that runs SQL: `query(sql, params)` resolving
 * to `{ rows }`. A `pg` Pool, a `pg` PoolClient, a PGlite instance and a
 * PGlite transaction all have it.
 *
 * @example
 * ```ts
 * const { rows } = await queryable.query('select 1 as one', []);
 * ```
 */
export interface SqlQueryable {
  /** Runs one statement with `$1, $2, …` parameters. */
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * The parts of a `pg` PoolClient crmkit uses: a dedicated connection for one
 * transaction.
 *
 * @example
 * ```ts
 * const client: PgPoolClientLike = await pool.connect();
 * client.release();
 * ```
 */
export interface PgPoolClientLike extends SqlQueryable {
  /** Returns the connection to the pool; `true` or an error destroys it instead. */
  release(destroy?: Error | boolean): void;
  /** Subscribes to connection errors (a killed backend while the client is idle in a transaction). */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Unsubscribes from connection errors. */
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The parts of a `pg` Pool (a real PostgreSQL server) crmkit uses.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const client: PgPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export interface PgPoolLike extends SqlQueryable {
  /** Checks out a dedicated connection. */
  connect(): Promise<PgPoolClientLike>;
  /** Closes every connection of the pool. */
  end(): Promise<void>;
}

/**
 * The parts of a PGlite instance (embedded PostgreSQL in WebAssembly) crmkit
 * uses. PGlite has a single connection and runs one transaction at a time.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * const client: PGliteLike = new PGlite();
 * ```
 */
export interface PGliteLike extends SqlQueryable {
  /** Runs `callback` inside BEGIN … COMMIT (ROLLBACK when it throws). */
  transaction<T>(callback: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Shuts the database down. */
  close(): Promise<void>;
}

/**
 * A database to store crmkit in: a `pg` Pool for a PostgreSQL server or a
 * PGlite instance for embedded PostgreSQL.
 *
 * @example
 * ```ts
 * const storage = createPostgresStorage({ client: new PGlite() });
 * ```
 */
export type PostgresClient = PgPoolLike | PGliteLike;

/** Picks the driver of a client already validated as a `pg` Pool or a PGlite instance. */
export function createDriver(client: PostgresClient): Driver {
  return 'transaction' in client ? pgliteDriver(client) : poolDriver(client);
}
