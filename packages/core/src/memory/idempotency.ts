import type { Scope } from './scope';
import type { Table } from './table';

/**
 * Runs a write once per idempotency key of one repository: the first run
 * keeps its result under the key (in the same scope, so a rolled-back
 * transaction forgets it), and every later run with that key returns the
 * kept result without writing. Runs inside `scope.write`; a write that throws
 * keeps nothing.
 */
export function once<R>(scope: Scope, keys: Table<unknown>, key: string | undefined, write: () => R): R {
  if (key === undefined) return write();
  const view = scope.table(keys);
  const kept = view.row(key);
  if (kept !== undefined) return kept.value as R;
  const result = write();
  view.put(key, result);
  return result;
}
