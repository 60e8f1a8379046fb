import { ValidationError, type ValidationIssue } from '@crmkit/core';
import type { RfmCustomer } from './rfm';

/**
 * The facts a rule segment's condition reads, by path:
 *
 * - `customer.*` — the customer record: `customer.kind`,
 *   `customer.attributes.industry`, `customer.tags` (use `contains`),
 *   `customer.createdAt`, …
 * - `rfm.*` — `rfm.r`, `rfm.f`, `rfm.m`, `rfm.fm`, `rfm.score` (mean of R, F,
 *   M), `rfm.code` (`'545'`), `rfm.segment`, `rfm.recencyDays`,
 *   `rfm.frequency`, `rfm.monetary` (Money; compares exactly with numbers);
 *   absent for a customer without orders;
 * - `tier` — the value tier's name;
 * - `metrics.*` — whatever the caller computed per customer: CLV, predicted
 *   CLV, satisfaction (NPS, CSAT), lifecycle stage, churn risk…
 *
 * @example
 * ```ts
 * const facts: CustomerFacts = { customer: { id: 'c1', tags: ['vip'] }, rfm, tier: 'strategic', metrics: { clv: 1800, lifecycleStage: 'active' } };
 * ```
 */
export interface CustomerFacts {
  /** The customer record (a core `Customer`, or at least its id). */
  readonly customer: { readonly id: string; readonly [field: string]: unknown };
  /** Their RFM, when they have orders. */
  readonly rfm?: RfmCustomer | undefined;
  /** Their value tier. */
  readonly tier?: string | undefined;
  /** Metrics computed elsewhere, by name. */
  readonly metrics?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Builds the {@link CustomerFacts} a rule segment reads. What is unknown
 * stays `undefined`, which rules read as a missing fact (so `exists` and
 * `not exists` work). A customer without a string id, or parts of the wrong
 * kind, throw `ValidationError` naming the field.
 *
 * @example
 * ```ts
 * segments.explain(customerFacts({ customer, rfm: result.customers[0], metrics: { satisfaction: 9 } }));
 * ```
 */
export function customerFacts(input: {
  readonly customer: CustomerFacts['customer'];
  readonly rfm?: RfmCustomer | undefined;
  readonly tier?: string | undefined;
  readonly metrics?: Readonly<Record<string, unknown>> | undefined;
}): CustomerFacts {
  const issues: ValidationIssue[] = [];
  if (typeof input?.customer?.id !== 'string') {
    issues.push({ path: ['customer', 'id'], message: 'must be a string', code: 'invalid_type' });
  }
  if (input?.rfm !== undefined && typeof input.rfm?.customerId !== 'string') {
    issues.push({ path: ['rfm'], message: 'must be a customer of scoreRfm', code: 'invalid_type' });
  }
  if (input?.tier !== undefined && typeof input.tier !== 'string') {
    issues.push({ path: ['tier'], message: 'must be a string', code: 'invalid_type' });
  }
  if (input?.metrics !== undefined && (typeof input.metrics !== 'object' || input.metrics === null)) {
    issues.push({ path: ['metrics'], message: 'must be an object of metrics by name', code: 'invalid_type' });
  }
  if (issues.length > 0) throw new ValidationError('customer facts', issues);
  return { customer: input.customer, rfm: input.rfm, tier: input.tier, metrics: input.metrics };
}
