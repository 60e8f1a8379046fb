import type { Storage } from '@crmkit/core';
import { expect } from 'vitest';

/** What each conformance area gets: the storage of the running test and the suite's options. */
export interface Harness {
  /** The fresh storage of the current test. */
  readonly storage: () => Storage;
  /** Makes an extra storage (for the large streaming tests, which share one across tests). */
  readonly make: () => Promise<Storage>;
  /** Closes and tears down a storage made by `make`. */
  readonly dispose: (storage: Storage) => Promise<void>;
  /** Rows of the large streaming tests. */
  readonly rows: number;
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The ids of the records or documents of a stream, in stream order. */
export async function idsOf(items: AsyncIterable<{ readonly id: string }>): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of items) ids.push(item.id);
  return ids;
}

/** A crmkit error as the suite inspects it. */
export interface CaughtError {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly issues?: readonly { readonly path: readonly (string | number)[]; readonly message: string }[];
  readonly expectedVersion?: number | null;
  readonly actualVersion?: number | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Awaits a promise expected to reject with a crmkit error of `code`; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<CaughtError> {
  try {
    await promise;
  } catch (e) {
    const error = e as CaughtError;
    expect(error.code, `${error.name}: ${error.message}`).toBe(code);
    return error;
  }
  throw new Error(`expected a rejection with code ${code}, but it resolved`);
}

/** The first `next()` of a stream, expected to reject with `code` (streams check their query lazily). */
export function streamRejectsWith(stream: AsyncIterable<unknown>, code: string): Promise<CaughtError> {
  return rejectsWith(stream[Symbol.asyncIterator]().next(), code);
}

/** The issue paths of a validation error, joined with dots (`'lines.0.quantity'`). */
export function issuePaths(error: CaughtError): string[] {
  return (error.issues ?? []).map((issue) => issue.path.join('.'));
}

/** A promise and the function that resolves it, to hold a transaction open. */
export function gate(): { readonly opened: Promise<void>; readonly open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
