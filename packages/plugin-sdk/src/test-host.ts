import {
  createManualClock,
  createMemoryStorage,
  type DomainEvent,
  type DomainEventType,
  type ManualClock,
  type Storage,
  sequentialIds,
} from '@crmkit/core';
import type { AccessPolicy } from './capabilities';
import type { Crm } from './crm';
import type { RetryPolicy } from './delivery';
import { createCrm } from './host';
import { createMemoryLogger, type MemoryLogger } from './logger';
import type { AnyPluginInstance } from './plugin';
import type { PrivacyOptions } from './privacy';

/**
 * Options of {@link createTestHost}.
 *
 * @example
 * ```ts
 * const options: TestHostOptions = { plugins: [myPlugin({})], start: '2026-03-01T00:00:00Z' };
 * ```
 */
export interface TestHostOptions {
  /** The plugins under test. */
  readonly plugins?: readonly AnyPluginInstance[];
  /** Where the manual clock starts (default `2026-01-01T00:00:00Z`). */
  readonly start?: Date | string;
  /** Storage to run on (default: a fresh in-memory storage). */
  readonly storage?: Storage;
  /** Retry policy (default: 3 attempts, 1 s doubling). */
  readonly retry?: Partial<RetryPolicy>;
  /** Access policy (default: every declared capability granted; with a protected storage, all but `customers:pii`). */
  readonly accessPolicy?: AccessPolicy;
  /** Privacy settings, with a protected `storage` (see `CrmOptions`). */
  readonly privacy?: PrivacyOptions;
  /** `'inline'` (default) or `'manual'` (events wait for `drain()`/`tick()`). */
  readonly delivery?: 'inline' | 'manual';
}

/**
 * A host for plugin tests: a real {@link Crm} on in-memory storage with a
 * manual clock, sequential event ids (`evt-1`, `evt-2`, …), a logger that
 * keeps its entries and a list of every committed event.
 *
 * @example
 * ```ts
 * const host = await createTestHost({ plugins: [myPlugin({})] });
 * await host.crm.recordCustomer({ id: 'c1', createdAt: '2026-01-01' });
 * await host.advance({ days: 1 }); // runs due jobs and retries
 * ```
 */
export interface TestHost {
  /** The host under test. */
  readonly crm: Crm;
  /** Its clock; prefer {@link TestHost.advance}, which also ticks. */
  readonly clock: ManualClock;
  /** Every log entry. */
  readonly logger: MemoryLogger;
  /** Every committed event, in order. */
  readonly events: DomainEvent[];
  /** The storage (to restart on it, or to look inside). */
  readonly storage: Storage;
  /** Moves the clock and runs `tick()` (due jobs, retries). */
  advance(by: Parameters<ManualClock['advance']>[0]): Promise<void>;
  /** Events of one type, in order. */
  eventsOf<K extends DomainEventType>(type: K): DomainEvent<K>[];
  /** A new host over the same storage and clock, as after a process restart. */
  restart(
    options?: Pick<TestHostOptions, 'plugins' | 'retry' | 'accessPolicy' | 'delivery' | 'privacy'>,
  ): Promise<TestHost>;
}

/**
 * Starts a {@link TestHost}.
 *
 * @example
 * ```ts
 * const host = await createTestHost({ plugins: [welcome({ bonus: 10 })] });
 * await host.crm.recordCustomer({ id: 'c1', createdAt: '2026-01-01' });
 * host.eventsOf('welcome.sent').length; // 1
 * ```
 */
export async function createTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const clock = createManualClock(options.start ?? '2026-01-01T00:00:00Z');
  return start(options, clock, options.storage ?? createMemoryStorage(), sequentialIds('evt'));
}

async function start(
  options: TestHostOptions,
  clock: ManualClock,
  storage: Storage,
  ids: () => string,
): Promise<TestHost> {
  const logger = createMemoryLogger();
  const events: DomainEvent[] = [];
  const crm = await createCrm({
    clock,
    storage,
    logger,
    ids,
    plugins: options.plugins ?? [],
    retry: { maxAttempts: 3, initialDelayMs: 1000, factor: 2, maxDelayMs: 3_600_000, ...options.retry },
    ...(options.accessPolicy ? { accessPolicy: options.accessPolicy } : {}),
    ...(options.privacy ? { privacy: options.privacy } : {}),
    ...(options.delivery ? { delivery: options.delivery } : {}),
  });
  crm.on('*', (event) => void events.push(event));
  return {
    crm,
    clock,
    logger,
    events,
    storage,
    async advance(by) {
      clock.advance(by);
      await crm.tick();
    },
    eventsOf: <K extends DomainEventType>(type: K) =>
      events.filter((e) => e.type === type) as DomainEvent<K>[],
    restart: (next = {}) =>
      start(
        { ...options, delivery: 'inline', ...next, plugins: next.plugins ?? options.plugins ?? [] },
        clock,
        storage,
        ids,
      ),
  };
}
