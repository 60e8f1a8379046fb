import type { Clock, Storage } from '@crmkit/core';
import type { AccessGuard, Actor } from './access';
import type { AuditWriter, NewAuditEntry } from './audit';
import type { BlindIndexKind } from './blind-index';
import type { Classification } from './classification';
import type { DataKeys } from './data-keys';
import { AccessDeniedError } from './errors';
import type { KeyProvider } from './keys';
import { defaultMaskFor } from './masking';
import type { RandomBytes } from './random-bytes';
import type { FieldView } from './sealing';

/** Everything one protected storage shares between its views. */
export interface Core {
  readonly root: Storage;
  readonly keys: KeyProvider;
  readonly indexKey: Uint8Array;
  readonly classification: Classification;
  readonly clock: Clock;
  readonly randomBytes: RandomBytes;
  readonly blindIndexes: readonly BlindIndexKind[];
  readonly guard: AccessGuard;
  readonly audit: AuditWriter;
  readonly dataKeys: DataKeys;
  readonly subjectDocuments: readonly string[];
  readonly subjectStreams: (customerId: string) => readonly string[];
}

/** One view: the storage it works on (root or a transaction), the actor, and denials waiting for the transaction to end. */
export interface Ctx {
  readonly core: Core;
  readonly base: Storage;
  readonly actor: Actor;
  readonly pending: NewAuditEntry[] | undefined;
}

/** An audit entry for the view's actor. */
export function entry(
  ctx: Ctx,
  action: string,
  fields: readonly string[],
  extra: Partial<NewAuditEntry> = {},
): NewAuditEntry {
  return {
    actorId: ctx.actor.id,
    actorKind: ctx.actor.kind,
    action,
    outcome: 'allowed',
    fields: [...fields],
    ...(ctx.actor.purpose === undefined ? {} : { purpose: ctx.actor.purpose }),
    ...extra,
  };
}

/** Appends allowed-action audit entries through the view's storage (inside its transaction, if any). */
export function record(ctx: Ctx, entries: readonly NewAuditEntry[]): Promise<void> {
  return ctx.core.audit.append(ctx.base.events, entries);
}

/**
 * Audits a denial and throws {@link AccessDeniedError}. Outside a transaction
 * the denial is written at once; inside one it is written when the
 * transaction ends (committed or not), so a rollback cannot hide it.
 */
export async function deny(
  ctx: Ctx,
  action: string,
  reason: string,
  fields: readonly string[] = [],
  customerId?: string,
): Promise<never> {
  await auditDenial(ctx, action, reason, fields, customerId);
  throw new AccessDeniedError(ctx.actor.id, action, reason, fields, customerId);
}

/** Audits a denial without throwing (see {@link deny} for when it is written). */
export async function auditDenial(
  ctx: Ctx,
  action: string,
  reason: string,
  fields: readonly string[] = [],
  customerId?: string,
): Promise<void> {
  const denied = entry(ctx, action, fields, {
    outcome: 'denied',
    reason,
    ...(customerId === undefined ? {} : { customerId }),
  });
  if (ctx.pending === undefined) await ctx.core.audit.append(ctx.core.root.events, [denied]);
  else ctx.pending.push(denied);
}

/** Throws (audited) unless the actor holds the capability. */
export async function requireCapability(
  ctx: Ctx,
  capability: Parameters<AccessGuard['can']>[1],
  action: string,
  customerId?: string,
): Promise<void> {
  if (!ctx.core.guard.can(ctx.actor, capability)) {
    await deny(ctx, action, `needs capability ${capability}`, [], customerId);
  }
}

/** How the view's actor sees one field path. */
export function viewOf(ctx: Ctx, path: string): FieldView {
  const permission = ctx.core.guard.fieldPermission(ctx.actor, ctx.core.classification.classOf(path));
  return { read: permission.read, mask: ctx.core.guard.maskFor(ctx.actor, path) ?? defaultMaskFor(path) };
}

/** A full-access view of every field (exports, rotation). */
export const PLAIN_VIEW = (path: string): FieldView => ({ read: 'plain', mask: defaultMaskFor(path) });

/**
 * Runs `work` in a transaction of the view's storage (joining an open one).
 * Denials raised inside are audited after the transaction ends, through the
 * root storage, so a rollback never removes them and no write waits on the
 * transaction's own lock.
 */
export async function inTransaction<T>(ctx: Ctx, work: (inner: Ctx) => Promise<T>): Promise<T> {
  const pending = ctx.pending ?? [];
  try {
    return await ctx.base.withTransaction((tx) => work({ ...ctx, base: tx, pending }));
  } finally {
    if (ctx.pending === undefined && pending.length > 0) {
      await ctx.core.audit.append(ctx.core.root.events, pending.splice(0));
    }
  }
}
