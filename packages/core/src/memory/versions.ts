import { ValidationError } from '../errors';

/** Checks an `expectedVersion` option: a positive whole number. */
export function checkExpectedVersion(version: unknown, what: string): void {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ValidationError(`${what} options`, [
      {
        path: ['expectedVersion'],
        message: `must be a whole number >= 1, got ${String(version)}`,
        code: 'custom',
      },
    ]);
  }
}

/** Checks an optional idempotency key: a non-empty string. */
export function checkIdempotencyKey(key: unknown, what: string): void {
  if (key !== undefined && (typeof key !== 'string' || key.length === 0)) {
    throw new ValidationError(`${what} options`, [
      { path: ['idempotencyKey'], message: 'must be a non-empty string', code: 'custom' },
    ]);
  }
}
