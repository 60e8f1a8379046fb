import { CrmError } from '@crmkit/core';

const RETRYABLE = new Set(['40001', '40P01']);
const NOT_MIGRATED = new Set(['42P01', '3F000']);

/**
 * A failure of the database itself (a lost connection, a deadlock, a missing
 * table), as opposed to crmkit's own typed outcomes (`VersionConflictError`,
 * `AlreadyExistsError`, …). Code `'POSTGRES'`; `sqlState` is PostgreSQL's
 * SQLSTATE when the server sent one, and `retryable` is true for
 * serialization failures and deadlocks, which succeed when the whole
 * transaction is run again.
 *
 * @example
 * ```ts
 * try { await storage.withTransaction(work); }
 * catch (e) { if (e instanceof PostgresStorageError && e.retryable) await storage.withTransaction(work); }
 * ```
 */
export class PostgresStorageError extends CrmError {
  /** PostgreSQL's SQLSTATE (`'40P01'` deadlock, `'57P01'` killed backend, …), when known. */
  readonly sqlState: string | undefined;
  /** True when running the same transaction again may succeed. */
  readonly retryable: boolean;

  constructor(message: string, sqlState: string | undefined, options?: ErrorOptions) {
    super('POSTGRES', message, { sqlState }, options);
    this.sqlState = sqlState;
    this.retryable = sqlState !== undefined && RETRYABLE.has(sqlState);
  }
}

/** Leaves crmkit's errors alone and wraps a driver's error in {@link PostgresStorageError}. */
export function toStorageError(error: unknown): unknown {
  if (error instanceof CrmError || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const hint =
    sqlState !== undefined && NOT_MIGRATED.has(sqlState) ? ' (has migrate() been run on this schema?)' : '';
  return new PostgresStorageError(`PostgreSQL: ${error.message}${hint}`, sqlState, { cause: error });
}

/** The SQLSTATE and constraint of a driver error wrapped by {@link toStorageError}. */
export function sqlStateOf(error: unknown): { sqlState?: string; constraint?: string } {
  if (!(error instanceof PostgresStorageError) || error.sqlState === undefined) return {};
  const constraint = (error.cause as { constraint?: unknown } | undefined)?.constraint;
  return typeof constraint === 'string'
    ? { sqlState: error.sqlState, constraint }
    : { sqlState: error.sqlState };
}
