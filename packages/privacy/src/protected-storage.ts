import {
  type Clock,
  type Customer,
  type DocumentStore,
  type EventLog,
  NotFoundError,
  parseWith,
  type Storage,
  ValidationError,
  type Versioned,
  type WriteOptions,
} from '@crmkit/core';
import { z } from 'zod';
import {
  type AccessGuard,
  type Actor,
  type ActorInput,
  ActorSchema,
  type Capability,
  CapabilitySchema,
  createAccessGuard,
  type RoleInput,
} from './access';
import { type AuditTrail, AuditWriter, type NewAuditEntry } from './audit';
import { type BlindIndexKind, blindIndex } from './blind-index';
import {
  type Classification,
  defaultClassification,
  type FieldClass,
  FieldClassSchema,
} from './classification';
import { type ConsentPurpose, ConsentPurposeSchema } from './consent';
import {
  auditDenial,
  type Core,
  type Ctx,
  deny,
  entry,
  inTransaction,
  record,
  requireCapability,
  viewOf,
} from './context';
import { openCustomer, protectedCustomers } from './customers';
import { DataKeys } from './data-keys';
import { type EraseOptions, EraseOptionsSchema, type ErasureReport, eraseCustomer } from './erase';
import { idsUnder } from './indexes';
import { protectedInteractions } from './interactions';
import type { KeyProvider } from './keys';
import { minimiseCustomer } from './minimise';
import { cryptoRandomBytes, type RandomBytes } from './random-bytes';
import { type RotateKeysOptions, type RotationReport, rotateKeys } from './rotation';
import { exportSubject, type SubjectExport } from './subject';

const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', `must be ${what}`);

/**
 * Options of {@link createProtectedStorage}.
 *
 * - `keys` — the {@link KeyProvider} wrapping each customer's data key
 * - `indexKey` — at least 32 bytes for the blind indexes (HMAC-SHA256), kept apart from `keys`
 * - `clock` — where audit and consent times come from
 * - `classification` — which fields are sensitive (default {@link defaultClassification})
 * - `roles` — extra or replaced roles ({@link builtInRoles} are always known)
 * - `actor` — who the returned storage acts as (default `{ id: 'service', kind: 'system', roles: ['service'] }`)
 * - `randomBytes` — IVs and data keys (default Node's CSPRNG)
 * - `blindIndexes` — fields with an exact-match index (default email and phone)
 * - `auditStream` — the event stream of the audit trail (default `privacy.audit`)
 * - `subjectData` — what else exports include: document collections keyed by customer id, and event
 *   stream names with `{id}` standing for the customer id (e.g. `ledger:{id}`)
 *
 * @example
 * ```ts
 * ProtectedStorageOptionsSchema.parse({ keys, indexKey, clock: systemClock });
 * ```
 */
export const ProtectedStorageOptionsSchema = z
  .object({
    keys: z.custom<KeyProvider>(
      (k) =>
        typeof (k as KeyProvider | null)?.activeKeyId === 'function' &&
        typeof (k as KeyProvider).wrapKey === 'function' &&
        typeof (k as KeyProvider).unwrapKey === 'function',
      'must be a KeyProvider (activeKeyId, wrapKey, unwrapKey)',
    ),
    indexKey: z
      .custom<Uint8Array>((k) => k instanceof Uint8Array, 'must be bytes')
      .refine((k) => k.length >= 32, 'must be at least 32 bytes'),
    clock: z.custom<Clock>((c) => typeof (c as Clock | null)?.now === 'function', 'must be a Clock'),
    classification: z
      .custom<Classification>(
        (c) => typeof (c as Classification | null)?.classOf === 'function',
        'must come from defineClassification',
      )
      .optional(),
    roles: z.record(z.string(), z.unknown()).optional(),
    actor: z.unknown().optional(),
    randomBytes: fn<RandomBytes>('a function (size) => Uint8Array').optional(),
    blindIndexes: z.array(z.enum(['email', 'phone'])).default(['email', 'phone']),
    auditStream: z.string().min(1).default('privacy.audit'),
    subjectData: z
      .object({
        documents: z.array(z.string().min(1)).default([]),
        streams: z.array(z.string().includes('{id}', { message: 'must contain {id}' })).default([]),
      })
      .strict()
      .default({ documents: [], streams: [] }),
  })
  .strict();

/**
 * What {@link ProtectedStorageOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: ProtectedStorageOptions = {
 *   keys: createStaticKeyProvider({ keys: { k1: masterKey }, activeKeyId: 'k1' }),
 *   indexKey,
 *   clock: systemClock,
 *   subjectData: { documents: ['lifecycle'], streams: ['ledger:{id}'] },
 * };
 * ```
 */
export type ProtectedStorageOptions = Omit<
  z.input<typeof ProtectedStorageOptionsSchema>,
  'roles' | 'actor'
> & {
  /** Extra or replaced roles. */
  readonly roles?: Readonly<Record<string, RoleInput>>;
  /** Who the returned storage acts as. */
  readonly actor?: ActorInput;
};

/**
 * A consent decision: granted or withdrawn, and where it was given
 * (`checkout`, `preference-centre`, `support-call`, …). The time comes from
 * the storage's clock.
 *
 * @example
 * ```ts
 * ConsentDecisionSchema.parse({ granted: true, source: 'newsletter-signup' });
 * ```
 */
export const ConsentDecisionSchema = z
  .object({ granted: z.boolean(), source: z.string().min(1).max(200).optional() })
  .strict();

/**
 * What {@link ConsentDecisionSchema} accepts.
 *
 * @example
 * ```ts
 * const decision: ConsentDecision = { granted: false, source: 'unsubscribe-link' };
 * ```
 */
export type ConsentDecision = z.input<typeof ConsentDecisionSchema>;

/**
 * What an import did: how many customers were stored and which undeclared
 * data was dropped (data minimisation), per row and counted per path.
 *
 * @example
 * ```ts
 * const report: ImportReport = await crm.importCustomers(rows);
 * report.droppedPaths; // { 'attributes.shoeSize': 120 }
 * ```
 */
export interface ImportReport {
  /** Customers created. */
  readonly imported: number;
  /** Rows that had data dropped: their index, id and the dropped paths. */
  readonly dropped: readonly {
    readonly index: number;
    readonly id: unknown;
    readonly paths: readonly string[];
  }[];
  /** How many rows each dropped path appeared in. */
  readonly droppedPaths: Readonly<Record<string, number>>;
}

/**
 * A `Storage` whose customers port encrypts sensitive fields before
 * they reach the wrapped adapter, and reads them back decrypted, masked or
 * withheld depending on the actor; plus the privacy operations. Every view
 * (from {@link ProtectedStorage.withAccess} or a transaction) shares the same
 * keys, roles and audit trail.
 *
 * @example
 * ```ts
 * const crm = createProtectedStorage(createMemoryStorage(), { keys, indexKey, clock: systemClock });
 * await crm.customers.create({ id: 'c1', email: 'ada@example.com', createdAt: '2026-01-05' });
 * (await crm.withAccess({ id: 'u7', roles: ['support'] }).customers.get('c1'))?.value.email; // 'a***@example.com'
 * ```
 */
export interface ProtectedStorage extends Storage {
  /** Who this view acts as. */
  readonly actor: Actor;
  /** The access guard: what any actor may do (for the host facade). */
  readonly guard: AccessGuard;
  /** The field classification in force. */
  readonly classification: Classification;
  /** The audit trail; querying and verifying need `audit.read`. */
  readonly audit: AuditTrail;
  /** The same storage acting as another actor (roles, plugin capabilities, purpose). */
  withAccess(actor: ActorInput): ProtectedStorage;
  /** Runs `work` in a transaction; `tx` is a protected view of the same actor. */
  withTransaction<T>(work: (tx: ProtectedStorage) => Promise<T>): Promise<T>;
  /**
   * Checks that this view's actor holds a capability, for operations the host
   * exposes itself; a denial is audited (as `action`, default the capability)
   * and thrown as {@link AccessDeniedError}.
   */
  authorize(
    capability: Capability,
    context?: { readonly action?: string; readonly customerId?: string },
  ): Promise<void>;
  /**
   * Checks that this view's actor may read (at least masked) or write fields
   * of a class, for operations the host exposes over data that is not a
   * customer field — order facts, segments and CLV read `internal` data,
   * recording an order writes it. A denial is audited (as `action`, default
   * `fields.<access>`) and thrown as {@link AccessDeniedError}.
   */
  authorizeFields(
    fieldClass: FieldClass,
    access: 'read' | 'write',
    context?: { readonly action?: string; readonly customerId?: string },
  ): Promise<void>;
  /**
   * Writes a denial decided outside this package — a host refusing a plugin
   * a capability it did not declare or was not granted — to the audit trail,
   * as a `denied` event of this view's actor. It does not throw: the caller
   * throws its own typed error.
   */
  recordDenial(
    action: string,
    reason: string,
    context?: { readonly customerId?: string; readonly fields?: readonly string[] },
  ): Promise<void>;
  /** Ids of the customers with this email or phone, by blind index (no decryption). */
  findCustomerIds(by: { readonly email: string } | { readonly phone: string }): Promise<string[]>;
  /** Records a consent decision for one purpose; needs `consent.write`. */
  recordConsent(
    customerId: string,
    purpose: ConsentPurpose,
    decision: ConsentDecision,
  ): Promise<Versioned<Customer>>;
  /** Everything held about a customer, as JSON; needs `subject.export`. */
  exportSubject(customerId: string): Promise<SubjectExport>;
  /** Erases a customer's personal data (see {@link EraseOptionsSchema}); needs `subject.erase`. */
  eraseSubject(customerId: string, options: EraseOptions): Promise<ErasureReport>;
  /** Imports customers all-or-nothing, dropping and reporting undeclared data; needs `customers.import`. */
  importCustomers(rows: readonly unknown[], options?: WriteOptions): Promise<ImportReport>;
  /** Re-encrypts every customer under the active master key, streaming; needs `keys.rotate`. */
  rotateKeys(options?: RotateKeysOptions): Promise<RotationReport>;
}

const PROTECTED_PREFIX = 'privacy.';

function guardedDocuments(ctx: Ctx): DocumentStore {
  const documents = ctx.base.documents;
  const check = async (collection: string) => {
    if (typeof collection === 'string' && collection.startsWith(PROTECTED_PREFIX)) {
      await deny(ctx, 'documents.write', `collection ${collection} is kept by @crmkit/privacy`);
    }
  };
  return {
    get: (collection, id) => documents.get(collection, id),
    list: (collection, query) => documents.list(collection, query),
    async put(collection, id, data, options) {
      await check(collection);
      return documents.put(collection, id, data, options);
    },
    async delete(collection, id, options) {
      await check(collection);
      return documents.delete(collection, id, options);
    },
  };
}

function guardedEvents(ctx: Ctx): EventLog {
  const events = ctx.base.events;
  return {
    read: (stream, query) => events.read(stream, query),
    readAll: (query) => events.readAll(query),
    lastSequence: (stream) => events.lastSequence(stream),
    async append(stream, batch, options) {
      if (typeof stream === 'string' && stream.startsWith(PROTECTED_PREFIX)) {
        await deny(ctx, 'events.append', `stream ${stream} is kept by @crmkit/privacy`);
      }
      return events.append(stream, batch, options);
    },
  };
}

function checkId(id: unknown, what = 'customerId'): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new ValidationError(what, [
      { path: [what], message: 'must be a non-empty string', code: 'invalid_type' },
    ]);
  }
}

function view(
  core: Core,
  base: Storage,
  actor: Actor,
  pending: NewAuditEntry[] | undefined,
): ProtectedStorage {
  const ctx: Ctx = { core, base, actor, pending };
  const trail = core.audit.trail(base.events);
  const customers = protectedCustomers(ctx);
  const self: ProtectedStorage = {
    actor,
    guard: core.guard,
    classification: core.classification,
    customers,
    orders: base.orders,
    interactions: protectedInteractions(ctx),
    campaigns: base.campaigns,
    documents: guardedDocuments(ctx),
    events: guardedEvents(ctx),
    audit: {
      stream: trail.stream,
      async *query(query) {
        await requireCapability(ctx, 'audit.read', 'audit.read');
        yield* trail.query(query);
      },
      async verify() {
        await requireCapability(ctx, 'audit.read', 'audit.read');
        return trail.verify();
      },
    },
    withAccess: (input) => view(core, base, parseWith(ActorSchema, 'actor', input), pending),
    async withTransaction(work) {
      if (typeof work !== 'function') {
        throw new ValidationError('transaction', [
          { path: ['work'], message: 'must be a function', code: 'invalid_type' },
        ]);
      }
      if (pending !== undefined) return base.withTransaction((tx) => work(view(core, tx, actor, pending)));
      const queue: NewAuditEntry[] = [];
      try {
        return await base.withTransaction((tx) => work(view(core, tx, actor, queue)));
      } finally {
        if (queue.length > 0) await core.audit.append(core.root.events, queue.splice(0));
      }
    },
    close: () => base.close(),

    async authorize(capability, context = {}) {
      parseWith(CapabilitySchema, 'capability', capability);
      await requireCapability(ctx, capability, context.action ?? capability, context.customerId);
    },

    async authorizeFields(fieldClass, access, context = {}) {
      const cls = parseWith(FieldClassSchema, 'field class', fieldClass);
      const how = parseWith(z.enum(['read', 'write']), 'field access', access);
      const permission = core.guard.fieldPermission(actor, cls);
      const allowed = how === 'read' ? permission.read !== 'none' : permission.write;
      if (!allowed) {
        await deny(
          ctx,
          context.action ?? `fields.${how}`,
          `no ${how} access to ${cls} fields`,
          [],
          context.customerId,
        );
      }
    },

    async recordDenial(action, reason, context = {}) {
      const parsed = parseWith(DenialSchema, 'denial', { action, reason, ...context });
      await auditDenial(ctx, parsed.action, parsed.reason, parsed.fields ?? [], parsed.customerId);
    },

    async findCustomerIds(by) {
      const kind: BlindIndexKind | undefined =
        by !== null && typeof by === 'object'
          ? 'email' in by
            ? 'email'
            : 'phone' in by
              ? 'phone'
              : undefined
          : undefined;
      if (kind === undefined || !core.blindIndexes.includes(kind)) {
        throw new ValidationError('lookup', [
          {
            path: [],
            message: `must be { email } or { phone } with a blind index on it`,
            code: 'invalid_type',
          },
        ]);
      }
      const value = (by as Record<string, unknown>)[kind];
      const index = blindIndex(core.indexKey, kind, value as string);
      if (core.guard.fieldPermission(actor, 'public').read === 'none') {
        await deny(ctx, 'customer.lookup', 'no read access to customers', [kind]);
      }
      const ids = await idsUnder(base, kind, index);
      await record(ctx, [entry(ctx, 'customer.lookup', [kind], { details: { found: ids.length } })]);
      return ids;
    },

    async recordConsent(customerId, purpose, decision) {
      checkId(customerId);
      const validPurpose = parseWith(ConsentPurposeSchema, 'consent purpose', purpose);
      const { granted, source } = parseWith(ConsentDecisionSchema, 'consent decision', decision);
      await requireCapability(ctx, 'consent.write', 'consent.record', customerId);
      return inTransaction(ctx, async (inner) => {
        const tx = inner.base;
        const current = await tx.customers.get(customerId);
        if (current === undefined) throw new NotFoundError('customer', customerId);
        const consent = {
          ...current.value.consent,
          [validPurpose]: { granted, at: core.clock.now(), ...(source === undefined ? {} : { source }) },
        };
        const updated = await tx.customers.update(
          customerId,
          { ...current.value, consent },
          { expectedVersion: current.version },
        );
        await record(inner, [
          entry(ctx, granted ? 'consent.grant' : 'consent.withdraw', [`consent.${validPurpose}`], {
            customerId,
            details: { purpose: validPurpose, ...(source === undefined ? {} : { source }) },
          }),
        ]);
        const shown = await openCustomer(core, tx, updated, (p) => viewOf(ctx, p));
        return { value: shown!.revealed.customer, version: updated.version };
      });
    },

    async exportSubject(customerId) {
      checkId(customerId);
      return exportSubject(ctx, customerId);
    },

    async eraseSubject(customerId, options) {
      checkId(customerId);
      const { mode, reason } = parseWith(EraseOptionsSchema, 'erase options', options);
      await requireCapability(ctx, 'subject.erase', 'subject.erase', customerId);
      return eraseCustomer(ctx, customerId, { mode, reason });
    },

    async importCustomers(rows, options) {
      if (!Array.isArray(rows)) {
        throw new ValidationError('import', [
          { path: [], message: 'must be an array of rows', code: 'invalid_type' },
        ]);
      }
      await requireCapability(ctx, 'customers.import', 'customers.import');
      const dropped: { index: number; id: unknown; paths: string[] }[] = [];
      const droppedPaths: Record<string, number> = {};
      const inputs = rows.map((row, index) => {
        const minimised = minimiseCustomer(row, core.classification);
        if (minimised.dropped.length > 0) {
          dropped.push({ index, id: (row as { id?: unknown }).id, paths: [...minimised.dropped] });
          for (const path of minimised.dropped) droppedPaths[path] = (droppedPaths[path] ?? 0) + 1;
        }
        return minimised.input;
      });
      const created = await customers.createMany(inputs, options);
      await record(ctx, [
        entry(ctx, 'customers.import', [], { details: { imported: created.length, droppedPaths } }),
      ]);
      return { imported: created.length, dropped, droppedPaths };
    },

    rotateKeys: (options) => rotateKeys(ctx, options),
  };
  Object.defineProperty(self, PROTECTED, { value: true });
  return self;
}

const PROTECTED = Symbol.for('@crmkit/privacy.protected-storage');

const DenialSchema = z
  .object({
    action: z.string().min(1),
    reason: z.string().min(1),
    customerId: z.string().min(1).optional(),
    fields: z.array(z.string()).optional(),
  })
  .strict();

/**
 * Tells whether a storage is a {@link ProtectedStorage} (made by
 * {@link createProtectedStorage}, or one of its views), e.g. for a host that
 * switches on access control when it is given one.
 *
 * @example
 * ```ts
 * isProtectedStorage(createMemoryStorage()); // false
 * isProtectedStorage(createProtectedStorage(createMemoryStorage(), options)); // true
 * ```
 */
export function isProtectedStorage(storage: unknown): storage is ProtectedStorage {
  return (
    storage !== null &&
    typeof storage === 'object' &&
    (storage as Record<symbol, unknown>)[PROTECTED] === true
  );
}

const SERVICE_ACTOR: ActorInput = { id: 'service', kind: 'system', roles: ['service'] };

/**
 * Wraps any `Storage` (the memory adapter, PostgreSQL, …) so that
 * customer data is protected before it reaches it:
 *
 * - sensitive fields (per the classification) are encrypted with AES-256-GCM
 *   under a per-customer data key, itself wrapped by the {@link KeyProvider};
 *   the stored row is still a valid customer (the ciphertext sits in reserved
 *   `__pii:<field>` attributes), so every adapter works unchanged
 * - email and phone get blind indexes for {@link ProtectedStorage.findCustomerIds}
 * - reads decrypt, mask or withhold each field by the actor's roles; writes
 *   check them; denials throw {@link AccessDeniedError}
 * - every write, every read of sensitive data and every denial is appended to
 *   a hash-chained audit trail
 *
 * The returned storage acts as the `service` actor (writes everything, reads
 * no sensitive field); use `withAccess(actor)` for users and plugins. Invalid
 * options throw `ValidationError`.
 *
 * @example
 * ```ts
 * const crm = createProtectedStorage(createMemoryStorage(), {
 *   keys: createStaticKeyProvider({ keys: { k1: masterKey }, activeKeyId: 'k1' }),
 *   indexKey,
 *   clock: systemClock,
 *   roles: { marketing: { fields: { public: 'read', internal: 'read', sensitive: 'read' } } },
 * });
 * await crm.customers.create({ id: 'c1', name: 'Ada Lovelace', email: 'ada@example.com', createdAt: '2026-01-05' });
 * await crm.findCustomerIds({ email: 'ADA@example.com' }); // ['c1']
 * ```
 */
export function createProtectedStorage(storage: Storage, options: ProtectedStorageOptions): ProtectedStorage {
  if (storage === null || typeof storage !== 'object' || typeof storage.withTransaction !== 'function') {
    throw new ValidationError('protected storage', [
      { path: ['storage'], message: 'must be a Storage', code: 'invalid_type' },
    ]);
  }
  const parsed = parseWith(ProtectedStorageOptionsSchema, 'protected storage options', options);
  const guard = createAccessGuard((parsed.roles ?? {}) as Record<string, RoleInput>);
  const actor = parseWith(ActorSchema, 'actor', parsed.actor ?? SERVICE_ACTOR);
  const randomBytes = parsed.randomBytes ?? cryptoRandomBytes;
  let n = 0;
  const auditIds = () => `audit-${Buffer.from(randomBytes(8)).toString('hex')}-${++n}`;
  const core: Core = {
    root: storage,
    keys: parsed.keys,
    indexKey: parsed.indexKey,
    classification: parsed.classification ?? defaultClassification,
    clock: parsed.clock,
    randomBytes,
    blindIndexes: parsed.blindIndexes,
    guard,
    audit: new AuditWriter(parsed.auditStream, parsed.clock, auditIds),
    dataKeys: new DataKeys(parsed.keys, randomBytes),
    subjectDocuments: parsed.subjectData.documents,
    subjectStreams: (id) => parsed.subjectData.streams.map((pattern) => pattern.replaceAll('{id}', id)),
  };
  return view(core, storage, actor, undefined);
}
