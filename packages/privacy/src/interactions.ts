import {
  type Interaction,
  type InteractionInput,
  type InteractionQuery,
  type InteractionRepository,
  InteractionSchema,
  NotFoundError,
  parseWith,
  type Storage,
  ValidationError,
  type Versioned,
} from '@crmkit/core';
import { z } from 'zod';
import type { InteractionTextField } from './classification';
import { type Core, type Ctx, deny, entry, inTransaction, PLAIN_VIEW, record, viewOf } from './context';
import { activeKey } from './customers';
import { keyIdOf, versionOf } from './data-keys';
import { decryptField, encryptField, parseEnvelope } from './envelope';
import type { FieldView } from './sealing';

const MAX_TEXT = 10_000;

/** The AES-GCM record id of an interaction's fields (distinct from any customer id). */
const recordIdOf = (id: string) => `interaction:${id}`;

function textFields(core: Core, value: Record<string, unknown>): InteractionTextField[] {
  return core.classification.sensitiveInteractionFields.filter((f) => typeof value[f] === 'string');
}

/** Encrypts the sensitive free text of a validated interaction under its customer's data key. */
async function seal(core: Core, tx: Storage, interaction: Interaction, path: (string | number)[]) {
  const out = { ...interaction } as Record<string, unknown>;
  const fields = textFields(core, out);
  if (fields.length === 0) return out as InteractionInput;
  const keys = await core.dataKeys.load(tx.documents, interaction.customerId);
  const { key, version } = await activeKey(core, tx, interaction.customerId, keys);
  for (const field of fields) {
    const envelope = encryptField(
      key,
      { recordId: recordIdOf(interaction.id), field, keyId: keyIdOf(version) },
      out[field],
      core.randomBytes,
    );
    if (field !== 'text' && envelope.length > MAX_TEXT) {
      throw new ValidationError('interaction', [
        {
          path: [...path, field],
          message: 'is too long to store encrypted (about 7,400 characters at most)',
          code: 'too_big',
        },
      ]);
    }
    out[field] = envelope;
  }
  return out as InteractionInput;
}

/** Opens a stored interaction for a view; `undefined` fields are withheld or erased. */
async function open(
  core: Core,
  base: Storage,
  stored: Interaction,
  view: (path: string) => FieldView,
): Promise<{ value: Interaction; plain: string[]; masked: string[]; stale: boolean }> {
  const out = { ...stored } as Record<string, unknown>;
  const plain: string[] = [];
  const masked: string[] = [];
  let keys: Awaited<ReturnType<typeof core.dataKeys.load>> | undefined;
  for (const field of textFields(core, out)) {
    const envelope = String(out[field]);
    const v = view(`interaction.${field}`);
    delete out[field];
    const parsed = parseEnvelope(envelope);
    if (v.read === 'none') continue;
    if (v.read === 'masked') {
      out[field] = '***';
      masked.push(field);
      continue;
    }
    if (parsed === undefined) {
      out[field] = envelope; // written before protection: stored as given
      continue;
    }
    keys ??= await core.dataKeys.load(base.documents, stored.customerId);
    const wrapped = keys.versions.get(versionOf(parsed.keyId) ?? 0);
    if (wrapped === undefined) {
      if (keys.shredded) continue;
      return { value: stored, plain: [], masked: [], stale: true };
    }
    const key = await core.dataKeys.unwrap(stored.customerId, wrapped);
    out[field] = decryptField(key, { recordId: recordIdOf(stored.id), field, keyId: parsed.keyId }, envelope);
    plain.push(field);
  }
  return { value: out as Interaction, plain, masked, stale: false };
}

/** Opens an interaction, re-reading it if a rotation replaced its key meanwhile. */
export async function openInteraction(
  core: Core,
  base: Storage,
  row: Versioned<Interaction>,
  view: (path: string) => FieldView,
) {
  let current: Versioned<Interaction> | undefined = row;
  for (let attempt = 0; attempt < 5 && current !== undefined; attempt++) {
    const opened = await open(core, base, current.value, view);
    if (!opened.stale) return { ...opened, version: current.version };
    current = await base.interactions.get(current.value.id);
  }
  if (current === undefined) return undefined;
  throw new ValidationError('interaction', [
    { path: ['id'], message: 'a data key version it uses is missing', code: 'custom' },
  ]);
}

/** Re-encrypts an interaction's envelopes from one data key version to another. */
export function resealInteraction(
  row: Interaction,
  from: { key: Uint8Array; version: number },
  to: { key: Uint8Array; version: number },
  randomBytes: Core['randomBytes'],
): InteractionInput | undefined {
  const out = { ...row } as Record<string, unknown>;
  let changed = false;
  for (const field of ['note', 'comment', 'text'] as const) {
    const envelope = out[field];
    if (typeof envelope !== 'string' || parseEnvelope(envelope)?.keyId !== keyIdOf(from.version)) continue;
    const context = { recordId: recordIdOf(row.id), field, keyId: keyIdOf(from.version) };
    const value = decryptField(from.key, context, envelope);
    out[field] = encryptField(to.key, { ...context, keyId: keyIdOf(to.version) }, value, randomBytes);
    changed = true;
  }
  return changed ? (out as InteractionInput) : undefined;
}

async function present(ctx: Ctx, row: Versioned<Interaction>) {
  const opened = await openInteraction(ctx.core, ctx.base, row, (p) => viewOf(ctx, p));
  if (opened === undefined) return undefined;
  if (opened.plain.length + opened.masked.length > 0) {
    await record(ctx, [
      entry(
        ctx,
        'interaction.read',
        opened.plain.map((f) => `interaction.${f}`),
        {
          customerId: opened.value.customerId,
          ...(opened.masked.length > 0
            ? { details: { masked: opened.masked.map((f) => `interaction.${f}`) } }
            : {}),
        },
      ),
    ]);
  }
  return { value: opened.value, version: opened.version };
}

async function checkWrite(ctx: Ctx, interaction: Interaction, changed: readonly string[]) {
  const denied = changed.filter(
    (f) =>
      !ctx.core.guard.fieldPermission(ctx.actor, ctx.core.classification.classOf(`interaction.${f}`)).write,
  );
  if (denied.length > 0) {
    await deny(
      ctx,
      'interaction.write',
      'no write access to these fields',
      denied.map((f) => `interaction.${f}`),
      interaction.customerId,
    );
  }
}

/**
 * The interactions port of a protected view: the free text of interactions
 * (`note`, `comment`, `text`, when sensitive) is encrypted under the
 * customer's data key and read back decrypted, masked (`***`) or withheld.
 */
export function protectedInteractions(ctx: Ctx): InteractionRepository {
  const { core } = ctx;
  const createAll = async (
    inputs: readonly InteractionInput[],
    options: Parameters<InteractionRepository['createMany']>[1],
    single: boolean,
  ) => {
    const parsed = single
      ? [parseWith(InteractionSchema, 'interaction', inputs[0])]
      : parseWith(z.array(InteractionSchema), 'interactions', inputs);
    for (const interaction of parsed)
      await checkWrite(ctx, interaction, textFields(core, interaction as Record<string, unknown>));
    return inTransaction(ctx, async (inner) => {
      const sealed: InteractionInput[] = [];
      for (const [i, interaction] of parsed.entries())
        sealed.push(await seal(core, inner.base, interaction, single ? [] : [i]));
      const created = await inner.base.interactions.createMany(sealed, options);
      const audited = parsed.filter((p) => textFields(core, p as Record<string, unknown>).length > 0);
      await record(
        inner,
        audited.map((p) =>
          entry(
            ctx,
            'interaction.create',
            textFields(core, p as Record<string, unknown>).map((f) => `interaction.${f}`),
            {
              customerId: p.customerId,
            },
          ),
        ),
      );
      const out: Versioned<Interaction>[] = [];
      for (const row of created) {
        const opened = await openInteraction(core, inner.base, row, (p) => viewOf(ctx, p));
        out.push({ value: opened!.value, version: row.version });
      }
      return out;
    });
  };
  /** The listed interactions as the actor may see them, a page at a time. */
  async function* shownPages(query?: InteractionQuery): AsyncGenerator<readonly Interaction[]> {
    for await (const page of ctx.base.interactions.pages(query)) {
      const shown: Interaction[] = [];
      for (const value of page) {
        const one = await present(ctx, { value, version: 0 });
        if (one !== undefined) shown.push(one.value);
      }
      if (shown.length > 0) yield shown;
    }
  }

  return {
    async create(input, options) {
      const [created] = await createAll([input], options, true);
      return created!;
    },
    createMany: (inputs, options) => createAll(inputs, options, false),
    async get(id) {
      const row = await ctx.base.interactions.get(id);
      return row === undefined ? undefined : present(ctx, row);
    },
    async *list(query) {
      for await (const page of shownPages(query)) yield* page;
    },
    pages: shownPages,
    count: (query) => ctx.base.interactions.count(query),
    async update(id, input, options) {
      const next = parseWith(InteractionSchema, 'interaction', input) as Record<string, unknown>;
      return inTransaction(ctx, async (inner) => {
        const tx = inner.base;
        const current = await tx.interactions.get(id);
        if (current === undefined) throw new NotFoundError('interaction', id);
        const was = (await openInteraction(core, tx, current, PLAIN_VIEW))!.value as Record<string, unknown>;
        const changed: string[] = [];
        for (const field of core.classification.sensitiveInteractionFields) {
          const view = viewOf(ctx, `interaction.${field}`);
          const seen =
            was[field] === undefined || view.read === 'none'
              ? undefined
              : view.read === 'masked'
                ? '***'
                : was[field];
          if (view.read !== 'plain' && next[field] === seen) {
            if (was[field] === undefined) delete next[field];
            else next[field] = was[field];
          } else if (next[field] !== was[field]) changed.push(field);
        }
        await checkWrite(inner, next as Interaction, changed);
        const merged = parseWith(InteractionSchema, 'interaction', next);
        const updated = await tx.interactions.update(id, await seal(core, tx, merged, []), options);
        await record(inner, [
          entry(
            ctx,
            'interaction.update',
            changed.map((f) => `interaction.${f}`),
            { customerId: merged.customerId },
          ),
        ]);
        const shown = await openInteraction(core, tx, updated, (p) => viewOf(ctx, p));
        return { value: shown!.value, version: updated.version };
      });
    },
    delete: (id, options) => ctx.base.interactions.delete(id, options),
  };
}
