import { CrmError } from '@crmkit/core';

/**
 * An actor tried something its roles (or, for a plugin, its declared and
 * granted capabilities) do not allow. The attempt was written to the audit
 * trail before this was thrown, and nothing was read or written.
 *
 * @example
 * ```ts
 * try { await crm.withAccess(analyst).customers.get('c1'); }
 * catch (e) { if (e instanceof AccessDeniedError) console.log(e.action, e.fields); }
 * ```
 */
export class AccessDeniedError extends CrmError {
  /** Who tried. */
  readonly actorId: string;
  /** What was attempted, e.g. `'customer.update'` or `'subject.export'`. */
  readonly action: string;
  /** The fields (paths) the actor may not write, when the denial is about fields. */
  readonly fields: readonly string[];

  constructor(
    actorId: string,
    action: string,
    reason: string,
    fields: readonly string[] = [],
    customerId?: string,
  ) {
    super('ACCESS_DENIED', `${actorId} may not ${action}: ${reason}`, {
      actorId,
      action,
      reason,
      fields,
      ...(customerId === undefined ? {} : { customerId }),
    });
    this.actorId = actorId;
    this.action = action;
    this.fields = fields;
  }
}

/**
 * A ciphertext could not be decrypted: it was altered, moved to another
 * record or field, or encrypted under a different key. Never returns
 * partial plaintext.
 *
 * @example
 * ```ts
 * try { decryptField(key, context, envelope); }
 * catch (e) { if (e instanceof DecryptionError) alarm(e.details); }
 * ```
 */
export class DecryptionError extends CrmError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('DECRYPTION_FAILED', message, details);
  }
}

/**
 * A key provider does not know a key id (it was retired before every value
 * under it was rotated, or the configuration is wrong).
 *
 * @example
 * ```ts
 * throw new KeyNotFoundError('master-2025');
 * ```
 */
export class KeyNotFoundError extends CrmError {
  constructor(keyId: string) {
    super('KEY_NOT_FOUND', `no key ${JSON.stringify(keyId)}`, { keyId });
  }
}
