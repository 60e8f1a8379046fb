import { CrmError, ValidationError } from '../errors';

/**
 * A map whose writes inside the open transaction can be rolled back, and
 * whose committed view stays readable while a transaction is open: the first
 * time the transaction touches a key, its committed value is kept aside.
 */
export class ShadowedMap<V> {
  private readonly rows = new Map<string, V>();
  private shadow: Map<string, V | undefined> | null = null;

  get(key: string, committed: boolean): V | undefined {
    if (committed && this.shadow?.has(key)) return this.shadow.get(key);
    return this.rows.get(key);
  }

  set(key: string, value: V): void {
    this.remember(key);
    this.rows.set(key, value);
  }

  delete(key: string): void {
    this.remember(key);
    this.rows.delete(key);
  }

  /** Every key visible in the chosen view (unordered). */
  keys(committed: boolean): string[] {
    const keys = [...this.rows.keys()];
    if (!committed || this.shadow === null) return keys;
    const visible = keys.filter((k) => !this.shadow!.has(k) || this.shadow!.get(k) !== undefined);
    for (const [k, v] of this.shadow) if (v !== undefined && !this.rows.has(k)) visible.push(k);
    return visible;
  }

  begin(): void {
    this.shadow = new Map();
  }

  commit(): void {
    this.shadow = null;
  }

  rollback(): void {
    if (this.shadow === null) return;
    for (const [key, value] of this.shadow) {
      if (value === undefined) this.rows.delete(key);
      else this.rows.set(key, value);
    }
    this.shadow = null;
  }

  private remember(key: string): void {
    if (this.shadow !== null && !this.shadow.has(key)) this.shadow.set(key, this.rows.get(key));
  }
}

/** Something with transaction hooks that the storage begins, commits and rolls back together. */
export interface Transactional {
  begin(): void;
  commit(): void;
  rollback(): void;
}

/**
 * The shared state of one memory storage: a write lock that serialises every
 * write and transaction, and the transactional parts it begins and ends
 * together.
 */
export class MemoryState {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly parts: Transactional[] = [];
  closed = false;

  register<T extends Transactional>(part: T): T {
    this.parts.push(part);
    return part;
  }

  /** Runs `work` alone, as one all-or-nothing unit. */
  exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(async () => {
      this.assertOpen();
      for (const p of this.parts) p.begin();
      try {
        const value = await work();
        for (const p of this.parts) p.commit();
        return value;
      } catch (e) {
        for (const p of this.parts) p.rollback();
        throw e;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  assertOpen(): void {
    if (this.closed) throw new CrmError('CLOSED', 'this storage has been closed');
  }
}

/**
 * Where an operation runs: outside any transaction (reads see committed data,
 * writes take the lock), or inside one (reads see its own writes, writes run
 * directly under the lock it holds).
 */
export interface Scope {
  readonly state: MemoryState;
  readonly inTransaction: boolean;
  /** Throws if the scope's transaction has ended or the storage is closed. */
  check(): void;
  /** Runs a write: under the lock outside a transaction, directly inside one. */
  write<T>(work: () => T): Promise<T>;
}

/**
 * The scope of plain calls on the storage.
 */
export function rootScope(state: MemoryState): Scope {
  return {
    state,
    inTransaction: false,
    check: () => state.assertOpen(),
    write: (work) => state.exclusive(work),
  };
}

/**
 * The scope of one transaction; `end()` makes later use throw.
 */
export function transactionScope(state: MemoryState): Scope & { end(): void } {
  let ended = false;
  const check = () => {
    state.assertOpen();
    if (ended)
      throw new CrmError('TRANSACTION', 'this transaction has already ended; use the storage instead');
  };
  return {
    state,
    inTransaction: true,
    check,
    write: async (work) => {
      check();
      return work();
    },
    end: () => {
      ended = true;
    },
  };
}

/** Freezes plain objects and arrays deeply (class instances such as Money are immutable already). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    const proto = Object.getPrototypeOf(value);
    if (Array.isArray(value) || proto === Object.prototype || proto === null) {
      Object.freeze(value);
      for (const child of Object.values(value as object)) deepFreeze(child);
    }
  }
  return value;
}

/** Splits an array into consecutive batches of at most `size`. */
export function* batches<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The batch size of a stream: a positive integer, 500 by default. */
export function batchSizeOf(options: { readonly batchSize?: number } | undefined): number {
  const size = options?.batchSize ?? 500;
  if (!Number.isInteger(size) || size < 1) {
    throw new ValidationError('stream options', [
      { path: ['batchSize'], message: `must be a positive integer, got ${String(size)}`, code: 'custom' },
    ]);
  }
  return size;
}
