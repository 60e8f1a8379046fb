import { type Customer, type CustomerInput, isCrmError, parseWith } from '@crmkit/core';
import { z } from 'zod';
import { type Ctx, entry, record, requireCapability } from './context';
import { resealInteraction } from './interactions';
import { resealRow, versionsIn } from './sealing';

/**
 * Options of {@link ProtectedStorage.rotateKeys}: rows read per round trip,
 * and `force` to give every customer a new data key even if its current one
 * is already wrapped under the active master key (after a suspected data key
 * leak).
 *
 * @example
 * ```ts
 * RotateKeysOptionsSchema.parse({ batchSize: 1000 });
 * ```
 */
export const RotateKeysOptionsSchema = z
  .object({
    batchSize: z.number().int().min(1).max(10_000).default(500),
    force: z.boolean().default(false),
  })
  .strict();

/**
 * What {@link RotateKeysOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: RotateKeysOptions = { force: true };
 * ```
 */
export type RotateKeysOptions = z.input<typeof RotateKeysOptionsSchema>;

/**
 * What a rotation did. When it returns, no customer's data is under any
 * master key but `activeKeyId` any more, so older master keys can be retired.
 *
 * @example
 * ```ts
 * const report: RotationReport = await crm.rotateKeys();
 * console.log(`${report.rotated} of ${report.scanned} customers re-encrypted under ${report.activeKeyId}`);
 * ```
 */
export interface RotationReport {
  /** The master key everything is now under. */
  readonly activeKeyId: string;
  /** Customers read. */
  readonly scanned: number;
  /** Customers given a new data key, their fields re-encrypted. */
  readonly rotated: number;
  /** Customers already current, erased, or without sensitive data. */
  readonly skipped: number;
}

type Outcome = 'rotated' | 'skipped';

async function rotateOne(ctx: Ctx, id: string, activeKeyId: string, force: boolean): Promise<Outcome> {
  const { core } = ctx;
  return ctx.base.withTransaction(async (tx) => {
    const current = await tx.customers.get(id);
    if (current === undefined) return 'skipped';
    const keys = await core.dataKeys.load(tx.documents, id);
    const active = keys.versions.get(keys.active);
    if (keys.shredded || active === undefined) return 'skipped';
    const used = versionsIn(current.value);
    const current_ = used.size <= 1 && (used.size === 0 || used.has(active.version));
    if (!force && active.kek === activeKeyId && keys.versions.size === 1 && current_) return 'skipped';
    const version = Math.max(...keys.versions.keys()) + 1;
    const fresh = await core.dataKeys.create(id, version);
    const oldKey = await core.dataKeys.unwrap(id, active);
    const resealed: CustomerInput = resealRow(
      current.value as Customer,
      { key: oldKey, version: active.version },
      { key: fresh.key, version },
      core.randomBytes,
    );
    await tx.customers.update(id, resealed, { expectedVersion: current.version });
    const interactions: string[] = [];
    for await (const interaction of tx.interactions.list({ customerId: id }))
      interactions.push(interaction.id);
    for (const interactionId of interactions) {
      const stored = await tx.interactions.get(interactionId);
      if (stored === undefined) continue;
      const from = { key: oldKey, version: active.version };
      const next = resealInteraction(stored.value, from, { key: fresh.key, version }, core.randomBytes);
      if (next !== undefined)
        await tx.interactions.update(interactionId, next, { expectedVersion: stored.version });
    }
    await core.dataKeys.save(tx.documents, id, keys, [fresh.entry], version);
    return 'rotated';
  });
}

/**
 * Rotates keys in one streaming pass over the customers: each customer whose
 * data key is wrapped under an older master key (or every one, with
 * `force`) gets a new data key under the active master key and has its
 * fields re-encrypted, in its own small transaction. Reads continue
 * throughout (a reader that meets a just-rotated key re-reads the row), old
 * master keys stay readable until the pass is done, and a pass stopped
 * half-way is resumed by running it again. Needs `keys.rotate`.
 */
export async function rotateKeys(ctx: Ctx, options: RotateKeysOptions = {}): Promise<RotationReport> {
  const { batchSize, force } = parseWith(RotateKeysOptionsSchema, 'rotation options', options);
  await requireCapability(ctx, 'keys.rotate', 'keys.rotate');
  const activeKeyId = await ctx.core.keys.activeKeyId();
  let scanned = 0;
  let rotated = 0;
  for await (const customer of ctx.base.customers.list({ batchSize })) {
    scanned += 1;
    for (let attempt = 0; ; attempt++) {
      try {
        if ((await rotateOne(ctx, customer.id, activeKeyId, force)) === 'rotated') rotated += 1;
        break;
      } catch (error) {
        // A concurrent writer changed the customer; read it again and retry.
        if (!isCrmError(error, 'VERSION_CONFLICT') || attempt >= 10) throw error;
      }
    }
  }
  const report = { activeKeyId, scanned, rotated, skipped: scanned - rotated };
  await record(ctx, [entry(ctx, 'keys.rotate', [], { details: { ...report } })]);
  return report;
}
