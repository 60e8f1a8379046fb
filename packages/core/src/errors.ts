import type { z } from 'zod';

/**
 * The stable, machine-readable codes of every error crmkit throws. Codes never
 * change between releases, so applications can branch on them safely.
 *
 * @example
 * ```ts
 * import { CrmError } from '@crmkit/core';
 * try { await storage.customers.create(input); }
 * catch (e) { if (e instanceof CrmError && e.code === 'VALIDATION') showIssues(e); }
 * ```
 */
export type CrmErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'VERSION_CONFLICT'
  | 'CURRENCY_MISMATCH'
  | 'INVALID_MONEY'
  | 'TRANSACTION'
  | (string & {});

/**
 * Base class of every error crmkit throws: a `code` that never changes, a
 * human-readable message and structured `details`.
 *
 * @example
 * ```ts
 * throw new CrmError('NOT_FOUND', 'customer c1 does not exist', { id: 'c1' });
 * ```
 */
export class CrmError extends Error {
  /** Stable machine-readable code. */
  readonly code: CrmErrorCode;
  /** Structured context (ids, values, paths) for logs and UIs. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: CrmErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/**
 * One problem found while validating input: where (`path`, as in the input
 * object) and why.
 *
 * @example
 * ```ts
 * const issue: ValidationIssue = { path: ['lines', 0, 'quantity'], message: 'must be > 0', code: 'too_small' };
 * ```
 */
export interface ValidationIssue {
  /** Path from the root of the input to the offending field. */
  readonly path: readonly (string | number)[];
  /** Why the value was rejected. */
  readonly message: string;
  /** The validator's issue code (zod's codes, or crmkit's own). */
  readonly code: string;
}

/**
 * One line naming the first five issues as `path: message` (an empty path as
 * `(root)`) and how many more there are — the summary in the message of every
 * crmkit error that carries a list of issues. `format` writes one issue.
 *
 * @example
 * ```ts
 * summarizeIssues([{ path: ['lines', 0, 'quantity'], message: 'must be > 0' }]); // 'lines.0.quantity: must be > 0'
 * ```
 */
export function summarizeIssues<
  I extends { readonly path: readonly (string | number)[]; readonly message: string },
>(
  issues: readonly I[],
  format: (issue: I) => string = (i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`,
): string {
  const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
  return `${issues.slice(0, 5).map(format).join('; ')}${more}`;
}

/**
 * Input that failed validation. Carries every issue with its path; nothing
 * was written when this is thrown.
 *
 * @example
 * ```ts
 * const r = safeParseCustomer({ id: '' });
 * if (!r.success) console.log(r.error.issues[0]?.path); // ['id']
 * ```
 */
export class ValidationError extends CrmError {
  /** Every problem found, each with the path of its field. */
  readonly issues: readonly ValidationIssue[];

  constructor(what: string, issues: readonly ValidationIssue[]) {
    super('VALIDATION', `invalid ${what}: ${summarizeIssues(issues)}`, {
      what,
      issues,
    });
    this.issues = issues;
  }

  /**
   * Wraps a zod error, keeping every issue path.
   *
   * @example
   * ```ts
   * const r = CustomerSchema.safeParse(input);
   * if (!r.success) throw ValidationError.fromZod('customer', r.error);
   * ```
   */
  static fromZod(what: string, error: z.ZodError): ValidationError {
    return new ValidationError(
      what,
      error.issues.map((issue) => ({
        path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        message: issue.message,
        code: issue.code,
      })),
    );
  }
}

/**
 * A record that was looked up by id does not exist.
 *
 * @example
 * ```ts
 * throw new NotFoundError('customer', 'c1');
 * ```
 */
export class NotFoundError extends CrmError {
  constructor(entity: string, id: string) {
    super('NOT_FOUND', `${entity} ${JSON.stringify(id)} does not exist`, { entity, id });
  }
}

/**
 * A create found a record with the same id already stored (and no matching
 * idempotency key made it a replay).
 *
 * @example
 * ```ts
 * throw new AlreadyExistsError('order', 'o1');
 * ```
 */
export class AlreadyExistsError extends CrmError {
  constructor(entity: string, id: string) {
    super('ALREADY_EXISTS', `${entity} ${JSON.stringify(id)} already exists`, { entity, id });
  }
}

/**
 * Optimistic concurrency failed: the record changed since it was read. Re-read
 * it and retry.
 *
 * @example
 * ```ts
 * throw new VersionConflictError('customer', 'c1', 3, 4);
 * ```
 */
export class VersionConflictError extends CrmError {
  /** The version the caller expected. `null` means "must not exist yet". */
  readonly expectedVersion: number | null;
  /** The version actually stored. `null` means "does not exist". */
  readonly actualVersion: number | null;

  constructor(entity: string, id: string, expectedVersion: number | null, actualVersion: number | null) {
    super(
      'VERSION_CONFLICT',
      `${entity} ${JSON.stringify(id)} is at version ${actualVersion ?? 'none'}, expected ${expectedVersion ?? 'none'}`,
      { entity, id, expectedVersion, actualVersion },
    );
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/**
 * Two amounts in different currencies were combined or compared.
 *
 * @example
 * ```ts
 * Money.of(1, 'EUR').plus(Money.of(1, 'USD')); // throws CurrencyMismatchError
 * ```
 */
export class CurrencyMismatchError extends CrmError {
  constructor(left: string, right: string, operation: string) {
    super('CURRENCY_MISMATCH', `cannot ${operation} ${left} and ${right}`, { left, right, operation });
  }
}

/**
 * A money amount or currency that cannot be represented: not a finite decimal,
 * not an ISO 4217 code, or too precise for an operation that needs whole minor
 * units.
 *
 * @example
 * ```ts
 * Money.of('12.3.4', 'EUR'); // throws InvalidMoneyError
 * ```
 */
export class InvalidMoneyError extends CrmError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('INVALID_MONEY', message, details);
  }
}

/**
 * Tells whether a value is a crmkit error, optionally with a given code.
 *
 * @example
 * ```ts
 * if (isCrmError(e, 'VERSION_CONFLICT')) retry();
 * ```
 */
export function isCrmError(value: unknown, code?: CrmErrorCode): value is CrmError {
  return value instanceof CrmError && (code === undefined || value.code === code);
}
