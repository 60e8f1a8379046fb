import { CrmError } from '@crmkit/core';

/**
 * The stable codes of {@link ClvError}:
 *
 * - `CLV_NOT_IDENTIFIABLE`: the data cannot pin the model down — nobody
 *   repeats, every spend is the same, or the likelihood is flat at the
 *   optimum (its Hessian is not positive definite).
 * - `CLV_NOT_CONVERGED`: the optimiser stopped before reaching a maximum.
 * - `CLV_UNDEFINED`: a prediction that does not exist for the fitted
 *   parameters (the mean spend of a Gamma-Gamma model with q ≤ 1).
 *
 * @example
 * ```ts
 * const code: ClvErrorCode = 'CLV_NOT_IDENTIFIABLE';
 * ```
 */
export type ClvErrorCode = 'CLV_NOT_IDENTIFIABLE' | 'CLV_NOT_CONVERGED' | 'CLV_UNDEFINED';

/**
 * A model that cannot be fitted or a prediction that does not exist. Bad
 * input rows throw core's `ValidationError` instead, naming the row and field.
 *
 * @example
 * ```ts
 * try {
 *   fitBgNbd([{ frequency: 0, recency: 0, T: 10 }]);
 * } catch (e) {
 *   if (e instanceof ClvError && e.code === 'CLV_NOT_IDENTIFIABLE') console.log(e.message);
 * }
 * ```
 */
export class ClvError extends CrmError {
  declare readonly code: ClvErrorCode;

  constructor(code: ClvErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
