import type {
  Clock,
  Customer,
  DocumentStore,
  DomainEvent,
  DomainEventMap,
  DomainEventType,
  EventLog,
  IdGenerator,
  Interaction,
  InteractionQuery,
  Order,
  OrderQuery,
} from '@crmkit/core';
import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import { type Capability, CapabilitySchema, type PII_FIELDS, type RedactedCustomer } from './capabilities';
import type { PluginConsent } from './consent';
import type { ContributionKind, ContributionMap } from './contributions';
import type { Logger } from './logger';
import { isVersion, isVersionRange } from './version';

/**
 * What an event handler learns besides the event: which attempt this is and
 * the idempotency key to use for its own writes (the event id).
 *
 * @example
 * ```ts
 * ctx.on('order.placed', async (event, { idempotencyKey }) => {
 *   await ctx.storage.events.append(`earned:${event.customerId}`, [entry], { idempotencyKey });
 * });
 * ```
 */
export interface HandlerMeta {
  /** 1 on the first delivery, 2 on the first retry, … */
  readonly attempt: number;
  /** The event id: the same on every delivery of this event. */
  readonly idempotencyKey: string;
}

/**
 * A plugin's handler of one event type. It may be called more than once for
 * the same event (at-least-once delivery): make its writes idempotent with
 * `meta.idempotencyKey`. Throwing (or rejecting) makes the host retry it.
 *
 * @example
 * ```ts
 * const onPlaced: EventHandler<'order.placed'> = async (event) => console.log(event.data.order.id);
 * ```
 */
export type EventHandler<K extends DomainEventType> = (
  event: DomainEvent<K>,
  meta: HandlerMeta,
) => void | Promise<void>;

/**
 * A customer as a plugin reads it: the personal fields are present only with
 * the `customers:pii` capability.
 *
 * @example
 * ```ts
 * const c: PluginCustomer | undefined = await ctx.customers.get('c1');
 * ```
 */
export type PluginCustomer = RedactedCustomer & Partial<Pick<Customer, (typeof PII_FIELDS)[number]>>;

/**
 * A plugin's own storage: documents and event streams under a namespace only
 * it sees (`plugin.<name>.`), with transactions.
 *
 * @example
 * ```ts
 * await ctx.storage.documents.put('settings', 'main', { enabled: true });
 * ```
 */
export interface PluginStorage {
  /** Versioned JSON documents in the plugin's namespace. */
  readonly documents: DocumentStore;
  /** Event streams in the plugin's namespace (`readAll` sees only these). */
  readonly events: EventLog;
  /** Runs `work` in a storage transaction (all writes land or none). */
  withTransaction<T>(work: (tx: PluginStorage) => Promise<T>): Promise<T>;
}

/**
 * Read access to one kind of record, granted by a capability.
 *
 * @example
 * ```ts
 * for await (const order of ctx.orders.list({ customerId: 'c1' })) total += 1;
 * ```
 */
export interface RecordReader<T, Query> {
  /** The record with this id, or `undefined`. */
  get(id: string): Promise<T | undefined>;
  /** Streams records matching the query. */
  list(query?: Query): AsyncIterable<T>;
}

/**
 * Options of {@link PluginContext.emit}.
 *
 * @example
 * ```ts
 * await ctx.emit('points.earned', { points: 50 }, { customerId: 'c1', idempotencyKey: 'earn:o1' });
 * ```
 */
export interface EmitOptions {
  /** The customer the event concerns (orders its delivery). */
  readonly customerId?: string;
  /** Publishes at most once per key. Inside a handler or job the host derives one when absent. */
  readonly idempotencyKey?: string;
}

/**
 * Everything a plugin's `setup` receives. It only carries what the plugin
 * declared and the host granted: a call needing a missing capability throws
 * `CapabilityDeniedError`.
 *
 * @example
 * ```ts
 * setup(ctx) {
 *   ctx.on('order.placed', async (event) => ctx.logger.info('order', { id: event.data.order.id }));
 *   ctx.every('nightly', 86_400_000, async (now) => ctx.logger.info('tick', { now }));
 * }
 * ```
 */
export interface PluginContext<Config> {
  /** The plugin's name and version. */
  readonly plugin: { readonly name: string; readonly version: string };
  /** The validated config (the output of `configSchema`). */
  readonly config: Config;
  /** The host's clock. */
  readonly clock: Clock;
  /** A logger that tags every entry with the plugin's name. */
  readonly logger: Logger;
  /** The host's id generator. */
  readonly ids: IdGenerator;
  /** The plugin's namespaced storage. */
  readonly storage: PluginStorage;
  /** The capabilities the plugin holds (declared and granted). */
  readonly capabilities: ReadonlySet<Capability>;
  /** Customers (`customers:read`; personal fields with `customers:pii`). */
  readonly customers: RecordReader<PluginCustomer, { batchSize?: number }>;
  /** Orders (`orders:read`). */
  readonly orders: RecordReader<Order, OrderQuery>;
  /** Interactions (`interactions:read`). */
  readonly interactions: RecordReader<Interaction, InteractionQuery>;
  /**
   * Consent checks: whether a customer consents to a purpose now (always
   * yes when the host does not enforce consent). Ask before profiling or
   * contacting a customer.
   */
  readonly consent: PluginConsent;
  /** Handles an event type; call during `setup`. */
  on<K extends DomainEventType>(type: K, handler: EventHandler<K>): void;
  /** Publishes a domain event through the host's outbox (`events:emit`). */
  emit<K extends DomainEventType>(
    type: K,
    data: DomainEventMap[K],
    options?: EmitOptions,
  ): Promise<DomainEvent<K>>;
  /** Adds a segment, earning rule, lifecycle machine, churn playbook, … (validated). */
  contribute<K extends ContributionKind>(kind: K, value: unknown): ContributionMap[K];
  /** Runs `job` every `intervalMs` on the host's `tick()`; call during `setup`. */
  every(name: string, intervalMs: number, job: (now: Date) => void | Promise<void>): void;
  /** The API of a plugin this one `requires`. */
  use<P extends AnyPlugin>(plugin: P): PluginApi<P>;
}

/**
 * The definition a plugin author writes (see {@link definePlugin}).
 *
 * @example
 * ```ts
 * const definition: PluginDefinition<typeof schema, { ping(): string }> = {
 *   name: 'hello', version: '1.0.0', sdk: '^0.1.0', configSchema: schema, setup: () => ({ ping: () => 'pong' }),
 * };
 * ```
 */
export interface PluginDefinition<Schema extends z.ZodType, Api> {
  /** Unique name: lower-case letters, digits, `-`, `.`, `_` and an optional `@scope/`. */
  readonly name: string;
  /** The plugin's own semantic version. */
  readonly version: string;
  /** The range of SDK versions it supports, e.g. `'^0.1.0'` (checked against `SDK_VERSION`). */
  readonly sdk: string;
  /** Plugins that must be registered (and set up) first: name → version range. */
  readonly requires?: Readonly<Record<string, string>>;
  /** Capabilities it asks for. */
  readonly capabilities?: readonly Capability[];
  /** Validates the config at registration; its output is `ctx.config`. */
  readonly configSchema: Schema;
  /** Wires the plugin; what it returns is its API (`crm.api(plugin)`). */
  setup(ctx: PluginContext<z.output<Schema>>): Api | Promise<Api>;
}

/**
 * A plugin made with {@link definePlugin}: call it with a config to get
 * something `createCrm({ plugins })` accepts.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ clock, plugins: [hello({ greeting: 'hi' })] });
 * ```
 */
export interface Plugin<Schema extends z.ZodType, Api> {
  /** Configures the plugin; the config is validated when the host registers it. */
  (
    ...config: undefined extends z.input<Schema> ? [config?: z.input<Schema>] : [config: z.input<Schema>]
  ): PluginInstance<Schema, Api>;
  /** The plugin's definition. */
  readonly definition: PluginDefinition<Schema, Api>;
}

/**
 * A plugin with its (not yet validated) config, ready for `createCrm`.
 *
 * @example
 * ```ts
 * const instance: PluginInstance<typeof schema, Api> = hello({ greeting: 'hi' });
 * ```
 */
export interface PluginInstance<Schema extends z.ZodType, Api> {
  /** The plugin. */
  readonly plugin: Plugin<Schema, Api>;
  /** The config as given. */
  readonly config: unknown;
}

/**
 * Any plugin, whatever its config and API.
 *
 * @example
 * ```ts
 * const all: AnyPlugin[] = [loyaltyPlugin, churnAlertPlugin];
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the widest plugin type needs any for the setup parameter
export type AnyPlugin = Plugin<any, any>;

/**
 * Any configured plugin.
 *
 * @example
 * ```ts
 * const plugins: AnyPluginInstance[] = [loyaltyPlugin(config)];
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the widest instance type needs any
export type AnyPluginInstance = PluginInstance<any, any>;

/**
 * The API a plugin's `setup` returns.
 *
 * @example
 * ```ts
 * const api: PluginApi<typeof loyaltyPlugin> = crm.api(loyaltyPlugin);
 * ```
 */
export type PluginApi<P extends AnyPlugin> = Awaited<ReturnType<P['definition']['setup']>>;

const NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

const DefinitionSchema = z.object({
  name: z.string().regex(NAME, 'must be lower-case letters, digits, -, . or _ (optionally @scope/name)'),
  version: z.string().refine(isVersion, 'must be a semantic version such as 1.0.0'),
  sdk: z.string().refine(isVersionRange, 'must be a version range such as ^0.1.0'),
  requires: z
    .record(
      z.string().regex(NAME, 'must be a plugin name'),
      z.string().refine(isVersionRange, 'must be a version range such as ^1.0.0'),
    )
    .optional(),
  capabilities: z.array(CapabilitySchema).optional(),
  configSchema: z.custom<z.ZodType>(
    (v) =>
      typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function',
    'must be a zod schema',
  ),
  setup: z.custom<(ctx: unknown) => unknown>((v) => typeof v === 'function', 'must be a function'),
});

/**
 * Defines a plugin. The definition is checked now (name, versions, SDK range,
 * capabilities; a `ValidationError` names the bad field); the config later,
 * when the host registers the plugin.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * export const welcome = definePlugin({
 *   name: 'welcome', version: '1.0.0', sdk: '^0.1.0',
 *   capabilities: ['events:emit'],
 *   configSchema: z.object({ bonus: z.number().int().positive() }),
 *   setup(ctx) {
 *     ctx.on('customer.created', async (event) => {
 *       await ctx.emit('welcome.sent', { bonus: ctx.config.bonus }, { customerId: event.data.customer.id });
 *     });
 *     return { bonus: () => ctx.config.bonus };
 *   },
 * });
 * ```
 */
export function definePlugin<Schema extends z.ZodType, Api = void>(
  definition: PluginDefinition<Schema, Api>,
): Plugin<Schema, Api> {
  parseWith(DefinitionSchema, 'plugin definition', definition);
  const frozen = Object.freeze({ ...definition });
  const plugin = ((config?: unknown) => Object.freeze({ plugin, config })) as unknown as Plugin<Schema, Api>;
  Object.defineProperty(plugin, 'definition', { value: frozen, enumerable: true });
  Object.defineProperty(plugin, 'name', { value: definition.name });
  return plugin;
}
