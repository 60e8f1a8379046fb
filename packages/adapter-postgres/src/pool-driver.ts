import type { PgPoolClientLike, PgPoolLike } from './client';
import { type Driver, type Executor, run } from './driver';
import { toStorageError } from './errors';

/**
 * The driver of a `pg` Pool: plain queries on any pooled connection, and a
 * dedicated connection per transaction (destroyed if it broke mid-way).
 */
export function poolDriver(pool: PgPoolLike): Driver {
  return {
    query: (sql, params) => run(pool, sql, params),
    async transaction(work) {
      let client: PgPoolClientLike;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toStorageError(error);
      }
      // A backend killed while this client idles in the transaction emits
      // 'error' on the client; keep it so the next query's failure explains it
      // and so the process does not crash on an unhandled 'error' event.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      const tx: Executor = { query: (sql, params) => run(client, sql, params) };
      try {
        await tx.query('BEGIN');
        const result = await work(tx);
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken ??= rollbackError as Error;
        }
        throw error;
      } finally {
        client.removeListener('error', onError);
        client.release(broken ?? false);
      }
    },
    end: () => pool.end(),
  };
}
