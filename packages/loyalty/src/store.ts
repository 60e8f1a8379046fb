import {
  type JsonValue,
  type LogEvent,
  type NewLogEvent,
  type Storage,
  VersionConflictError,
} from '@crmkit/core';
import { LoyaltyConflictError } from './errors';
import { applyEntry, emptyLedger, type LedgerEntry, type LedgerState } from './ledger';
import type { ActivityDay, TierChange, TierStatus } from './tiers';

/**
 * The cached state of one member (a document, version-checked on every
 * write): the ledger state derived from its entries, plus what tiers, caps,
 * reward limits and referrals need.
 *
 * @example
 * ```ts
 * const account: Account = (await program.account('m1'))!;
 * account.ledger.lots.length;
 * ```
 */
export type Account = {
  readonly memberId: string;
  readonly joinedAt: string;
  readonly ledger: LedgerState;
  readonly orders: number;
  readonly tier: TierStatus | null;
  readonly activity: readonly ActivityDay[];
  /** Points earned per day (`d:YYYY-MM-DD`), month (`m:YYYY-MM`) and year (`y:YYYY`), for caps. */
  readonly earned: Readonly<Record<string, number>>;
  /** Redemptions per reward id, for per-member limits. */
  readonly rewards: Readonly<Record<string, number>>;
  readonly referralCode: string | null;
  /** Whether a referral waits for this member's first qualifying order. */
  readonly pendingReferral: boolean;
};

/**
 * The account with another ledger state. Written out field by field: on the
 * path of every order, a spread followed by more fields costs several times
 * as much.
 */
export function withLedger(a: Account, ledger: LedgerState): Account {
  return {
    memberId: a.memberId,
    joinedAt: a.joinedAt,
    ledger,
    orders: a.orders,
    tier: a.tier,
    activity: a.activity,
    earned: a.earned,
    rewards: a.rewards,
    referralCode: a.referralCode,
    pendingReferral: a.pendingReferral,
  };
}

/** Event types of a member stream besides the ledger entries. */
export const LEDGER_EVENT = 'loyalty.entry';
export const TIER_EVENT = 'loyalty.tier';

/** Names of the documents and streams of one programme. */
export function names(programId: string) {
  const prefix = `loyalty.${programId}`;
  return {
    accounts: `${prefix}.accounts`,
    keys: `${prefix}.keys`,
    stock: `${prefix}.stock`,
    redemptions: `${prefix}.redemptions`,
    referralCodes: `${prefix}.referral-codes`,
    referrals: `${prefix}.referrals`,
    stream: (memberId: string) => `loyalty:${programId}:${memberId}`,
  };
}

type Names = ReturnType<typeof names>;

type Touched = {
  version: number | null;
  startSequence: number;
  state: Account;
  events: NewLogEvent[];
  /** The balance of `state`, once asked for: kept up to date entry by entry (each entry's `delta`). */
  balance: number | undefined;
  /** Whether `state.ledger.lots` is a list this attempt made (and so may add lots to in place). */
  ownsLots: boolean;
};

/**
 * One attempt of a write: reads go to the storage (remembering versions),
 * changes are planned in memory, and {@link commit} writes them in one
 * transaction checking every version.
 */
export class Attempt {
  readonly accounts = new Map<string, Touched>();
  readonly docs = new Map<
    string,
    { collection: string; id: string; version: number | null; data: JsonValue | undefined; changed: boolean }
  >();

  /** `now` as an ISO string. */
  readonly at: string;

  constructor(
    readonly storage: Storage,
    readonly names: Names,
    readonly now: Date,
  ) {
    this.at = now.toISOString();
  }

  /** The member's account (a fresh one when it does not exist yet and `create` is set). */
  async account(memberId: string): Promise<Account | undefined> {
    const touched = this.accounts.get(memberId);
    if (touched) return touched.state;
    const doc = await this.storage.documents.get(this.names.accounts, memberId);
    return doc === undefined ? undefined : (doc.data as unknown as Account);
  }

  /** Loads the account for writing: created when missing. */
  async open(memberId: string): Promise<Account> {
    const touched = this.accounts.get(memberId);
    if (touched) return touched.state;
    const doc = await this.storage.documents.get(this.names.accounts, memberId);
    const state: Account =
      doc === undefined
        ? {
            memberId,
            joinedAt: this.at,
            ledger: emptyLedger(),
            orders: 0,
            tier: null,
            activity: [],
            earned: {},
            rewards: {},
            referralCode: null,
            pendingReferral: false,
          }
        : (doc.data as unknown as Account);
    this.accounts.set(memberId, {
      version: doc?.version ?? null,
      startSequence: state.ledger.sequence,
      state,
      events: [],
      balance: undefined,
      ownsLots: false,
    });
    return state;
  }

  /**
   * The balance of an opened account as planned so far: the sum of the
   * totals per entry type, which equals the open lots less the deficit (an
   * invariant of {@link LedgerState}, property-tested), without summing every
   * open lot of a long ledger.
   */
  balance(memberId: string): number {
    const touched = this.accounts.get(memberId)!;
    if (touched.balance === undefined) {
      const { earn, redeem, expire, adjust, reverse, transfer } = touched.state.ledger.totals;
      touched.balance = earn + redeem + expire + adjust + reverse + transfer;
    }
    return touched.balance;
  }

  /** Replaces the planned state of an opened account (not its ledger: use {@link entry}). */
  update(memberId: string, change: (a: Account) => Account): Account {
    const touched = this.accounts.get(memberId)!;
    touched.state = change(touched.state);
    return touched.state;
  }

  /** The id and sequence the next event of the member's stream will get (see {@link sequenceOf}). */
  next(memberId: string): { id: string; seq: number } {
    const seq = this.accounts.get(memberId)!.state.ledger.sequence + 1;
    return { id: `${this.names.stream(memberId)}#${seq}`, seq };
  }

  /** Appends a ledger entry to an opened account and applies it to the cached state. */
  entry(memberId: string, entry: LedgerEntry): LedgerEntry {
    const touched = this.accounts.get(memberId)!;
    const seq = touched.state.ledger.sequence + 1;
    touched.events.push({
      id: entry.id,
      type: LEDGER_EVENT,
      data: entry as unknown as JsonValue,
      occurredAt: this.now,
    });
    const before = touched.state.ledger.lots;
    const ledger = applyEntry(touched.state.ledger, entry, seq, touched.ownsLots);
    // applyEntry makes a new list whenever it changes the lots (or changes ours in place)
    touched.ownsLots ||= ledger.lots !== before;
    touched.state = withLedger(touched.state, ledger);
    if (touched.balance !== undefined) touched.balance += entry.delta;
    return entry;
  }

  /** Appends a tier change to an opened account's stream. */
  tierEvent(memberId: string, change: TierChange): void {
    const touched = this.accounts.get(memberId)!;
    const { id, seq } = this.next(memberId);
    touched.events.push({ id, type: TIER_EVENT, data: change as unknown as JsonValue, occurredAt: this.now });
    touched.state = withLedger(touched.state, { ...touched.state.ledger, sequence: seq });
  }

  /** A document, remembering its version for the commit when `forWrite`. */
  async doc<T>(collection: string, id: string, forWrite = false): Promise<T | undefined> {
    const key = `${collection}/${id}`;
    const planned = this.docs.get(key);
    if (planned) return planned.data as T;
    const doc = await this.storage.documents.get(collection, id);
    if (forWrite)
      this.docs.set(key, { collection, id, version: doc?.version ?? null, data: doc?.data, changed: false });
    return doc?.data as T | undefined;
  }

  /** Plans a document write (read it with `forWrite` first to check its version). */
  setDoc(collection: string, id: string, data: unknown): void {
    const key = `${collection}/${id}`;
    const planned = this.docs.get(key);
    this.docs.set(key, {
      collection,
      id,
      version: planned ? planned.version : null,
      data: data as JsonValue,
      changed: true,
    });
  }
}

/** What a write needs of its programme: where to write, the names, the clock and the retry budget. */
type WriteContext = { storage: Storage; names: Names; now: () => Date; maxAttempts: number };

/**
 * How the key document of a write keeps its result, when not as it is:
 * `keep` makes what is stored (say, without what the member's stream holds
 * already), `restore` makes the result again from it on a repeat.
 */
export interface Keeping<R> {
  keep(result: R): JsonValue;
  restore(kept: JsonValue): Promise<R>;
}

/**
 * Runs a write at most once per idempotency key, with optimistic
 * concurrency: plan against the current state, commit in one transaction
 * that checks every version read, and on a version conflict start over (at
 * most `maxAttempts` times). A repeated key returns the first result.
 */
export async function runWrite<R>(
  context: WriteContext,
  operation: string,
  key: string,
  plan: (attempt: Attempt) => Promise<R>,
  keeping?: Keeping<R>,
): Promise<R> {
  return (await runWrites(context, operation, [key], (attempt) => plan(attempt), keeping))[0]!;
}

/**
 * {@link runWrite} for many writes at once, each with its own key: one
 * attempt plans them in order (each sees the state the ones before it
 * planned; a key kept from before, or repeated in the batch, returns its
 * first result and plans nothing), and one transaction commits them all, so
 * they land together or not at all.
 */
export async function runWrites<R>(
  context: WriteContext,
  operation: string,
  keys: readonly string[],
  plan: (attempt: Attempt, index: number) => Promise<R>,
  keeping?: Keeping<R>,
): Promise<R[]> {
  const { storage, names: n } = context;
  let last: unknown;
  for (let attempt = 1; attempt <= context.maxAttempts; attempt++) {
    let run: Attempt | undefined;
    const results: R[] = [];
    const seen = new Map<string, R>();
    const planned: { keyId: string; result: R }[] = [];
    for (let i = 0; i < keys.length; i++) {
      const keyId = `${operation}:${keys[i]}`;
      if (seen.has(keyId)) {
        results.push(seen.get(keyId)!);
        continue;
      }
      const kept = await storage.documents.get<{ result: JsonValue }>(n.keys, keyId);
      let result: R;
      if (kept !== undefined) {
        result = keeping ? await keeping.restore(kept.data.result) : (kept.data.result as R);
      } else {
        run ??= new Attempt(storage, n, context.now());
        result = await plan(run, i);
        planned.push({ keyId, result });
      }
      seen.set(keyId, result);
      results.push(result);
    }
    if (run === undefined) return results;
    try {
      await commit(
        storage,
        n,
        run,
        planned.map(({ keyId, result }) => ({ keyId, kept: keeping ? keeping.keep(result) : result })),
      );
      return results;
    } catch (e) {
      if (!(e instanceof VersionConflictError)) throw e;
      last = e;
    }
  }
  throw new LoyaltyConflictError(operation, context.maxAttempts, last);
}

async function commit(
  storage: Storage,
  n: Names,
  run: Attempt,
  keys: readonly { keyId: string; kept: unknown }[],
): Promise<void> {
  await storage.withTransaction(async (tx) => {
    for (const [memberId, touched] of run.accounts) {
      if (touched.events.length > 0)
        await tx.events.append(n.stream(memberId), touched.events, {
          expectedSequence: touched.startSequence,
        });
      await tx.documents.put(n.accounts, memberId, touched.state as unknown as JsonValue, {
        expectedVersion: touched.version,
      });
    }
    for (const doc of run.docs.values()) {
      if (!doc.changed || doc.data === undefined) continue;
      await tx.documents.put(doc.collection, doc.id, doc.data, { expectedVersion: doc.version });
    }
    for (const { keyId, kept } of keys) {
      await tx.documents.put(
        n.keys,
        keyId,
        { result: (kept ?? null) as JsonValue },
        { expectedVersion: null },
      );
    }
  });
}

/** The stream sequence of an event of a member's stream, from its id (`<stream>#<sequence>`). */
export function sequenceOf(eventId: string): number {
  return Number(eventId.slice(eventId.lastIndexOf('#') + 1));
}

/** Reads a member's stream: ledger entries with their sequence, and tier changes. */
export async function readStream(
  storage: Storage,
  n: Names,
  memberId: string,
): Promise<{ entries: { entry: LedgerEntry; sequence: number }[]; tiers: TierChange[]; last: number }> {
  const entries: { entry: LedgerEntry; sequence: number }[] = [];
  const tiers: TierChange[] = [];
  let last = 0;
  for await (const event of storage.events.read(n.stream(memberId)) as AsyncIterable<LogEvent>) {
    last = event.sequence;
    if (event.type === LEDGER_EVENT)
      entries.push({ entry: event.data as unknown as LedgerEntry, sequence: event.sequence });
    else if (event.type === TIER_EVENT) tiers.push(event.data as unknown as TierChange);
  }
  return { entries, tiers, last };
}
