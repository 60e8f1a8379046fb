import { createMemoryStorage, type Storage } from '@crmkit/core';
import { CliError } from './errors';

/**
 * Where `--db` keeps the imported data: the in-memory default, a PostgreSQL
 * server, or an embedded PGlite database in a directory.
 *
 * @example
 * ```ts
 * parseDbOption('pglite:./crm-data'); // { kind: 'pglite', dir: './crm-data' }
 * ```
 */
export type DbTarget =
  | { readonly kind: 'memory' }
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'pglite'; readonly dir: string };

/**
 * Reads the `--db` option: absent or `memory` → in memory,
 * `postgres://…` / `postgresql://…` → a server, `pglite:DIR` → embedded.
 *
 * @example
 * ```ts
 * parseDbOption('postgres://localhost/crm'); // { kind: 'postgres', url: 'postgres://localhost/crm' }
 * ```
 */
export function parseDbOption(value: string | undefined): DbTarget {
  if (value === undefined || value === 'memory') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  if (value.startsWith('pglite:') && value.length > 'pglite:'.length) {
    return { kind: 'pglite', dir: value.slice('pglite:'.length) };
  }
  throw new CliError(
    'CLI_USAGE',
    `--db expects memory, postgres://… or pglite:DIR, got ${JSON.stringify(value)}`,
  );
}

/**
 * A storage opened for the CLI, and whether it can compute per-customer
 * summaries inside the database.
 *
 * @example
 * ```ts
 * const { storage } = await openStorage({ kind: 'memory' });
 * ```
 */
export interface OpenedStorage {
  readonly storage: Storage;
  readonly target: DbTarget;
}

/**
 * Opens (and for PostgreSQL, migrates) the storage `--db` names. The
 * database drivers are loaded only when asked for.
 *
 * @example
 * ```ts
 * const { storage } = await openStorage(parseDbOption('pglite:./crm-data'));
 * try { await storage.orders.count(); } finally { await storage.close(); }
 * ```
 */
export async function openStorage(target: DbTarget): Promise<OpenedStorage> {
  if (target.kind === 'memory') return { storage: createMemoryStorage(), target };
  const { createPostgresStorage } = await import('@crmkit/adapter-postgres');
  let client: Parameters<typeof createPostgresStorage>[0]['client'];
  if (target.kind === 'postgres') {
    const pg = await import('pg');
    const Pool = pg.default?.Pool ?? pg.Pool;
    client = new Pool({ connectionString: target.url, max: 4 });
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    client = new PGlite(target.dir);
  }
  const storage = createPostgresStorage({ client });
  try {
    await storage.migrate();
  } catch (e) {
    await storage.close().catch(() => undefined);
    const where = target.kind === 'postgres' ? target.url.replace(/\/\/[^@/]*@/, '//…@') : target.dir;
    throw new CliError('CLI_INPUT', `cannot open the database ${where}: ${(e as Error).message}`);
  }
  return { storage, target };
}
