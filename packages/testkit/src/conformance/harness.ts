import type { Storage } from '@crmkit/core';
import { expect } from 'vitest';

/** What each conformance area gets: the storage of the running test and the suite's options. */
export interface Harness {
  /** The fresh storage of the current test. */
  readonly storage: () => Storage;
  /** Makes an extra storage (for suites that share one across tests). */
  readonly make: () => Promise<Storage>;
  /** Disposes of a storage made by `make`. */
  readonly dispose: (storage: Storage) => Promise<void>;
  /** Rows used by the large streaming tests. */
  readonly rows: number;
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Awaits a promise expected to reject with a crmkit error of `code`; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    expect((e as { code?: unknown }).code, String((e as Error).message)).toBe(code);
    return e as Record<string, unknown>;
  }
  throw new Error(`expected a rejection with code ${code}, but it resolved`);
}
