import type { PGliteLike, SqlQueryable } from './client';
import { type Driver, type Executor, type Row, run } from './driver';
import { toStorageError } from './errors';
import { Mutex } from './mutex';

const BASE = 'crmkit_outside';

/** The transaction PGlite is running now, and every statement it ran since it began. */
interface OpenTransaction {
  readonly tx: SqlQueryable;
  readonly log: (readonly [string, readonly unknown[]])[];
  /** Orders the transaction's statements and the reads from outside it. */
  readonly mutex: Mutex;
  ended: boolean;
}

/**
 * Runs a read from outside the open transaction on its one connection, as a
 * server would on another connection: roll back to the savepoint taken when
 * the transaction began (so the read sees only committed data), read, roll
 * back again, then replay the transaction's statements in order. They run on
 * the same starting state with the same parameters inside the same
 * transaction (same `now()`), so the replay restores exactly the state they
 * had built, savepoints and failed statements included.
 */
async function readBeside(open: OpenTransaction, sql: string, params?: readonly unknown[]): Promise<Row[]> {
  await run(open.tx, `ROLLBACK TO SAVEPOINT ${BASE}`);
  try {
    return await run(open.tx, sql, params);
  } finally {
    await run(open.tx, `ROLLBACK TO SAVEPOINT ${BASE}`);
    for (const [statement, values] of open.log) {
      // A statement that failed the first time fails again, and the
      // ROLLBACK TO SAVEPOINT that followed it is in the log too.
      await open.tx.query(statement, [...values]).catch(() => undefined);
    }
  }
}

/**
 * The driver of a PGlite instance. PGlite has one connection and runs one
 * transaction at a time: other writers wait until it ends. Reads from outside
 * an open transaction do not wait (a transaction's work may itself be waiting
 * for them): they run beside it and see only committed data (see
 * {@link readBeside}).
 */
export function pgliteDriver(db: PGliteLike): Driver {
  let open: OpenTransaction | undefined;
  return {
    async query(sql, params) {
      const current = open;
      if (current !== undefined) {
        const rows = await current.mutex.run(async () =>
          current.ended ? undefined : readBeside(current, sql, params),
        );
        if (rows !== undefined) return rows;
      }
      return run(db, sql, params);
    },

    async transaction(work) {
      // Errors of `work` pass through untouched; only PGlite's own (BEGIN,
      // COMMIT) are translated.
      let workFailed = false;
      try {
        return await db.transaction(async (tx) => {
          await tx.query(`SAVEPOINT ${BASE}`);
          const current: OpenTransaction = { tx, log: [], mutex: new Mutex(), ended: false };
          open = current;
          const logged: Executor = {
            query: (sql, params = []) =>
              current.mutex.run(() => {
                current.log.push([sql, params]);
                return run(tx, sql, params);
              }),
          };
          try {
            return await work(logged);
          } catch (error) {
            workFailed = true;
            throw error;
          } finally {
            await current.mutex.run(async () => {
              current.ended = true;
            });
            open = undefined;
          }
        });
      } catch (error) {
        throw workFailed ? error : toStorageError(error);
      }
    },

    end: () => db.close(),
  };
}
