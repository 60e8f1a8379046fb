import {
  type Customer,
  type CustomerInput,
  type CustomerQuery,
  type CustomerRepository,
  CustomerSchema,
  NotFoundError,
  parseWith,
  type Storage,
  ValidationError,
  type Versioned,
} from '@crmkit/core';
import { z } from 'zod';
import { canonicalJson } from './canonical';
import {
  type Core,
  type Ctx,
  deny,
  entry,
  inTransaction,
  PLAIN_VIEW,
  record,
  requireCapability,
  viewOf,
} from './context';
import type { CustomerKeys } from './data-keys';
import { eraseCustomer } from './erase';
import { DecryptionError } from './errors';
import { updateIndexes } from './indexes';
import { maskValue } from './masking';
import {
  checkReservedAttributes,
  type FieldView,
  indexesIn,
  type Revealed,
  revealCustomer,
  sealCustomer,
} from './sealing';

const EMPTY: Record<string, unknown> = { externalIds: {}, tags: [], consent: {} };

/** Every field path of a customer: top-level fields (but id, attributes) and `attributes.<key>`. */
function pathsOf(customer: Record<string, unknown>): string[] {
  const paths = Object.keys(customer).filter(
    (k) => k !== 'id' && k !== 'attributes' && customer[k] !== undefined,
  );
  const attributes = (customer['attributes'] ?? {}) as Record<string, unknown>;
  return [...paths, ...Object.keys(attributes).map((k) => `attributes.${k}`)];
}

function valueAt(customer: Record<string, unknown>, path: string): unknown {
  if (path.startsWith('attributes.')) {
    return (customer['attributes'] as Record<string, unknown> | undefined)?.[
      path.slice('attributes.'.length)
    ];
  }
  return customer[path];
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** What a reader with this view saw of a value. */
function seenAs(view: FieldView, path: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (view.read === 'plain') return value;
  if (view.read === 'masked' && (typeof value === 'string' || view.mask === 'none')) {
    return maskValue(view.mask, value);
  }
  return EMPTY[path];
}

const relaxed = new Map<string, z.ZodType>();
function relaxedSchema(fields: readonly string[]): z.ZodType<Customer> {
  const key = fields.join(',');
  let schema = relaxed.get(key);
  if (schema === undefined) {
    schema = CustomerSchema.extend(Object.fromEntries(fields.map((f) => [f, z.unknown().optional()])));
    relaxed.set(key, schema);
  }
  return schema as z.ZodType<Customer>;
}

/** Loads a row's keys and opens it for a view, re-reading the row if a rotation replaced its key meanwhile. */
export async function openCustomer(
  core: Core,
  base: Storage,
  row: Versioned<Customer>,
  view: (path: string) => FieldView,
): Promise<{ revealed: Revealed; version: number } | undefined> {
  let current: Versioned<Customer> | undefined = row;
  for (let attempt = 0; attempt < 5 && current !== undefined; attempt++) {
    const id = current.value.id;
    const revealed = await revealCustomer(
      current.value,
      () => core.dataKeys.load(base.documents, id),
      (k) => core.dataKeys.unwrap(current!.value.id, k),
      view,
    );
    if (!revealed.stale) return { revealed, version: current.version };
    current = await base.customers.get(current.value.id);
  }
  if (current === undefined) return undefined;
  throw new DecryptionError('a data key version the record uses is missing', { recordId: row.value.id });
}

/** Seals a validated customer for storage, creating its data key if it needs one. */
async function sealFor(
  core: Core,
  tx: Storage,
  customer: Customer,
  keys: CustomerKeys,
): Promise<CustomerInput> {
  const { classification } = core;
  const needsKey =
    classification.sensitiveFields.some((f) => (customer as Record<string, unknown>)[f] !== undefined) ||
    classification.sensitiveAttributes.some((a) => customer.attributes[a] !== undefined);
  const base = { classification, randomBytes: core.randomBytes, indexKey: core.indexKey };
  const blindIndexes = core.blindIndexes;
  if (!needsKey)
    return sealCustomer(customer, { ...base, blindIndexes, key: new Uint8Array(32), version: 1 });
  const { key, version } = await activeKey(core, tx, customer.id, keys);
  return sealCustomer(customer, { ...base, blindIndexes, key, version });
}

/** A customer's active data key, created (version 1) inside `tx` when it has none. */
export async function activeKey(
  core: Core,
  tx: Storage,
  customerId: string,
  keys: CustomerKeys,
): Promise<{ key: Uint8Array; version: number }> {
  const active = keys.versions.get(keys.active);
  if (active !== undefined) {
    return { key: await core.dataKeys.unwrap(customerId, active), version: active.version };
  }
  const created = await core.dataKeys.create(customerId, 1);
  await core.dataKeys.save(tx.documents, customerId, keys, [created.entry], 1);
  return { key: created.key, version: 1 };
}

async function requireRead(ctx: Ctx, action: string, customerId?: string): Promise<void> {
  if (ctx.core.guard.fieldPermission(ctx.actor, 'public').read === 'none') {
    await deny(ctx, action, 'no read access to customers', [], customerId);
  }
}

async function checkWritable(ctx: Ctx, action: string, paths: readonly string[], customerId: string) {
  const denied = paths.filter(
    (p) => !ctx.core.guard.fieldPermission(ctx.actor, ctx.core.classification.classOf(p)).write,
  );
  if (denied.length > 0) await deny(ctx, action, 'no write access to these fields', denied, customerId);
}

/** Opens a row for the view's actor and audits what it revealed. */
async function present(ctx: Ctx, row: Versioned<Customer>, action: string) {
  const opened = await openCustomer(ctx.core, ctx.base, row, (p) => viewOf(ctx, p));
  if (opened === undefined) return undefined;
  const { revealed, version } = opened;
  if (revealed.plain.length + revealed.masked.length > 0) {
    await record(ctx, [
      entry(ctx, action, revealed.plain, {
        customerId: revealed.customer.id,
        ...(revealed.masked.length > 0 ? { details: { masked: [...revealed.masked] } } : {}),
      }),
    ]);
  }
  return { value: revealed.customer, version };
}

function parseInputs(inputs: readonly unknown[], single: boolean): Customer[] {
  if (single) {
    checkReservedAttributes(inputs[0]);
    return [parseWith(CustomerSchema, 'customer', inputs[0])];
  }
  if (!Array.isArray(inputs)) {
    throw new ValidationError('customers', [{ path: [], message: 'must be an array', code: 'invalid_type' }]);
  }
  for (const [i, input] of inputs.entries()) checkReservedAttributes(input, [i]);
  return parseWith(z.array(CustomerSchema), 'customers', inputs);
}

/** The customers port of a protected view: encrypts on write, decrypts/masks/withholds on read, audits both. */
export function protectedCustomers(ctx: Ctx): CustomerRepository {
  const { core } = ctx;
  const createAll = async (
    inputs: readonly CustomerInput[],
    options: Parameters<CustomerRepository['createMany']>[1],
    single = false,
  ) => {
    const customers = parseInputs(inputs, single);
    for (let i = 0; i < customers.length; i++) {
      await checkWritable(
        ctx,
        'customer.create',
        pathsOf(inputs[i] as Record<string, unknown>),
        customers[i]!.id,
      );
    }
    return inTransaction(ctx, async (inner) => {
      const tx = inner.base;
      const sealed: CustomerInput[] = [];
      for (const customer of customers) {
        sealed.push(await sealFor(core, tx, customer, await core.dataKeys.load(tx.documents, customer.id)));
      }
      const created = await tx.customers.createMany(sealed, options);
      for (const row of created) await updateIndexes(tx, row.value.id, new Map(), indexesIn(row.value));
      await record(
        inner,
        customers.map((c, i) =>
          entry(ctx, 'customer.create', pathsOf(inputs[i] as Record<string, unknown>), { customerId: c.id }),
        ),
      );
      const out: Versioned<Customer>[] = [];
      for (const row of created) {
        const opened = await openCustomer(core, tx, row, (p) => viewOf(ctx, p));
        out.push({ value: opened!.revealed.customer, version: row.version });
      }
      return out;
    });
  };

  /** The listed customers as the actor may see them, a page at a time. */
  async function* shownPages(query?: CustomerQuery): AsyncGenerator<readonly Customer[]> {
    await requireRead(ctx, 'customer.list');
    for await (const page of ctx.base.customers.pages(query)) {
      const shown: Customer[] = [];
      for (const value of page) {
        // The version is not part of a listed record; 0 marks "not read".
        const one = await present(ctx, { value, version: 0 }, 'customer.read');
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
    createMany: (inputs, options) => createAll(inputs, options),

    async get(id) {
      await requireRead(ctx, 'customer.read', typeof id === 'string' ? id : undefined);
      const row = await ctx.base.customers.get(id);
      return row === undefined ? undefined : present(ctx, row, 'customer.read');
    },

    async *list(query?: CustomerQuery) {
      for await (const page of shownPages(query)) yield* page;
    },

    pages: shownPages,

    async count(query) {
      await requireRead(ctx, 'customer.count');
      return ctx.base.customers.count(query);
    },

    async update(id, input, options) {
      checkReservedAttributes(input);
      // Sensitive fields may come back masked (not valid values); the merged result is validated below.
      const next = parseWith(relaxedSchema(core.classification.sensitiveFields), 'customer', input);
      return inTransaction(ctx, async (inner) => {
        const tx = inner.base;
        const current = await tx.customers.get(id);
        if (current === undefined) throw new NotFoundError('customer', id);
        const opened = await openCustomer(core, tx, current, PLAIN_VIEW);
        const plain = opened!.revealed.customer as unknown as Record<string, unknown>;
        const merged: Record<string, unknown> = { id: next.id, attributes: {} };
        const denied: string[] = [];
        const changed: string[] = [];
        const nextRecord = next as unknown as Record<string, unknown>;
        for (const path of new Set([...pathsOf(plain), ...pathsOf(nextRecord)])) {
          const view = viewOf(ctx, path);
          const was = valueAt(plain, path);
          let value = valueAt(nextRecord, path);
          if (view.read !== 'plain' && same(value, seenAs(view, path, was))) value = was;
          else if (!same(value, was)) {
            if (core.guard.fieldPermission(ctx.actor, core.classification.classOf(path)).write)
              changed.push(path);
            else denied.push(path);
          }
          if (value === undefined) continue;
          if (path.startsWith('attributes.')) {
            (merged['attributes'] as Record<string, unknown>)[path.slice('attributes.'.length)] = value;
          } else merged[path] = value;
        }
        if (denied.length > 0)
          await deny(inner, 'customer.update', 'no write access to these fields', denied, id);
        const customer = parseWith(CustomerSchema, 'customer', merged);
        const keys = await core.dataKeys.load(tx.documents, id);
        const sealed = await sealFor(core, tx, customer, keys);
        const updated = await tx.customers.update(id, sealed, options);
        await updateIndexes(tx, id, indexesIn(current.value), indexesIn(updated.value));
        await record(inner, [entry(ctx, 'customer.update', changed, { customerId: id })]);
        const shown = await openCustomer(core, tx, updated, (p) => viewOf(ctx, p));
        return { value: shown!.revealed.customer, version: updated.version };
      });
    },

    async delete(id, options) {
      await requireCapability(ctx, 'subject.erase', 'customer.delete', id);
      await eraseCustomer(ctx, id, { mode: 'remove', expectedVersion: options?.expectedVersion });
    },
  };
}
