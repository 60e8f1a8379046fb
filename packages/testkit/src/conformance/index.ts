import { parseWith, type Storage } from '@crmkit/core';
import { afterEach, beforeEach, describe } from 'vitest';
import { z } from 'zod';
import { concurrencyTests } from './concurrency';
import { documentTests } from './documents';
import { eventTests } from './events';
import type { Harness } from './harness';
import { idempotencyTests } from './idempotency';
import { recordTests } from './records';
import { streamEdgeTests } from './stream-edges';
import { streamTests } from './streams';
import { transactionTests } from './transactions';
import { validationTests } from './validation';

const ArgumentsSchema = z.object({
  name: z.string().min(1, 'must not be empty'),
  makeStorage: z.custom<() => Storage | Promise<Storage>>(
    (v) => typeof v === 'function',
    'must be a function',
  ),
  options: z.object({
    rows: z.number().int('must be a whole number').min(1, 'must be at least 1').optional(),
    teardown: z
      .custom<(storage: Storage) => Promise<void>>((v) => typeof v === 'function', 'must be a function')
      .optional(),
  }),
});

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
 * storage from `makeStorage`, closed afterwards (then `teardown` runs).
 * Bad arguments throw `ValidationError` when the suite is registered.
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
  parseWith(ArgumentsSchema, 'conformance arguments', { name, makeStorage, options });
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
    streamEdgeTests(harness);
    idempotencyTests(harness);
    concurrencyTests(harness);
    transactionTests(harness);
    validationTests(harness);
    documentTests(harness);
    eventTests(harness);
  });
}
