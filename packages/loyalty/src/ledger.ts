import { InsufficientPointsError } from './errors';

/**
 * The kinds of ledger entry. Every entry is appended, never changed.
 *
 * @example
 * ```ts
 * const t: EntryType = 'redeem';
 * ```
 */
export type EntryType = 'earn' | 'redeem' | 'expire' | 'adjust' | 'reverse' | 'transfer';

/**
 * A lot: the points of one credit, with when they become spendable
 * (`availableAt`, after the pending period) and when they expire (`null`:
 * never). `remaining` goes down as redemptions, expiry and reversals consume
 * it; a lot at 0 is closed and leaves the open list.
 *
 * @example
 * ```ts
 * const lot: Lot = { id: 'club:m1#1', seq: 1, points: 100, remaining: 60, earnedAt: '2026-03-01T00:00:00.000Z',
 *   availableAt: '2026-03-15T00:00:00.000Z', expiresAt: '2027-03-01T00:00:00.000Z', orderId: 'o1' };
 * ```
 */
export type Lot = {
  readonly id: string;
  /** Ledger sequence of the entry that created it (FIFO tie-break). */
  readonly seq: number;
  readonly points: number;
  readonly remaining: number;
  readonly earnedAt: string;
  readonly availableAt: string;
  readonly expiresAt: string | null;
  readonly orderId?: string;
};

/**
 * Points taken from one lot by a debit, with the lot's dates (so a cancelled
 * redemption can restore them).
 *
 * @example
 * ```ts
 * const c: Consumed = { lotId: 'club:m1#1', points: 40, expiresAt: null };
 * ```
 */
export type Consumed = { readonly lotId: string; readonly points: number; readonly expiresAt: string | null };

/**
 * An entry of a member's ledger. `delta` is the signed change of the
 * balance; `credit` or `debit` says exactly what happened to the lots, so
 * replaying the entries rebuilds the state without any policy or clock.
 *
 * @example
 * ```ts
 * for (const e of await program.entries('m1')) console.log(e.type, e.delta, e.orderId);
 * ```
 */
export type LedgerEntry = {
  readonly id: string;
  readonly type: EntryType;
  /** When it was written (ISO instant). */
  readonly at: string;
  readonly delta: number;
  readonly credit?: {
    readonly points: number;
    /** New lots (after repaying any deficit or debt). */
    readonly lots: readonly Lot[];
    readonly repaidDeficit: number;
    readonly repaidDebt: number;
  };
  readonly debit?: {
    readonly points: number;
    readonly consumed: readonly Consumed[];
    /** Points that made the balance negative (`negative-balance` policy). */
    readonly deficit: number;
    /** Points recorded as a debt (`debt` policy). */
    readonly debt: number;
    /** Points that could not be recovered and were forgiven (`claw-back` policy). */
    readonly writtenOff: number;
  };
  readonly orderId?: string;
  /** Order total (earn) or refunded amount (reverse), as a decimal string in `currency`. */
  readonly amount?: string;
  readonly currency?: string;
  readonly refundId?: string;
  readonly redemptionId?: string;
  readonly rewardId?: string;
  readonly transferId?: string;
  readonly counterparty?: string;
  readonly activity?: string;
  readonly reason?: string;
  /** Per-rule points of an earn ("100 base + 20 birthday"). */
  readonly breakdown?: readonly { readonly id: string; readonly label: string; readonly points: number }[];
};

/**
 * The ledger state of one member, derived from its entries: open lots in
 * first-expiring-first order, the negative part of the balance (`deficit`),
 * an off-balance `debt`, and the signed sum of `delta` per entry type.
 * Invariant: `balance = Σ lots.remaining − deficit = Σ totals`.
 *
 * @example
 * ```ts
 * const state: LedgerState = replayLedger(entries);
 * balanceOf(state);
 * ```
 */
export type LedgerState = {
  readonly sequence: number;
  readonly lots: readonly Lot[];
  readonly deficit: number;
  readonly debt: number;
  readonly totals: Readonly<Record<EntryType, number>>;
};

/**
 * The state of a ledger with no entries.
 *
 * @example
 * ```ts
 * balanceOf(emptyLedger()); // 0
 * ```
 */
export function emptyLedger(): LedgerState {
  return {
    sequence: 0,
    lots: [],
    deficit: 0,
    debt: 0,
    totals: { earn: 0, redeem: 0, expire: 0, adjust: 0, reverse: 0, transfer: 0 },
  };
}

/**
 * The balance: open lot remainders less the deficit (pending points count).
 *
 * @example
 * ```ts
 * balanceOf(state); // 120
 * ```
 */
export function balanceOf(state: LedgerState): number {
  let sum = 0;
  for (const lot of state.lots) sum += lot.remaining;
  return sum - state.deficit;
}

const isAvailable = (lot: Lot, now: string) =>
  lot.availableAt <= now && (lot.expiresAt === null || lot.expiresAt > now);

/**
 * Points spendable at `now`: matured, unexpired lots less the deficit (never below 0).
 *
 * @example
 * ```ts
 * availableOf(state, '2026-03-20T00:00:00.000Z'); // 100
 * ```
 */
export function availableOf(state: LedgerState, now: string): number {
  let sum = 0;
  for (const lot of state.lots) if (isAvailable(lot, now)) sum += lot.remaining;
  return Math.max(0, sum - state.deficit);
}

/**
 * Points still in their pending period at `now`.
 *
 * @example
 * ```ts
 * pendingOf(state, '2026-03-02T00:00:00.000Z'); // 100
 * ```
 */
export function pendingOf(state: LedgerState, now: string): number {
  let sum = 0;
  for (const lot of state.lots) if (lot.availableAt > now) sum += lot.remaining;
  return sum;
}

/** FIFO order: first expiring first (never-expiring last), then first matured, then oldest. */
export function compareLots(a: Lot, b: Lot): number {
  if (a.expiresAt !== b.expiresAt) {
    if (a.expiresAt === null) return 1;
    if (b.expiresAt === null) return -1;
    return a.expiresAt < b.expiresAt ? -1 : 1;
  }
  if (a.availableAt !== b.availableAt) return a.availableAt < b.availableAt ? -1 : 1;
  return a.seq - b.seq;
}

/** Takes up to `points` from `lots` (in the given order); returns what was taken. */
export function take(lots: readonly Lot[], points: number): Consumed[] {
  const consumed: Consumed[] = [];
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const n = Math.min(left, lot.remaining);
    if (n > 0) {
      consumed.push({ lotId: lot.id, points: n, expiresAt: lot.expiresAt });
      left -= n;
    }
  }
  return consumed;
}

/**
 * Plans a debit of spendable points first-expiring-first, or throws
 * {@link InsufficientPointsError} (at `path`) when fewer are available.
 *
 * @example
 * ```ts
 * planSpend(state, 80, now, ['points']); // [{ lotId, points: 80, expiresAt }]
 * ```
 */
export function planSpend(
  state: LedgerState,
  points: number,
  now: string,
  path: readonly (string | number)[],
): Consumed[] {
  const available = availableOf(state, now);
  if (points > available) throw new InsufficientPointsError(path, points, available);
  return take(
    state.lots.filter((l) => isAvailable(l, now)),
    points,
  );
}

/**
 * Applies the exact lot changes of an entry to a state, returning the new
 * state. With `ownsLots` (the caller made `state.lots` and nobody else reads
 * it), a credit inserts its lots into that list in place instead of sorting
 * a new one: the same list, without the cost of copying every open lot.
 */
export function applyEntry(
  state: LedgerState,
  entry: LedgerEntry,
  sequence: number,
  ownsLots = false,
): LedgerState {
  let lots = state.lots;
  let deficit = state.deficit;
  let debt = state.debt;
  if (entry.debit) {
    const byLot = new Map<string, number>();
    for (const c of entry.debit.consumed) byLot.set(c.lotId, (byLot.get(c.lotId) ?? 0) + c.points);
    lots = lots.flatMap((lot) => {
      const n = byLot.get(lot.id);
      if (n === undefined) return [lot];
      const remaining = lot.remaining - n;
      if (remaining < 0)
        throw new RangeError(`entry ${entry.id} takes ${n} from lot ${lot.id} holding ${lot.remaining}`);
      return remaining === 0 ? [] : [{ ...lot, remaining }];
    });
    deficit += entry.debit.deficit;
    debt += entry.debit.debt;
  }
  if (entry.credit) {
    deficit -= entry.credit.repaidDeficit;
    debt -= entry.credit.repaidDebt;
    if (entry.credit.lots.length > 0) {
      lots = lots === state.lots && !ownsLots ? [...lots] : lots;
      insertLots(lots as Lot[], entry.credit.lots);
    }
  }
  const { earn, redeem, expire, adjust, reverse, transfer } = state.totals;
  const totals = { earn, redeem, expire, adjust, reverse, transfer };
  totals[entry.type] += entry.delta;
  return { sequence, lots, deficit, debt, totals };
}

/**
 * Inserts lots into a list in FIFO order ({@link compareLots}), each after
 * the lots it compares equal to: for a sorted list, the same list as sorting
 * the concatenation (the sort is stable), in O(log n) comparisons per lot.
 */
function insertLots(lots: Lot[], added: readonly Lot[]): void {
  for (const lot of added) {
    let low = 0;
    let high = lots.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareLots(lots[mid]!, lot) <= 0) low = mid + 1;
      else high = mid;
    }
    if (low === lots.length) lots.push(lot);
    else lots.splice(low, 0, lot);
  }
}

/**
 * Rebuilds a ledger state from its entries (each with its stream sequence),
 * without any policy or clock: the audit path, and the check of the cached
 * state.
 *
 * @example
 * ```ts
 * expect(replayLedger(entries)).toEqual(account.ledger);
 * ```
 */
export function replayLedger(entries: Iterable<{ entry: LedgerEntry; sequence: number }>): LedgerState {
  let state = emptyLedger();
  // every list of lots here is the replay's own
  for (const { entry, sequence } of entries) state = applyEntry(state, entry, sequence, true);
  return state;
}

/** A lot template of a credit, before repayment. */
export type NewLot = Omit<Lot, 'remaining' | 'seq' | 'id'>;

/**
 * Builds the credit part of an entry: new points repay the deficit first,
 * then any debt, and the rest becomes lots.
 *
 * @example
 * ```ts
 * const credit = planCredit(state, 'club:m1#4', 4, [{ points: 100, earnedAt, availableAt, expiresAt: null }]);
 * ```
 */
export function planCredit(
  state: LedgerState,
  entryId: string,
  seq: number,
  lots: readonly NewLot[],
): { credit: NonNullable<LedgerEntry['credit']>; delta: number } {
  let repaidDeficit = 0;
  let repaidDebt = 0;
  let deficit = state.deficit;
  let debt = state.debt;
  let points = 0;
  const made: Lot[] = [];
  lots.forEach((template, i) => {
    points += template.points;
    let left = template.points;
    const d = Math.min(left, deficit);
    deficit -= d;
    repaidDeficit += d;
    left -= d;
    const b = Math.min(left, debt);
    debt -= b;
    repaidDebt += b;
    left -= b;
    if (left > 0) {
      const id = lots.length === 1 ? entryId : `${entryId}/${i + 1}`;
      const { earnedAt, availableAt, expiresAt, orderId } = template;
      made.push(
        orderId === undefined
          ? { points: left, earnedAt, availableAt, expiresAt, id, seq, remaining: left }
          : { points: left, earnedAt, availableAt, expiresAt, orderId, id, seq, remaining: left },
      );
    }
  });
  return { credit: { points, lots: made, repaidDeficit, repaidDebt }, delta: points - repaidDebt };
}
