import { type Interaction, type InteractionInput, NotFoundError, VersionConflictError } from '@crmkit/core';
import { z } from 'zod';
import { type Ctx, entry, inTransaction, record } from './context';
import { updateIndexes } from './indexes';
import { indexesIn, PII_PREFIX } from './sealing';

/**
 * Options of {@link ProtectedStorage.eraseSubject}: how to erase, and why
 * (written to the audit trail).
 *
 * - `shred` — crypto-shredding: the customer's data key is destroyed, so every
 *   copy of its ciphertext (this store, replicas, backups) is unreadable for
 *   good; the row keeps its id and non-personal fields.
 * - `delete` — as `shred`, and the ciphertext, external ids and consent are
 *   removed from the row too, leaving a pseudonymous stub (id, kind, dates,
 *   tags, non-sensitive attributes).
 *
 * Both remove the blind indexes and the free text of the customer's
 * interactions (`note`, `comment`, `text`), and keep the id, so orders,
 * points ledgers and aggregates stay consistent: nothing links the id to a
 * person any more.
 *
 * @example
 * ```ts
 * EraseOptionsSchema.parse({ mode: 'shred', reason: 'GDPR art. 17 request #4411' });
 * ```
 */
export const EraseOptionsSchema = z
  .object({
    mode: z.enum(['shred', 'delete']),
    reason: z.string().min(1).max(1000).optional(),
  })
  .strict();

/**
 * What {@link EraseOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: EraseOptions = { mode: 'delete', reason: 'CCPA deletion request' };
 * ```
 */
export type EraseOptions = z.input<typeof EraseOptionsSchema>;

/**
 * What an erasure did.
 *
 * @example
 * ```ts
 * const report: ErasureReport = await crm.eraseSubject('c1', { mode: 'shred' });
 * report.interactionsScrubbed; // 2
 * ```
 */
export interface ErasureReport {
  /** The erased customer. */
  readonly customerId: string;
  /** `shred`, `delete`, or `remove` (the repository's `delete`: the row itself is gone). */
  readonly mode: 'shred' | 'delete' | 'remove';
  /** Interactions whose free text was removed. */
  readonly interactionsScrubbed: number;
  /** Blind index entries removed. */
  readonly indexesRemoved: number;
}

const FREE_TEXT = ['note', 'comment', 'text'] as const;

/** Erases one customer in a transaction of the view's storage (see {@link EraseOptionsSchema}). */
export async function eraseCustomer(
  ctx: Ctx,
  id: string,
  options: {
    mode: 'shred' | 'delete' | 'remove';
    expectedVersion?: number | undefined;
    reason?: string | undefined;
  },
): Promise<ErasureReport> {
  const { core } = ctx;
  return inTransaction(ctx, async (inner) => {
    const tx = inner.base;
    const current = await tx.customers.get(id);
    if (current === undefined) throw new NotFoundError('customer', id);
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
      throw new VersionConflictError('customer', id, options.expectedVersion, current.version);
    }
    await core.dataKeys.shred(tx.documents, id, await core.dataKeys.load(tx.documents, id), core.clock.now());
    const indexes = indexesIn(current.value);
    await updateIndexes(tx, id, indexes, new Map());

    const withText: string[] = [];
    for await (const interaction of tx.interactions.list({ customerId: id })) {
      if (FREE_TEXT.some((f) => (interaction as Record<string, unknown>)[f] !== undefined))
        withText.push(interaction.id);
    }
    for (const interactionId of withText) {
      const stored = await tx.interactions.get(interactionId);
      if (stored === undefined) continue;
      const scrubbed: Record<string, unknown> = { ...(stored.value as Interaction) };
      for (const f of FREE_TEXT) delete scrubbed[f];
      await tx.interactions.update(interactionId, scrubbed as InteractionInput, {
        expectedVersion: stored.version,
      });
    }

    if (options.mode === 'remove') {
      await tx.customers.delete(id, { expectedVersion: current.version });
    } else {
      const attributes: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(current.value.attributes)) {
        if (key.startsWith('__') && (options.mode === 'delete' || !key.startsWith(PII_PREFIX))) continue;
        attributes[key] = value;
      }
      const row = { ...current.value, attributes } as Record<string, unknown>;
      if (options.mode === 'delete') {
        row['externalIds'] = {};
        row['consent'] = {};
      }
      await tx.customers.update(id, row as typeof current.value, { expectedVersion: current.version });
    }
    await record(inner, [
      entry(ctx, 'subject.erase', [], {
        customerId: id,
        details: { mode: options.mode, interactionsScrubbed: withText.length },
        ...(options.reason === undefined ? {} : { reason: options.reason }),
      }),
    ]);
    return {
      customerId: id,
      mode: options.mode,
      interactionsScrubbed: withText.length,
      indexesRemoved: indexes.size,
    };
  });
}
