import { ValidationError } from '@crmkit/core';
import type { Executor } from './driver';
import { assertStorable } from './storable';

/** How the first result of an idempotent write is kept and given back. */
export interface ResultCodec<T> {
  encode(result: T): string;
  decode(json: string): T;
}

/** Checks an idempotency key before any SQL runs. */
export function checkIdempotencyKey(what: string, key: unknown): string | undefined {
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.length === 0) {
    throw new ValidationError(what, [
      { path: ['idempotencyKey'], message: 'must be a non-empty string', code: 'invalid_type' },
    ]);
  }
  assertStorable(what, key, ['idempotencyKey']);
  return key;
}

/**
 * Runs `write` once per `(scope, key)`: the first call claims the key (a
 * primary-key insert, so a concurrent caller with the same key waits for the
 * first to commit or roll back), runs the write and keeps its result; every
 * later call returns that first result without writing. Must run inside the
 * write's own transaction, so the claim and the write land together.
 */
export async function once<T>(
  q: Executor,
  table: string,
  scope: string,
  key: string | undefined,
  codec: ResultCodec<T>,
  write: () => Promise<T>,
): Promise<T> {
  if (key === undefined) return write();
  const claimed = await q.query(
    `INSERT INTO ${table} (scope, key) VALUES ($1, $2) ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
    [scope, key],
  );
  if (claimed.length === 0) {
    const [row] = await q.query(`SELECT result::text AS result FROM ${table} WHERE scope = $1 AND key = $2`, [
      scope,
      key,
    ]);
    return codec.decode(String(row!['result']));
  }
  const result = await write();
  await q.query(`UPDATE ${table} SET result = $3::jsonb WHERE scope = $1 AND key = $2`, [
    scope,
    key,
    codec.encode(result),
  ]);
  return result;
}
