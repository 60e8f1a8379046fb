import type { Customer } from '@crmkit/core';
import { z } from 'zod';

/**
 * Consent purposes crmkit packages ask about. Any other non-empty string is
 * a valid purpose too (core's `Customer.consent` is keyed by purpose).
 *
 * - `marketing.email`, `marketing.sms`, `marketing.push` — campaigns, win-back and loyalty messages per channel
 * - `profiling` — segmentation, scoring and churn prediction on personal data
 * - `analytics` — aggregate reporting
 * - `third-party` — sharing with partners
 *
 * @example
 * ```ts
 * ConsentPurposeSchema.parse('marketing.email');
 * ```
 */
export const ConsentPurposeSchema = z.union([
  z.enum(['marketing.email', 'marketing.sms', 'marketing.push', 'profiling', 'analytics', 'third-party']),
  z.string().min(1).max(100),
]);

/**
 * A consent purpose (see {@link ConsentPurposeSchema}).
 *
 * @example
 * ```ts
 * const purpose: ConsentPurpose = 'profiling';
 * ```
 */
export type ConsentPurpose = z.infer<typeof ConsentPurposeSchema>;

/**
 * Whether a customer has consented to a purpose: the latest record for it is
 * a grant, given at or before `asOf` when that is given. No record means no
 * consent. Other packages call this before profiling or messaging a
 * customer (segmentation, churn playbooks, loyalty communications).
 *
 * @example
 * ```ts
 * if (hasConsent(customer, 'marketing.email')) queueEmail(customer.id);
 * hasConsent(customer, 'profiling', { asOf: new Date('2026-01-01') });
 * ```
 */
export function hasConsent(
  customer: Pick<Customer, 'consent'>,
  purpose: ConsentPurpose,
  options: { readonly asOf?: Date } = {},
): boolean {
  const record = customer.consent?.[purpose];
  if (record === undefined || !record.granted) return false;
  return options.asOf === undefined || record.at.getTime() <= options.asOf.getTime();
}

/**
 * Keeps only the customers who consented to a purpose, streaming.
 *
 * @example
 * ```ts
 * for await (const c of withConsent(storage.customers.list(), 'marketing.email')) send(c);
 * ```
 */
export async function* withConsent<C extends Pick<Customer, 'consent'>>(
  customers: AsyncIterable<C> | Iterable<C>,
  purpose: ConsentPurpose,
  options: { readonly asOf?: Date } = {},
): AsyncIterable<C> {
  for await (const customer of customers) if (hasConsent(customer, purpose, options)) yield customer;
}
