import { type Customer, parseWith } from '@crmkit/core';
import { z } from 'zod';

/**
 * What a plugin may ask the host for, beyond its own storage, clock, logger
 * and hooks (which every plugin gets):
 *
 * - `customers:read` — read customers, without personal data
 * - `customers:pii` — see personal data (name, email, phone, birthday,
 *   external ids) in customer reads and in `customer.*` events
 * - `orders:read` — read orders
 * - `interactions:read` — read interactions
 * - `events:emit` — publish domain events
 *
 * @example
 * ```ts
 * CapabilitySchema.parse('orders:read');
 * ```
 */
export const CapabilitySchema = z.enum([
  'customers:read',
  'customers:pii',
  'orders:read',
  'interactions:read',
  'events:emit',
]);

/**
 * One capability (see {@link CapabilitySchema}).
 *
 * @example
 * ```ts
 * const needs: Capability[] = ['customers:read', 'customers:pii'];
 * ```
 */
export type Capability = z.infer<typeof CapabilitySchema>;

/**
 * What the host asks an {@link AccessPolicy}: may this plugin have this
 * capability?
 *
 * @example
 * ```ts
 * const request: AccessRequest = { plugin: 'loyalty', version: '1.0.0', capability: 'customers:pii' };
 * ```
 */
export interface AccessRequest {
  /** The plugin's name. */
  readonly plugin: string;
  /** The plugin's version. */
  readonly version: string;
  /** The capability it declared. */
  readonly capability: Capability;
}

/**
 * An {@link AccessPolicy}'s answer.
 *
 * @example
 * ```ts
 * const no: AccessDecision = { granted: false, reason: 'PII is reserved to the support team' };
 * ```
 */
export type AccessDecision =
  | { readonly granted: true }
  | { readonly granted: false; readonly reason: string };

/**
 * One use of a granted capability, reported to {@link AccessPolicy.record}
 * for an audit trail.
 *
 * @example
 * ```ts
 * const use: AccessUse = { plugin: 'loyalty', capability: 'customers:pii', operation: 'customers.get', target: 'c1', at: new Date() };
 * ```
 */
export interface AccessUse {
  /** The plugin. */
  readonly plugin: string;
  /** The capability used. */
  readonly capability: Capability;
  /** What it did, e.g. `customers.get`, `events.emit`, `deliver customer.created`. */
  readonly operation: string;
  /** The record or event concerned, when there is one. */
  readonly target?: string;
  /** When (from the host's clock). */
  readonly at: Date;
}

/**
 * Decides which declared capabilities a plugin gets. The host asks once per
 * declared capability when it registers the plugin; a plugin only ever gets
 * what it declared **and** the policy granted. A policy may also `record`
 * every use (an audit trail). `@crmkit/privacy` can implement this interface
 * with roles and consent; the default, {@link grantDeclared}, grants what
 * was declared.
 *
 * @example
 * ```ts
 * const policy: AccessPolicy = {
 *   decide: (r) => (r.capability === 'customers:pii' ? { granted: false, reason: 'no PII for plugins' } : { granted: true }),
 *   record: (use) => audit.push(use),
 * };
 * ```
 */
export interface AccessPolicy {
  /** May `request.plugin` have `request.capability`? */
  decide(request: AccessRequest): AccessDecision;
  /** Called on each use of a granted capability. */
  record?(use: AccessUse): void;
}

/**
 * The default {@link AccessPolicy}: every declared capability is granted.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ clock, plugins, accessPolicy: grantDeclared });
 * ```
 */
export const grantDeclared: AccessPolicy = Object.freeze({ decide: () => ({ granted: true }) as const });

/**
 * A policy from an allow list: each plugin gets only the listed capabilities
 * (`'*'` for all it declared); unlisted plugins get none.
 *
 * @example
 * ```ts
 * const policy = allowList({ loyalty: ['customers:read', 'customers:pii'], 'churn-alert': '*' });
 * ```
 */
export function allowList(grants: Readonly<Record<string, readonly Capability[] | '*'>>): AccessPolicy {
  const table = parseWith(
    z.record(z.string(), z.union([z.literal('*'), z.array(CapabilitySchema)])),
    'allow list',
    grants,
  );
  return {
    decide({ plugin, capability }) {
      const allowed = Object.hasOwn(table, plugin) ? table[plugin] : undefined;
      if (allowed === '*' || allowed?.includes(capability)) return { granted: true };
      return { granted: false, reason: `not in the host's allow list for ${plugin}` };
    },
  };
}

/**
 * The customer fields that `customers:pii` guards.
 *
 * @example
 * ```ts
 * PII_FIELDS.includes('email'); // true
 * ```
 */
export const PII_FIELDS = ['name', 'email', 'phone', 'birthday', 'externalIds'] as const;

/**
 * A customer as a plugin without `customers:pii` sees it: the personal
 * fields removed.
 *
 * @example
 * ```ts
 * const c: RedactedCustomer = redactCustomer(customer); // no name, email, phone, birthday, externalIds
 * ```
 */
export type RedactedCustomer = Omit<Customer, (typeof PII_FIELDS)[number]>;

/**
 * Removes the personal fields ({@link PII_FIELDS}) from a customer.
 *
 * @example
 * ```ts
 * redactCustomer(customer).email; // undefined
 * ```
 */
export function redactCustomer(customer: Customer): RedactedCustomer {
  const { name: _n, email: _e, phone: _p, birthday: _b, externalIds: _x, ...rest } = customer;
  return rest;
}
