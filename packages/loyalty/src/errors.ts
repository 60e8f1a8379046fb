import { CrmError } from '@crmkit/core';

/**
 * The stable codes of the errors `@crmkit/loyalty` throws besides core's
 * `VALIDATION`.
 *
 * @example
 * ```ts
 * const code: LoyaltyErrorCode = 'INSUFFICIENT_POINTS';
 * ```
 */
export type LoyaltyErrorCode =
  | 'INSUFFICIENT_POINTS'
  | 'UNSUPPORTED_CURRENCY'
  | 'UNKNOWN_MEMBER'
  | 'UNKNOWN_REWARD'
  | 'REWARD_UNAVAILABLE'
  | 'UNKNOWN_REDEMPTION'
  | 'TRANSFERS_DISABLED'
  | 'REFERRAL_REJECTED'
  | 'LOYALTY_CONFLICT';

/**
 * A loyalty operation that was refused: a stable `code`, the input `path`
 * it concerns, and the reason. Nothing was written when it is thrown.
 *
 * @example
 * ```ts
 * try { await program.redeem(input); }
 * catch (e) { if (e instanceof LoyaltyError) console.log(e.code, e.path.join('.'), e.message); }
 * ```
 */
export class LoyaltyError extends CrmError {
  /** Path of the offending input field, e.g. `['points']`. */
  readonly path: readonly (string | number)[];
  /** Why, without the path (the message is `path: reason`). */
  readonly reason: string;

  constructor(
    code: LoyaltyErrorCode,
    path: readonly (string | number)[],
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, `${path.length > 0 ? path.join('.') : '(root)'}: ${message}`, { ...details, path });
    this.path = path;
    this.reason = message;
  }
}

/**
 * A debit (redemption, transfer, negative adjustment) asked for more points
 * than the member can spend now. Code `INSUFFICIENT_POINTS`.
 *
 * @example
 * ```ts
 * throw new InsufficientPointsError(['points'], 500, 120);
 * ```
 */
export class InsufficientPointsError extends LoyaltyError {
  /** Points asked for. */
  readonly requested: number;
  /** Points available. */
  readonly available: number;

  constructor(path: readonly (string | number)[], requested: number, available: number) {
    super('INSUFFICIENT_POINTS', path, `needs ${requested} points, ${available} available`, {
      requested,
      available,
    });
    this.requested = requested;
    this.available = available;
  }
}

/**
 * A write kept losing optimistic-concurrency races and gave up after the
 * configured attempts. Code `LOYALTY_CONFLICT`; safe to retry later.
 *
 * @example
 * ```ts
 * if (e instanceof LoyaltyConflictError) scheduleRetry();
 * ```
 */
export class LoyaltyConflictError extends LoyaltyError {
  constructor(operation: string, attempts: number, cause: unknown) {
    super('LOYALTY_CONFLICT', [], `${operation} lost ${attempts} concurrent-write races`, {
      operation,
      attempts,
    });
    this.cause = cause;
  }
}
