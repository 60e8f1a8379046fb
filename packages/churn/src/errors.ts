import { CrmError, summarizeIssues, type ValidationIssue } from '@crmkit/core';
import type { z } from 'zod';

/**
 * A churn configuration (indicator options, thresholds, playbooks, a
 * taxonomy, a backtest or scan setup) that cannot be used: every problem
 * with the path of its field. Code `INVALID_CHURN_CONFIG`. Nothing was
 * evaluated or written when it is thrown.
 *
 * @example
 * ```ts
 * try { compileThresholds({ rules: [] }); }
 * catch (e) { if (e instanceof ChurnConfigError) console.log(e.issues[0]?.path); } // ['rules']
 * ```
 */
export class ChurnConfigError extends CrmError {
  /** Every problem found, each with the path of its field. */
  readonly issues: readonly ValidationIssue[];

  constructor(what: string, issues: readonly ValidationIssue[]) {
    super('INVALID_CHURN_CONFIG', `invalid ${what}: ${summarizeIssues(issues)}`, { what, issues });
    this.issues = issues;
  }
}

/**
 * Input records (orders, interactions, histories) that a churn computation
 * cannot read: an invalid date, an amount that is not Money, a stream that
 * is not sorted by customer. Code `INVALID_CHURN_INPUT`, with the path of
 * the offending field (`['orders', 3, 'placedAt']`).
 *
 * @example
 * ```ts
 * try { await collect(scanChurn(source, setup)); }
 * catch (e) { if (e instanceof ChurnInputError) console.log(e.path.join('.')); }
 * ```
 */
export class ChurnInputError extends CrmError {
  /** Path of the offending field from the root of the input. */
  readonly path: readonly (string | number)[];

  constructor(path: readonly (string | number)[], message: string) {
    super('INVALID_CHURN_INPUT', `invalid churn input at ${path.join('.') || '(root)'}: ${message}`, {
      path,
    });
    this.path = path;
  }
}

/** Parses with a zod schema, throwing {@link ChurnConfigError} with every issue path. */
export function parseConfig<S extends z.ZodType>(schema: S, what: string, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ChurnConfigError(
    what,
    result.error.issues.map((issue) => ({
      path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      message: issue.message,
      code: issue.code,
    })),
  );
}
