import { availableFrom, expiryOf } from './calendar';
import type { ProgramContext } from './context';
import { type Consumed, type LedgerEntry, type NewLot, planCredit } from './ledger';
import type { Attempt } from './store';

/** `value` without its `undefined` fields (JSON has none): the value itself when it has none. */
export function without<T extends object>(value: T): T {
  for (const key in value) {
    if (value[key] === undefined) {
      return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
    }
  }
  return value;
}

/** A credit entry of an opened account: planned lots, repaying deficit and debt first. */
export function creditEntry(
  attempt: Attempt,
  memberId: string,
  type: LedgerEntry['type'],
  lots: readonly NewLot[],
  extra: Partial<LedgerEntry>,
): LedgerEntry {
  const account = attempt.accounts.get(memberId)!.state;
  const { id, seq } = attempt.next(memberId);
  const { credit, delta } = planCredit(account.ledger, id, seq, lots);
  // Object.assign, not a spread followed by fields: this runs for every order
  return attempt.entry(
    memberId,
    without(Object.assign({}, extra, { id, type, at: attempt.at, delta, credit })) as LedgerEntry,
  );
}

/** A debit entry of an opened account taking exactly `consumed`. */
export function debitEntry(
  attempt: Attempt,
  memberId: string,
  type: LedgerEntry['type'],
  consumed: readonly Consumed[],
  extra: Partial<LedgerEntry>,
  rest: { deficit?: number; debt?: number; writtenOff?: number } = {},
): LedgerEntry {
  const { id } = attempt.next(memberId);
  const points = consumed.reduce((s, c) => s + c.points, 0);
  const deficit = rest.deficit ?? 0;
  const debit = { points, consumed, deficit, debt: rest.debt ?? 0, writtenOff: rest.writtenOff ?? 0 };
  return attempt.entry(
    memberId,
    without({
      ...extra,
      id,
      type,
      at: attempt.at,
      delta: 0 - (points + deficit),
      debit,
    }) as LedgerEntry,
  );
}

/**
 * A new lot earned at `at` under the programme's expiry; purchases (and
 * referral rewards, which hang on one) wait out `pendingDays`, other credits
 * are spendable at once.
 */
export function newLot(
  context: ProgramContext,
  points: number,
  at: Date,
  options: { orderId?: string; pending?: boolean } = {},
): NewLot {
  const { pendingDays, expiry, timeZone } = context.definition;
  const expiresAt = expiryOf(expiry, at, timeZone);
  return without({
    points,
    earnedAt: at.toISOString(),
    availableAt: availableFrom(at, options.pending ? pendingDays : 0).toISOString(),
    expiresAt: expiresAt === null ? null : expiresAt.toISOString(),
    orderId: options.orderId,
  }) as NewLot;
}
