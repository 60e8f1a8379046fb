import { NotFoundError, ValidationError, type ValidationIssue } from '@crmkit/core';
import type { ScoreBand } from './quantiles';
import type { RfmCustomer, RfmResult } from './rfm';

/**
 * Why a customer got their RFM scores and segment: per dimension the value,
 * the score and the band of values that score covers in this run, and the
 * segment rule that matched (`null` when the fallback applied).
 *
 * @example
 * ```ts
 * const why: RfmExplanation = explainRfm(result, 'c1');
 * why.recency; // { value: 12, score: 4, band: { score: 4, count: 2, min: 9, max: 20 } }
 * ```
 */
export interface RfmExplanation {
  /** The customer's RFM. */
  readonly customer: RfmCustomer;
  /** Days since the last order, its score and that score's band. */
  readonly recency: DimensionExplanation;
  /** Orders, score and band. */
  readonly frequency: DimensionExplanation;
  /** Net spend as a number, score and band. */
  readonly monetary: DimensionExplanation;
  /** The segment rule that matched, or `null` for the fallback. */
  readonly rule: RfmResult['segmentMap']['segments'][number] | null;
}

/**
 * One dimension of an {@link RfmExplanation}.
 *
 * @example
 * ```ts
 * const d: DimensionExplanation = explainRfm(result, 'c1').frequency;
 * ```
 */
export interface DimensionExplanation {
  /** The customer's value (days, orders, currency units). */
  readonly value: number;
  /** Its score 1–5. */
  readonly score: number;
  /** Which values got that score in this run. */
  readonly band: ScoreBand;
}

/**
 * Explains one customer's RFM in a result: the value, score and score band
 * of each dimension, and the segment rule that matched. Throws
 * `NotFoundError` for a customer the result does not hold, and
 * `ValidationError` (paths `['result']`, `['customerId']`) for arguments of
 * the wrong kind.
 *
 * @example
 * ```ts
 * const why = explainRfm(result, 'c1');
 * `${why.customer.segment}: R ${why.recency.score} (${why.recency.value} days, band ${why.recency.band.min}–${why.recency.band.max})`;
 * ```
 */
export function explainRfm(result: RfmResult, customerId: string): RfmExplanation {
  const issues: ValidationIssue[] = [];
  if (typeof result !== 'object' || result === null || !Array.isArray(result.customers) || !result.scales) {
    issues.push({ path: ['result'], message: 'must be the result of scoreRfm', code: 'invalid_type' });
  }
  if (typeof customerId !== 'string' || customerId.length === 0) {
    issues.push({ path: ['customerId'], message: 'must be a non-empty string', code: 'invalid_type' });
  }
  if (issues.length > 0) throw new ValidationError('RFM explanation', issues);
  const customer = result.customers.find((c) => c.customerId === customerId);
  if (customer === undefined) throw new NotFoundError('RFM customer', customerId);
  const dimension = (name: 'recency' | 'frequency' | 'monetary', value: number, score: number) => ({
    value,
    score,
    band: result.scales[name].bands[score - 1]!,
  });
  return {
    customer,
    recency: dimension('recency', customer.recencyDays, customer.r),
    frequency: dimension('frequency', customer.frequency, customer.f),
    monetary: dimension('monetary', customer.monetary.amount.toNumber(), customer.m),
    rule: result.segmentMap.segments.find((s) => s.name === customer.segment) ?? null,
  };
}
