import { type Clock, type Customer, parseWith, type Storage } from '@crmkit/core';
import {
  type ConsentPurpose,
  ConsentPurposeSchema,
  hasConsent,
  type ProtectedStorage,
} from '@crmkit/privacy';
import { z } from 'zod';
import type { Logger } from './logger';

/**
 * Whether the host makes profiling and customer communications depend on
 * the customer's consent records (core's `Customer.consent`):
 *
 * - `'enforce'` — segments, CLV scoring, churn evaluation and win-back
 *   messages, loyalty notifications skip customers without the needed
 *   consent, read at the moment of each decision
 * - `'ignore'` — every consent check passes (a no-op)
 *
 * The default is `'enforce'` over a `@crmkit/privacy` protected storage and
 * `'ignore'` otherwise (see `CrmOptionsSchema`).
 *
 * @example
 * ```ts
 * ConsentModeSchema.parse('enforce');
 * ```
 */
export const ConsentModeSchema = z.enum(['enforce', 'ignore']);

/**
 * What {@link ConsentModeSchema} accepts.
 *
 * @example
 * ```ts
 * const mode: ConsentMode = 'ignore';
 * ```
 */
export type ConsentMode = z.infer<typeof ConsentModeSchema>;

/**
 * Options of {@link PluginConsent.check}: the `action` the check is for (in
 * the audit trail and the log; default `consent.<purpose>`) and whether a
 * refusal is audited (`audit`, default `true`; batch scans that report
 * their skips as counts may turn it off).
 *
 * @example
 * ```ts
 * const options: ConsentCheckOptions = { action: 'loyalty.notify', audit: true };
 * ```
 */
export interface ConsentCheckOptions {
  /** What the plugin was about to do. */
  readonly action?: string;
  /** Audit a refusal (under privacy); default `true`. */
  readonly audit?: boolean;
}

/**
 * A plugin's view of consent (`ctx.consent`). It needs no capability: it only
 * tells a plugin whether it may go on with one customer and one purpose.
 *
 * @example
 * ```ts
 * if (await ctx.consent.check(customerId, 'marketing.email', { action: 'welcome.email' })) {
 *   await ctx.emit('welcome.email', { customerId }, { customerId });
 * }
 * ```
 */
export interface PluginConsent {
  /** Whether the host enforces consent (see {@link ConsentMode}). */
  readonly enforced: boolean;
  /**
   * Whether the customer consents to `purpose` now: their latest record for
   * it is a grant (an unknown customer does not consent). Always `true` when
   * consent is not enforced. A refusal is logged and, under privacy, audited
   * as a `denied` event of the plugin. A bad id or purpose throws
   * `ValidationError`.
   */
  check(customerId: string, purpose: ConsentPurpose, options?: ConsentCheckOptions): Promise<boolean>;
}

const CheckSchema = z
  .object({
    customerId: z.string().min(1, 'must be a non-empty string'),
    purpose: ConsentPurposeSchema,
    options: z
      .object({ action: z.string().min(1).optional(), audit: z.boolean().optional() })
      .strict()
      .optional(),
  })
  .strict();

/** The host's consent reader: reads each customer's consent at the moment of a decision. */
export interface ConsentGate {
  readonly enforced: boolean;
  /** `undefined` when there is no such customer; `true` when not enforced. */
  consents(customerId: string, purpose: ConsentPurpose): Promise<boolean | undefined>;
  /** Logs a skip and, under privacy, audits it as a denial of `auditor`'s actor. */
  skipped(
    auditor: ProtectedStorage | undefined,
    customerId: string,
    purpose: ConsentPurpose,
    action: string,
    audit?: boolean,
  ): Promise<void>;
  /** The `ctx.consent` of one plugin. */
  forPlugin(auditor: ProtectedStorage | undefined, logger: Logger): PluginConsent;
}

/**
 * Creates the host's consent gate. Under privacy, consent is read through a
 * view that sees no sensitive field (so nothing is decrypted or audited for
 * a check).
 */
export function createConsentGate(
  mode: ConsentMode,
  storage: Storage,
  privacy: ProtectedStorage | undefined,
  clock: Clock,
  logger: Logger,
): ConsentGate {
  const enforced = mode === 'enforce';
  const reader: Storage = privacy
    ? privacy.withAccess({
        id: 'crmkit:consent',
        kind: 'system',
        roles: ['analyst'],
        purpose: 'consent check',
      })
    : storage;
  const consents = async (customerId: string, purpose: ConsentPurpose) => {
    const found = await reader.customers.get(customerId);
    if (found === undefined) return undefined;
    return !enforced || hasConsent(found.value as Pick<Customer, 'consent'>, purpose, { asOf: clock.now() });
  };
  const skipped = async (
    auditor: ProtectedStorage | undefined,
    customerId: string,
    purpose: ConsentPurpose,
    action: string,
    audit = true,
    log: Logger = logger,
  ) => {
    // Batch scans that do not audit report their skips as counts: keep their per-customer lines quiet.
    (audit ? log.info : log.debug).call(log, 'skipped: no consent', { customerId, purpose, action });
    if (audit)
      await auditor?.recordDenial(action, `no ${purpose} consent`, {
        customerId,
        fields: [`consent.${purpose}`],
      });
  };
  return {
    enforced,
    consents,
    skipped,
    forPlugin: (auditor, log) =>
      Object.freeze({
        enforced,
        async check(customerId: string, purpose: ConsentPurpose, options: ConsentCheckOptions = {}) {
          parseWith(CheckSchema, 'consent check', { customerId, purpose, options });
          if (!enforced) return true;
          if ((await consents(customerId, purpose)) === true) return true;
          await skipped(
            auditor,
            customerId,
            purpose,
            options.action ?? `consent.${purpose}`,
            options.audit ?? true,
            log,
          );
          return false;
        },
      }),
  };
}
