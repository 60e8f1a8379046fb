import type { Storage } from '@crmkit/core';
import { afterEach, beforeEach, describe } from 'vitest';
import { concurrencyTests } from './concurrency';
import { documentTests } from './documents';
import { eventTests } from './events';
import type { Harness } from './harness';
import { idempotencyTests } from './idempotency';
import { recordTests } from './records';
import { streamTests } from './streams';
import { transactionTests } from './transactions';
import { validationTests } from './validation';

/**
 * Options of {@link runAdapterConformance}.
 *
 * @example
 * ```ts
 * const options: ConformanceOptions = { rows: 20_000, teardown: async (s) => dropSchema(s) };
 * ```
 */
export interface ConformanceOptions {
  /** Rows for the large streaming tests (default 100,000). */
  readonly rows?: number;
  /** Cleans up after a storage is closed (drop its schema, delete its files). */
  readonly teardown?: (storage: Storage) => Promise<void>;
}

/**
 * Registers the storage-adapter conformance suite with vitest: the proof
 * that an adapter keeps every promise of the ports in `@crmkit/core` —
 * exact round trips, versions, streaming order and completeness over many
 * rows, idempotency, optimistic concurrency under concurrent writers,
 * all-or-nothing transactions with isolation, and bad input rejected with
 * nothing written. Every adapter must pass it; each test gets a fresh
 * storage from `makeStorage`, closed afterwards.
 *
 * @example
 * ```ts
 * // my-adapter.conformance.test.ts
 * import { runAdapterConformance } from '@crmkit/testkit/conformance';
 * import { createMemoryStorage } from '@crmkit/core';
 *
 * runAdapterConformance('memory', () => createMemoryStorage());
 * ```
 */
export function runAdapterConformance(
  name: string,
  makeStorage: () => Storage | Promise<Storage>,
  options: ConformanceOptions = {},
): void {
  const dispose = async (storage: Storage) => {
    await storage.close();
    await options.teardown?.(storage);
  };
  describe(`${name} storage conformance`, () => {
    let current: Storage | undefined;
    beforeEach(async () => {
      current = await makeStorage();
    });
    afterEach(async () => {
      if (current) await dispose(current);
      current = undefined;
    });
    const harness: Harness = {
      storage: () => {
        if (current === undefined)
          throw new Error('no storage: the conformance harness is used outside a test');
        return current;
      },
      make: async () => makeStorage(),
      dispose,
      rows: options.rows ?? 100_000,
    };
    recordTests(harness);
    streamTests(harness);
    idempotencyTests(harness);
    concurrencyTests(harness);
    transactionTests(harness);
    validationTests(harness);
    documentTests(harness);
    eventTests(harness);
  });
}
