import {
  CrmError,
  type Customer,
  createDomainEvent,
  createMemoryStorage,
  type DomainEvent,
  type DomainEventMap,
  type DomainEventType,
  type Interaction,
  isCrmError,
  NotFoundError,
  type Order,
  type OrderInput,
  parseCustomer,
  parseWith,
  type Storage,
  ValidationError,
  type WriteOptions,
} from '@crmkit/core';
import { isProtectedStorage, type ProtectedStorage } from '@crmkit/privacy';
import { type CompiledCondition, compile } from '@crmkit/rules';
import { z } from 'zod';
import { type Capability, grantDeclared, redactCustomer } from './capabilities';
import { customerValue, fitClv } from './clv';
import { encodePayload } from './codec';
import { createConsentGate } from './consent';
import { builtInContributionKinds, type Contribution, type ContributionKind } from './contributions';
import {
  type Crm,
  type CrmActions,
  type CrmOptions,
  CrmOptionsSchema,
  type EventListener,
  type SegmentMembership,
} from './crm';
import {
  Dispatcher,
  fromLog,
  OUTBOX_STREAM,
  RetryPolicySchema,
  type Scheduler,
  type Subscriber,
} from './delivery';
import { CapabilityDeniedError, ConsentRequiredError, PluginRegistrationError } from './errors';
import { customerStats } from './facts';
import { childLogger, silentLogger } from './logger';
import { namespacedStorage } from './namespaced-storage';
import type {
  AnyPlugin,
  EmitOptions,
  EventHandler,
  PluginApi,
  PluginContext,
  PluginCustomer,
  RecordReader,
} from './plugin';
import {
  grantDeclaredWithoutPii,
  revealCustomer,
  revealInteraction,
  withholdCustomer,
  withholdInteraction,
} from './privacy';
import { type Registered, register } from './registration';

const SCHEDULES = 'crmkit.schedules';

type Job = { plugin: string; name: string; intervalMs: number; run: (now: Date) => void | Promise<void> };
/**
 * Starts a crmkit host: validates the options, registers the plugins (config
 * by its schema, SDK range, `requires` with their versions, capabilities
 * through the access policy), runs their `setup` in dependency order and
 * resumes any delivery a previous host over the same storage left pending.
 *
 * Every write through the facade stores the record and its domain event in
 * one transaction (the outbox), so no event is lost. Events reach plugins in
 * outbox order per customer, at least once, with the event id as idempotency
 * key. A plugin that throws is retried with exponential backoff on the
 * injected clock (`tick()`, or a {@link Scheduler}); the other plugins and the
 * app go on, and later events of the same customer wait for it so they stay
 * in order. After `retry.maxAttempts` the event goes to the dead-letter list,
 * from where it can be replayed. One host per storage at a time.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ clock: systemClock, plugins: [loyaltyPlugin({ pointsPerUnit: 1 })] });
 * crm.on('order.placed', (event) => console.log('placed', event.data.order.id));
 * await crm.recordCustomer({ id: 'c1', createdAt: '2026-01-05' });
 * await crm.recordOrder({ id: 'o1', customerId: 'c1', placedAt: '2026-01-06', currency: 'EUR',
 *   lines: [{ sku: 'tea', quantity: 2, unitPrice: '4.50' }] });
 * ```
 */
export async function createCrm(options: CrmOptions): Promise<Crm> {
  const opts = parseWith(CrmOptionsSchema, 'crm options', options);
  const ownsStorage = opts.storage === undefined;
  const storage = opts.storage ?? createMemoryStorage();
  const { clock } = opts;
  const logger = opts.logger ?? silentLogger;
  const ids = opts.ids ?? (() => globalThis.crypto.randomUUID());
  const privacy: ProtectedStorage | undefined = isProtectedStorage(storage) ? storage : undefined;
  if (opts.privacy !== undefined && privacy === undefined) {
    throw new ValidationError('crm options', [
      {
        path: ['privacy'],
        message: 'needs a storage from createProtectedStorage (@crmkit/privacy)',
        code: 'custom',
      },
    ]);
  }
  const policy = opts.accessPolicy ?? (privacy ? grantDeclaredWithoutPii : grantDeclared);
  const consent = createConsentGate(
    opts.consent ?? (privacy ? 'enforce' : 'ignore'),
    storage,
    privacy,
    clock,
    logger,
  );
  const retry = opts.retry ?? RetryPolicySchema.parse({});
  const kinds: Record<string, z.ZodType> = { ...builtInContributionKinds, ...opts.contributionKinds };
  const contributions = new Map<string, Contribution[]>();
  const listeners = new Map<string, Set<EventListener<DomainEventType>>>();
  const jobs: Job[] = [];
  let closed = false;

  const registered = register(opts.plugins, policy, logger);
  const byName = new Map(registered.map((r) => [r.name, r]));

  // Under privacy every plugin acts as `plugin:<name>`: its roles give field access, and it sees
  // sensitive fields plain only with customers:pii declared and granted (pii.read).
  const pluginRoles = opts.privacy?.pluginRoles ?? {};
  const unknownPlugins = Object.keys(pluginRoles).filter((name) => !byName.has(name));
  if (unknownPlugins.length > 0) {
    throw new ValidationError(
      'crm options',
      unknownPlugins.map((name) => ({
        path: ['privacy', 'pluginRoles', name],
        message: 'is not a registered plugin',
        code: 'custom',
      })),
    );
  }
  const views = new Map<string, { view: ProtectedStorage; seesSensitive: boolean }>();
  if (privacy) {
    for (const r of registered) {
      const declared = r.plugin.definition.capabilities?.includes('customers:pii') ?? false;
      const view = privacy.withAccess({
        id: `plugin:${r.name}`,
        kind: 'plugin',
        roles: [...(pluginRoles[r.name] ?? ['plugin'])],
        declared: declared ? ['pii.read'] : [],
        granted: r.granted.has('customers:pii') ? ['pii.read'] : [],
      });
      const can = (cls: 'public' | 'sensitive') =>
        privacy.guard.fieldPermission(view.actor, cls).read !== 'none';
      views.set(r.name, { view, seesSensitive: can('public') && can('sensitive') });
      for (const [capability, reason] of r.refused) {
        await view.recordDenial('plugin.capability', `${capability} not granted: ${reason}`);
      }
    }
  }

  /** Under privacy, what the outbox and app listeners get: no sensitive field, no sensitive text. */
  const scrub = (type: string, data: unknown): unknown => {
    if (privacy === undefined) return data;
    const { classification } = privacy;
    if (type === 'customer.created' || type === 'customer.updated') {
      const d = data as { customer: Customer; previous?: Customer };
      return {
        ...d,
        customer: withholdCustomer(d.customer, classification),
        ...(d.previous ? { previous: withholdCustomer(d.previous, classification) } : {}),
      };
    }
    if (type === 'interaction.recorded') {
      const d = data as { interaction: Interaction };
      return { ...d, interaction: withholdInteraction(d.interaction, classification) };
    }
    return data;
  };

  const publish = async <K extends DomainEventType>(
    target: Storage,
    type: K,
    data: DomainEventMap[K],
    customerId: string | undefined,
    idempotencyKey: string | undefined,
  ): Promise<{ event: DomainEvent<K>; fresh: boolean }> => {
    data = scrub(type, data) as DomainEventMap[K];
    const event = createDomainEvent(type, data, {
      clock,
      ids,
      ...(customerId === undefined ? {} : { customerId }),
    });
    const payload = encodePayload(data);
    const [stored] = await target.events.append(
      OUTBOX_STREAM,
      [
        {
          id: event.id,
          type,
          occurredAt: event.occurredAt,
          data: { customerId: customerId ?? null, payload },
        },
      ],
      idempotencyKey === undefined ? {} : { idempotencyKey },
    );
    // A repeated idempotency key returns the first append: that event was published already.
    if (stored && stored.id !== event.id) return { event: fromLog(stored) as DomainEvent<K>, fresh: false };
    return { event, fresh: true };
  };

  const notify = (event: DomainEvent) => {
    for (const key of [event.type, '*']) {
      for (const listener of listeners.get(key) ?? []) {
        try {
          Promise.resolve(listener(event)).catch((error: unknown) =>
            logger.error('event listener failed', { type: event.type, eventId: event.id, error }),
          );
        } catch (error) {
          logger.error('event listener failed', { type: event.type, eventId: event.id, error });
        }
      }
    }
  };

  const subscribers: Subscriber[] = registered.map((r) => ({
    name: r.name,
    handles: (type) => r.handlers.has(type),
    async deliver(event, meta) {
      let view: DomainEvent = privacy ? await privateView(r, event) : event;
      if (!privacy && (event.type === 'customer.created' || event.type === 'customer.updated')) {
        if (r.granted.has('customers:pii')) {
          policy.record?.({
            plugin: r.name,
            capability: 'customers:pii',
            operation: `deliver ${event.type}`,
            target: event.id,
            at: clock.now(),
          });
        } else {
          const data = event.data as { customer: Customer; previous?: Customer };
          view = {
            ...event,
            data: {
              ...data,
              customer: redactCustomer(data.customer),
              ...(data.previous ? { previous: redactCustomer(data.previous) } : {}),
            },
          } as DomainEvent;
        }
      }
      r.scope = { key: `${r.name}:${event.id}`, n: 0 };
      try {
        for (const handler of r.handlers.get(event.type) ?? [])
          await handler(view as DomainEvent<DomainEventType>, meta);
      } finally {
        r.scope = undefined;
      }
    },
  }));

  let crm: Crm;
  const dispatcher = new Dispatcher(storage, clock, logger, retry, subscribers, opts.scheduler, () => {
    if (!closed) crm.tick().catch((error: unknown) => logger.error('tick failed', { error }));
  });

  const deliver = async () => {
    if (opts.delivery === 'inline') await dispatcher.pump();
  };

  const ensureOpen = () => {
    if (closed) throw new CrmError('CLOSED', 'the crm host is closed');
  };

  const setupPhase = { open: true };

  for (const r of registered) {
    const ctx = context(r);
    try {
      r.api = await r.plugin.definition.setup(ctx);
    } catch (error) {
      if (isCrmError(error)) throw error;
      throw new PluginRegistrationError(
        r.name,
        'setup-failed',
        `setup failed: ${error instanceof Error ? error.message : String(error)}`,
        {},
        { cause: error },
      );
    }
  }
  setupPhase.open = false;

  const compiledSegments: { c: Contribution<'segment'>; test: CompiledCondition }[] = (
    (contributions.get('segment') ?? []) as Contribution<'segment'>[]
  ).map((c) => ({ c, test: compile(c.value.when, { clock }) }));

  await dispatcher.load();
  const nextRuns = new Map<Job, number>();
  for (const job of jobs) {
    const id = `${job.plugin}:${job.name}`;
    const doc = await storage.documents.get<{ nextRunAt: string }>(SCHEDULES, id);
    const next = doc ? Date.parse(doc.data.nextRunAt) : clock.now().getTime() + job.intervalMs;
    if (!doc) await storage.documents.put(SCHEDULES, id, { nextRunAt: new Date(next).toISOString() });
    nextRuns.set(job, next);
  }

  /** An event as one plugin may see it under privacy: sensitive fields read through its own view. */
  async function privateView(r: Registered, event: DomainEvent): Promise<DomainEvent> {
    const entry = views.get(r.name);
    if (privacy === undefined || entry === undefined || !entry.seesSensitive) return event;
    const { classification } = privacy;
    if (event.type === 'customer.created' || event.type === 'customer.updated') {
      const data = event.data as { customer: Customer; previous?: Customer };
      const seen = await entry.view.customers.get(data.customer.id);
      if (seen === undefined) return event;
      recordPii(r, `deliver ${event.type}`, event.id);
      return {
        ...event,
        data: { ...data, customer: revealCustomer(data.customer, seen.value, classification) },
      } as DomainEvent;
    }
    if (event.type === 'interaction.recorded') {
      const data = event.data as { interaction: Interaction };
      const seen = await entry.view.interactions.get(data.interaction.id);
      if (seen === undefined) return event;
      recordPii(r, `deliver ${event.type}`, event.id);
      return {
        ...event,
        data: { ...data, interaction: revealInteraction(data.interaction, seen.value, classification) },
      } as DomainEvent;
    }
    return event;
  }

  function recordPii(r: Registered, operation: string, target: string) {
    if (!r.granted.has('customers:pii')) return;
    policy.record?.({ plugin: r.name, capability: 'customers:pii', operation, target, at: clock.now() });
  }

  async function gate(
    r: Registered,
    capability: Capability,
    operation: string,
    target?: string,
    customerId?: string,
  ) {
    if (!r.granted.has(capability)) {
      const declared = r.plugin.definition.capabilities?.includes(capability) ?? false;
      const reason = declared ? 'the host did not grant it' : 'the plugin did not declare it';
      await views
        .get(r.name)
        ?.view.recordDenial(
          operation,
          `needs capability ${capability}: ${reason}`,
          customerId === undefined ? {} : { customerId },
        );
      throw new CapabilityDeniedError(r.name, capability, reason);
    }
    policy.record?.({
      plugin: r.name,
      capability,
      operation,
      ...(target === undefined ? {} : { target }),
      at: clock.now(),
    });
  }

  function reader<T, Q>(
    r: Registered,
    capability: Capability,
    what: string,
    repo: { get(id: string): Promise<{ value: T } | undefined>; list(q?: Q): AsyncIterable<T> },
    view: (value: T) => T = (v) => v,
  ): RecordReader<T, Q> {
    return {
      async get(id) {
        await gate(r, capability, `${what}.get`, id, what === 'customers' ? id : undefined);
        const found = await repo.get(id);
        return found === undefined ? undefined : view(found.value);
      },
      async *list(query) {
        await gate(r, capability, `${what}.list`);
        for await (const value of repo.list(query)) yield view(value);
      },
    };
  }

  function context(r: Registered): PluginContext<unknown> {
    // Under privacy the plugin's own view decrypts, masks or withholds (and audits); without, PII is cut here.
    const privateRepos = views.get(r.name)?.view;
    const customerView = (c: PluginCustomer): PluginCustomer => {
      if (!privateRepos && !r.granted.has('customers:pii')) return redactCustomer(c as Customer);
      recordPii(r, 'customers.read', c.id);
      return c;
    };
    return Object.freeze({
      plugin: Object.freeze({ name: r.name, version: r.version }),
      config: r.config,
      clock,
      logger: childLogger(logger, { plugin: r.name }),
      ids,
      storage: namespacedStorage(storage, `plugin.${r.name}.`),
      capabilities: r.granted,
      consent: consent.forPlugin(privateRepos, childLogger(logger, { plugin: r.name })),
      customers: reader<PluginCustomer, { batchSize?: number }>(
        r,
        'customers:read',
        'customers',
        (privateRepos ?? storage).customers,
        customerView,
      ),
      orders: reader(r, 'orders:read', 'orders', storage.orders),
      interactions: reader(r, 'interactions:read', 'interactions', (privateRepos ?? storage).interactions),
      on(type: string, handler: EventHandler<DomainEventType>) {
        if (!setupPhase.open)
          throw new ValidationError('plugin hook', [
            { path: ['on'], message: 'call ctx.on during setup', code: 'custom' },
          ]);
        if (typeof type !== 'string' || type === '' || typeof handler !== 'function') {
          throw new ValidationError('plugin hook', [
            { path: ['on'], message: 'needs an event type and a handler function', code: 'invalid_type' },
          ]);
        }
        const list = r.handlers.get(type) ?? [];
        list.push(handler);
        r.handlers.set(type, list);
      },
      async emit(type: DomainEventType, data: unknown, options: EmitOptions = {}) {
        ensureOpen();
        await gate(r, 'events:emit', 'events.emit', type);
        const key =
          options.idempotencyKey !== undefined
            ? `${r.name}:${options.idempotencyKey}`
            : r.scope
              ? `${r.scope.key}:${r.scope.n++}`
              : undefined;
        const event = await emitEvent(
          type,
          data,
          options.customerId,
          key === undefined ? undefined : `emit:${key}`,
        );
        if (dispatcher.isRunning) void deliver();
        else await deliver();
        return event;
      },
      contribute(kind: string, value: unknown) {
        const schema = kinds[kind];
        if (!schema) {
          throw new ValidationError('contribution', [
            {
              path: ['kind'],
              message: `unknown kind ${JSON.stringify(kind)}; use one of ${Object.keys(kinds).join(', ')}`,
              code: 'custom',
            },
          ]);
        }
        const parsed = parseWith(
          schema,
          `${kind} contribution of plugin ${JSON.stringify(r.name)}`,
          value,
        ) as { id?: unknown };
        const list = contributions.get(kind) ?? [];
        if (
          typeof parsed.id === 'string' &&
          list.some((c) => (c.value as { id?: unknown }).id === parsed.id)
        ) {
          throw new ValidationError(`${kind} contribution of plugin ${JSON.stringify(r.name)}`, [
            { path: ['id'], message: `${JSON.stringify(parsed.id)} is already contributed`, code: 'custom' },
          ]);
        }
        list.push(Object.freeze({ plugin: r.name, kind, value: parsed }) as Contribution);
        contributions.set(kind, list);
        return parsed;
      },
      every(name: string, intervalMs: number, job: (now: Date) => void | Promise<void>) {
        const issues = [
          ...(setupPhase.open
            ? []
            : [{ path: ['every'], message: 'call ctx.every during setup', code: 'custom' }]),
          ...(typeof name === 'string' && /^[\w.-]+$/.test(name)
            ? []
            : [{ path: ['name'], message: 'must be letters, digits, _, . or -', code: 'custom' }]),
          ...(Number.isInteger(intervalMs) && intervalMs > 0
            ? []
            : [
                {
                  path: ['intervalMs'],
                  message: 'must be a positive whole number of milliseconds',
                  code: 'custom',
                },
              ]),
          ...(typeof job === 'function'
            ? []
            : [{ path: ['job'], message: 'must be a function', code: 'invalid_type' }]),
          ...(jobs.some((j) => j.plugin === r.name && j.name === name)
            ? [{ path: ['name'], message: 'is already scheduled', code: 'custom' }]
            : []),
        ];
        if (issues.length > 0) throw new ValidationError('scheduled job', issues);
        jobs.push({ plugin: r.name, name, intervalMs, run: job });
      },
      use(plugin: AnyPlugin) {
        const name = plugin?.definition?.name;
        if (!r.plugin.definition.requires || !Object.hasOwn(r.plugin.definition.requires, name)) {
          throw new ValidationError('plugin use', [
            {
              path: ['plugin'],
              message: `${JSON.stringify(name)} is not in the requires of ${JSON.stringify(r.name)}`,
              code: 'custom',
            },
          ]);
        }
        return byName.get(name)?.api;
      },
    }) as unknown as PluginContext<unknown>;
  }

  async function emitEvent(
    type: DomainEventType,
    data: unknown,
    customerId: string | undefined,
    key: string | undefined,
  ) {
    const { event, fresh } = await publish(storage, type, data as never, customerId, key);
    if (fresh) notify(event);
    return event;
  }

  async function factsOf(customerId: string) {
    const customer = await storage.customers.get(customerId);
    if (!customer) throw new NotFoundError('customer', customerId);
    const orders: Order[] = [];
    for await (const order of storage.orders.list({ customerId })) orders.push(order);
    const now = clock.now();
    // Under privacy, segment conditions see no sensitive field, whoever asks.
    const seen = privacy ? withholdCustomer(customer.value, privacy.classification) : customer.value;
    return { customer: seen, stats: customerStats(orders, now), now };
  }

  const record = async <T>(
    target: Storage,
    write: (
      tx: Storage,
    ) => Promise<{ value: T; events: { type: DomainEventType; data: unknown; customerId: string }[] }>,
    key: string | undefined,
  ): Promise<T> => {
    ensureOpen();
    const published: DomainEvent[] = [];
    const result = await target.withTransaction(async (tx) => {
      const out = await write(tx);
      for (const [i, e] of out.events.entries()) {
        const { event, fresh } = await publish(
          tx,
          e.type,
          e.data as never,
          e.customerId,
          key === undefined ? undefined : `${key}:${i}`,
        );
        if (fresh) published.push(event);
      }
      return out.value;
    });
    for (const e of published) notify(e);
    await deliver();
    return result;
  };

  /**
   * The actor-scoped operations over `target`: the host's storage, or a protected view acting as a
   * caller (`guard`), which checks customer fields itself and, here, `internal` access for order
   * writes and for facts, segments and CLV.
   */
  function actions(target: Storage, guard: ProtectedStorage | undefined): CrmActions {
    /** Whether a customer may be profiled now; a skip is logged and audited as the caller. */
    const profiled = async (customerId: string, action: string) => {
      if (!consent.enforced) return true;
      const given = await consent.consents(customerId, 'profiling');
      if (given === undefined) throw new NotFoundError('customer', customerId);
      if (!given) await consent.skipped(guard ?? privacy, customerId, 'profiling', action);
      return given;
    };
    const authorize = async (access: 'read' | 'write', action: string, customerId?: unknown) => {
      await guard?.authorizeFields('internal', access, {
        action,
        ...(typeof customerId === 'string' && customerId !== '' ? { customerId } : {}),
      });
    };
    return {
      async recordCustomer(input, options = {}) {
        const parsed = parseCustomer(input);
        return record(
          target,
          async (tx) => {
            const existing = await tx.customers.get(parsed.id);
            if (existing) {
              const updated = await tx.customers.update(parsed.id, input, {
                ...options,
                expectedVersion: existing.version,
              });
              return {
                value: updated.value,
                events: [
                  {
                    type: 'customer.updated',
                    data: { customer: updated.value, previous: existing.value },
                    customerId: parsed.id,
                  },
                ],
              };
            }
            const created = await tx.customers.create(input, options);
            return {
              value: created.value,
              events:
                created.version === 1
                  ? [{ type: 'customer.created', data: { customer: created.value }, customerId: parsed.id }]
                  : [],
            };
          },
          keyOf('customer', options),
        );
      },
      async recordOrder(input, options = {}) {
        await authorize('write', 'order.create', (input as { customerId?: unknown } | undefined)?.customerId);
        return record(
          target,
          async (tx) => {
            const { value } = await tx.orders.create(input, options);
            return {
              value,
              events: [{ type: 'order.placed', data: { order: value }, customerId: value.customerId }],
            };
          },
          keyOf('order', options),
        );
      },
      async recordRefund(orderId, refund, options = {}) {
        await authorize('write', 'order.refund');
        return record(
          target,
          async (tx) => {
            const current = await tx.orders.get(orderId);
            if (!current) throw new NotFoundError('order', orderId);
            const index = current.value.refunds.length;
            let updated: Order;
            try {
              updated = (
                await tx.orders.update(
                  orderId,
                  { ...current.value, refunds: [...current.value.refunds, refund] } as OrderInput,
                  {
                    ...options,
                    expectedVersion: current.version,
                  },
                )
              ).value;
            } catch (error) {
              throw refundError(error, index);
            }
            const added = updated.refunds[index];
            return {
              value: updated,
              events: added
                ? [
                    {
                      type: 'order.refunded',
                      data: { order: updated, refund: added },
                      customerId: updated.customerId,
                    },
                  ]
                : [],
            };
          },
          keyOf('refund', options),
        );
      },
      async setOrderStatus(orderId, status) {
        const parsedStatus = parseWith(StatusSchema, 'order status', { status }).status;
        await authorize('write', 'order.status');
        return record(
          target,
          async (tx) => {
            const current = await tx.orders.get(orderId);
            if (!current) throw new NotFoundError('order', orderId);
            if (current.value.status === parsedStatus) return { value: current.value, events: [] };
            const { value } = await tx.orders.update(
              orderId,
              { ...current.value, status: parsedStatus } as OrderInput,
              {
                expectedVersion: current.version,
              },
            );
            return {
              value,
              events: [
                parsedStatus === 'cancelled'
                  ? { type: 'order.cancelled', data: { order: value }, customerId: value.customerId }
                  : {
                      type: 'order.updated',
                      data: { order: value, previous: current.value },
                      customerId: value.customerId,
                    },
              ],
            };
          },
          undefined,
        );
      },
      async recordInteraction(input, options = {}) {
        await authorize(
          'write',
          'interaction.create',
          (input as { customerId?: unknown } | undefined)?.customerId,
        );
        return record(
          target,
          async (tx) => {
            const { value } = await tx.interactions.create(input, options);
            return {
              value,
              events: [
                { type: 'interaction.recorded', data: { interaction: value }, customerId: value.customerId },
              ],
            };
          },
          keyOf('interaction', options),
        );
      },
      async getCustomer(customerId) {
        checkId(customerId);
        return (await target.customers.get(customerId))?.value;
      },
      async statsOf(customerId) {
        checkId(customerId);
        await authorize('read', 'customer.stats', customerId);
        return (await factsOf(customerId)).stats;
      },
      async segmentsOf(customerId, options = {}) {
        checkId(customerId);
        await authorize('read', 'customer.segments', customerId);
        if (!(await profiled(customerId, 'customer.segments'))) return [];
        const facts = await factsOf(customerId);
        const out: SegmentMembership[] = [];
        for (const { c, test } of compiledSegments) {
          if (!test.test(facts)) continue;
          out.push({
            id: c.value.id,
            name: c.value.name,
            plugin: c.plugin,
            ...(options.explain ? { explanation: test.explain(facts) } : {}),
          });
        }
        return out;
      },
      clv: {
        async fit(options) {
          ensureOpen();
          await authorize('read', 'clv.fit');
          return fitClv(storage.orders.list({ orderBy: 'customer' }), options, clock.now());
        },
        async forCustomer(customerId, models, options) {
          ensureOpen();
          checkId(customerId);
          await authorize('read', 'clv.customer', customerId);
          if (!(await storage.customers.get(customerId))) throw new NotFoundError('customer', customerId);
          if (!(await profiled(customerId, 'clv.customer'))) {
            throw new ConsentRequiredError(customerId, 'profiling', 'clv.customer');
          }
          return customerValue(customerId, storage.orders.list({ customerId }), models, options, clock.now());
        },
      },
    };
  }

  crm = {
    ...actions(storage, privacy),
    storage,
    privacy,
    clock,
    contributions: {
      list: <K extends ContributionKind>(kind: K) =>
        (contributions.get(kind) ?? []) as unknown as readonly Contribution<K>[],
      get: <K extends ContributionKind>(kind: K, id: string) =>
        (contributions.get(kind) ?? []).find((c) => (c.value as { id?: unknown }).id === id) as
          | Contribution<K>
          | undefined,
    },
    deadLetters: {
      list: (filter) => dispatcher.listDeadLetters(filter),
      replay: async (id) => {
        ensureOpen();
        await dispatcher.replay(id);
      },
      async replayAll(filter) {
        ensureOpen();
        const all = await dispatcher.listDeadLetters(filter);
        for (const dl of all) await dispatcher.replay(dl.id);
        return all.length;
      },
      discard: (id) => dispatcher.discard(id),
    },
    as(actor) {
      if (privacy === undefined) {
        throw new CrmError(
          'PRIVACY_NOT_CONFIGURED',
          'crm.as(actor) needs a storage from createProtectedStorage (@crmkit/privacy)',
        );
      }
      const view = privacy.withAccess(actor);
      return actions(view, view);
    },
    async emit(type, data, options = {}) {
      ensureOpen();
      parseWith(EmitArgsSchema, 'event', {
        type,
        customerId: options.customerId,
        idempotencyKey: options.idempotencyKey,
      });
      const event = await emitEvent(
        type,
        data,
        options.customerId,
        options.idempotencyKey === undefined ? undefined : `app:${options.idempotencyKey}`,
      );
      await deliver();
      return event as DomainEvent<typeof type>;
    },
    on(type, listener) {
      parseWith(ListenArgsSchema, 'listener', { type, listener });
      const set = listeners.get(type) ?? new Set();
      set.add(listener as EventListener<DomainEventType>);
      listeners.set(type, set);
      return () => void set.delete(listener as EventListener<DomainEventType>);
    },
    api<P extends AnyPlugin>(plugin: P): PluginApi<P> {
      const r = byName.get(plugin?.definition?.name);
      if (!r || r.plugin !== plugin) throw new NotFoundError('plugin', String(plugin?.definition?.name));
      return r.api as PluginApi<P>;
    },
    async tick() {
      ensureOpen();
      const now = clock.now().getTime();
      for (const job of jobs) {
        const due = nextRuns.get(job) ?? now;
        if (due > now) continue;
        const r = byName.get(job.plugin);
        if (r) r.scope = { key: `${job.plugin}:job:${job.name}:${new Date(due).toISOString()}`, n: 0 };
        try {
          await job.run(new Date(now));
        } catch (error) {
          logger.error('scheduled job failed', {
            plugin: job.plugin,
            job: job.name,
            error: error instanceof Error ? error.message : String(error),
          });
        } finally {
          if (r) r.scope = undefined;
        }
        const next = due + Math.ceil((now - due + 1) / job.intervalMs) * job.intervalMs;
        nextRuns.set(job, next);
        await storage.documents.put(SCHEDULES, `${job.plugin}:${job.name}`, {
          nextRunAt: new Date(next).toISOString(),
        });
      }
      await dispatcher.pump();
    },
    async drain() {
      ensureOpen();
      await dispatcher.pump();
    },
    deliveryStatus: () => dispatcher.status(),
    async close() {
      if (closed) return;
      await dispatcher.settle();
      closed = true;
      if (ownsStorage) await storage.close();
    },
  };

  await dispatcher.pump();
  return crm;
}

const StatusSchema = z.object({ status: z.enum(['placed', 'paid', 'fulfilled', 'cancelled']) });

const EmitArgsSchema = z.object({
  type: z.string().regex(/^[a-z][\w-]*(\.[\w-]+)+$/, 'must be a dotted event type such as points.earned'),
  customerId: z.string().min(1).optional(),
  idempotencyKey: z.string().min(1).optional(),
});

const ListenArgsSchema = z.object({
  type: z.string().min(1, 'must be an event type or *'),
  listener: z.custom((v) => typeof v === 'function', 'must be a function'),
});

function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id === '') {
    throw new ValidationError('customer id', [
      { path: ['customerId'], message: 'must be a non-empty string', code: 'invalid_type' },
    ]);
  }
}

function keyOf(what: string, options: WriteOptions): string | undefined {
  return options.idempotencyKey === undefined ? undefined : `${what}:${options.idempotencyKey}`;
}

function refundError(error: unknown, index: number): unknown {
  if (!(error instanceof ValidationError)) return error;
  return new ValidationError(
    'refund',
    error.issues.map((issue) => {
      const [head, at, ...rest] = issue.path;
      if (head === 'refunds' && at === index) return { ...issue, path: rest };
      if (head === 'refunds' && at === undefined) return { ...issue, path: ['amount'] };
      return issue;
    }),
  );
}
