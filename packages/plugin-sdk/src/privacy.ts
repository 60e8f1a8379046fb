import type { Customer, Interaction } from '@crmkit/core';
import type { Classification } from '@crmkit/privacy';
import { z } from 'zod';
import type { AccessPolicy, AccessRequest } from './capabilities';

/**
 * The host's privacy settings, used with a storage from `@crmkit/privacy`'s
 * `createProtectedStorage` (see {@link CrmOptionsSchema}):
 *
 * - `pluginRoles` — the privacy roles of each plugin, by plugin name
 *   (default `['plugin']` for every plugin: every field class readable,
 *   sensitive fields masked unless the plugin holds `customers:pii`)
 *
 * @example
 * ```ts
 * PrivacyOptionsSchema.parse({ pluginRoles: { 'churn-alert': ['analyst'] } });
 * ```
 */
export const PrivacyOptionsSchema = z
  .object({
    pluginRoles: z.record(z.string().min(1), z.array(z.string().min(1)).readonly()).optional(),
  })
  .strict();

/**
 * What {@link PrivacyOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const privacy: PrivacyOptions = { pluginRoles: { mailer: ['marketing'] } };
 * ```
 */
export type PrivacyOptions = z.input<typeof PrivacyOptionsSchema>;

/**
 * The default {@link AccessPolicy} of a host over a protected storage: every
 * declared capability is granted but `customers:pii`, which needs an explicit
 * grant (e.g. `allowList({ loyalty: '*' })`).
 *
 * @example
 * ```ts
 * grantDeclaredWithoutPii.decide({ plugin: 'loyalty', version: '1.0.0', capability: 'customers:pii' }).granted; // false
 * ```
 */
export const grantDeclaredWithoutPii: AccessPolicy = Object.freeze({
  decide: ({ capability }: AccessRequest) =>
    capability === 'customers:pii'
      ? ({
          granted: false,
          reason: 'with a protected storage, customers:pii needs an explicit grant in the access policy',
        } as const)
      : ({ granted: true } as const),
});

const ATTRIBUTES = 'attributes.';

/** A customer without its sensitive fields and attributes (what the outbox and app listeners get). */
export function withholdCustomer(customer: Customer, classification: Classification): Customer {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(customer)) {
    if (key === 'attributes' || classification.classOf(key) !== 'sensitive') out[key] = value;
  }
  out['attributes'] = Object.fromEntries(
    Object.entries(customer.attributes).filter(
      ([key]) => classification.classOf(`${ATTRIBUTES}${key}`) !== 'sensitive',
    ),
  );
  return out as Customer;
}

/** An interaction without its sensitive free text. */
export function withholdInteraction(interaction: Interaction, classification: Classification): Interaction {
  const out = { ...interaction } as Record<string, unknown>;
  for (const field of classification.sensitiveInteractionFields) delete out[field];
  return out as Interaction;
}

/** Puts the sensitive fields of `seen` (as a plugin's view read them: plain or masked) into `withheld`. */
export function revealCustomer(withheld: Customer, seen: Customer, classification: Classification): Customer {
  const out: Record<string, unknown> = { ...withheld, attributes: { ...withheld.attributes } };
  for (const [key, value] of Object.entries(seen)) {
    if (key !== 'attributes' && classification.classOf(key) === 'sensitive') out[key] = value;
  }
  for (const [key, value] of Object.entries(seen.attributes)) {
    if (classification.classOf(`${ATTRIBUTES}${key}`) === 'sensitive') {
      (out['attributes'] as Record<string, unknown>)[key] = value;
    }
  }
  return out as Customer;
}

/** Puts the sensitive free text of `seen` into `withheld`. */
export function revealInteraction(
  withheld: Interaction,
  seen: Interaction,
  classification: Classification,
): Interaction {
  const out = { ...withheld } as Record<string, unknown>;
  for (const field of classification.sensitiveInteractionFields) {
    const value = (seen as Record<string, unknown>)[field];
    if (value !== undefined) out[field] = value;
  }
  return out as Interaction;
}
