import { CrmError, summarizeIssues } from '@crmkit/core';

/**
 * One problem in a condition: where (`path`, from the root of the JSON) and why.
 *
 * @example
 * ```ts
 * const issue: ConditionIssue = { path: ['all', 2, 'op'], message: 'unknown operator "gtee"' };
 * ```
 */
export interface ConditionIssue {
  /** JSON path of the offending node or field. */
  readonly path: readonly (string | number)[];
  /** What is wrong. */
  readonly message: string;
}

/**
 * A condition that cannot be compiled: every problem with its JSON path.
 * Code `INVALID_CONDITION`.
 *
 * @example
 * ```ts
 * try { compile({ any: [] }); } catch (e) { if (e instanceof ConditionError) console.log(e.issues); }
 * ```
 */
export class ConditionError extends CrmError {
  /** Every problem found. */
  readonly issues: readonly ConditionIssue[];

  constructor(issues: readonly ConditionIssue[]) {
    super('INVALID_CONDITION', `invalid condition: ${summarizeIssues(issues)}`, {
      issues,
    });
    this.issues = issues;
  }
}
