import { invalid } from './source';

/**
 * A rate with its parts, so a caller can audit it: `value = numerator ÷
 * denominator` as a JavaScript number (IEEE-754 double, not rounded further;
 * round only for display). When the denominator is 0 the rate is undefined
 * and `value` is `null` — never `NaN` or `Infinity`.
 *
 * @example
 * ```ts
 * const r: Rate = { numerator: 3, denominator: 4, value: 0.75 };
 * ```
 */
export interface Rate {
  /** What was counted (lost customers, promoters, …). */
  readonly numerator: number;
  /** What it is counted against (customers at start, responses, …). */
  readonly denominator: number;
  /** `numerator / denominator`, or `null` when the denominator is 0. */
  readonly value: number | null;
}

/**
 * Builds a {@link Rate} from two non-negative counts; a zero denominator
 * gives `value: null`. Throws `ValidationError` for negative or non-finite
 * counts.
 *
 * @example
 * ```ts
 * rate(1, 4).value; // 0.25
 * rate(0, 0).value; // null
 * ```
 */
export function rate(numerator: number, denominator: number): Rate {
  if (!Number.isFinite(numerator) || numerator < 0)
    invalid('rate', ['numerator'], 'must be a finite number ≥ 0');
  if (!Number.isFinite(denominator) || denominator < 0)
    invalid('rate', ['denominator'], 'must be a finite number ≥ 0');
  return { numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

/**
 * The complement of a rate over the same denominator: `(d − n) ÷ d`
 * (retention from churn, passives from the rest).
 *
 * @example
 * ```ts
 * complement(rate(1, 4)).value; // 0.75
 * ```
 */
export function complement(r: Rate): Rate {
  return rate(r.denominator - r.numerator, r.denominator);
}
