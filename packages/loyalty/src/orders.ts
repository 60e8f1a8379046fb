import {
  type JsonValue,
  NotFoundError,
  type Order,
  ValidationError,
  type ValidationIssue,
} from '@crmkit/core';
import { dayKey } from './calendar';
import type { ProgramContext } from './context';
import { summarise } from './earning';
import { creditEntry, newLot } from './entries';
import { LoyaltyError, type LoyaltyErrorCode } from './errors';
import type { LedgerEntry } from './ledger';
import {
  checkRecordOrderInput,
  type ParsedOrderInput,
  parseRecordOrderInput,
  type RecordOrderInput,
} from './order-input';
import { completeReferral, type ReferralOutcome } from './referrals';
import { type Account, type Attempt, type Keeping, sequenceOf } from './store';
import { addActivity, pruneActivity, type TierChange, upgradeTier } from './tiers';

/**
 * The result of recording an order: points earned with their breakdown, the
 * balance after, the ledger entry, and any tier change or completed referral.
 *
 * @example
 * ```ts
 * const r: EarnOutcome = await program.recordOrder({ order });
 * r.summary; // 'you earned 120 points: 100 base + 20 Birthday bonus'
 * ```
 */
export type EarnOutcome = {
  readonly memberId: string;
  readonly orderId: string;
  readonly points: number;
  readonly summary: string;
  readonly breakdown: readonly { readonly id: string; readonly label: string; readonly points: number }[];
  readonly balance: number;
  readonly entry: LedgerEntry | null;
  readonly tierChange: TierChange | null;
  readonly referral: ReferralOutcome | null;
};

/** Records an order: points by the earning rules, tier upgrade, referral completion. */
export async function recordOrder(context: ProgramContext, input: RecordOrderInput): Promise<EarnOutcome> {
  const parsed = parseRecordOrderInput('order to record', input);
  return context.write(
    'earn',
    parsed.idempotencyKey ?? parsed.order.id,
    (attempt) => planOrder(context, attempt, parsed),
    earnKeeping(context),
  );
}

/**
 * Records many orders in one write: each exactly as {@link recordOrder}
 * would, in the order given (an order sees the points, counters and tier
 * the ones before it left), with its own idempotency key, but planned in
 * one attempt and committed in one transaction, so the batch lands whole or
 * not at all. Bad input anywhere writes nothing: `ValidationError` (or a
 * `LoyaltyError`) with paths starting at the input's index.
 */
export async function recordOrders(
  context: ProgramContext,
  inputs: readonly RecordOrderInput[],
): Promise<EarnOutcome[]> {
  const what = 'orders to record';
  if (!Array.isArray(inputs)) {
    throw new ValidationError(what, [
      { path: [], message: 'must be an array of orders to record', code: 'invalid_type' },
    ]);
  }
  const parsed: ParsedOrderInput[] = [];
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const checked = checkRecordOrderInput(inputs[i], [i]);
    if ('value' in checked) parsed.push(checked.value);
    else issues.push(...checked.issues);
  }
  if (issues.length > 0) throw new ValidationError(what, issues);
  return context.writeMany(
    'earn',
    parsed.map((p) => p.idempotencyKey ?? p.order.id),
    async (attempt, i) => {
      try {
        return await planOrder(context, attempt, parsed[i]!);
      } catch (e) {
        throw atIndex(e, i);
      }
    },
    earnKeeping(context),
  );
}

/**
 * What the key document of an earn keeps. An outcome with an entry keeps
 * only what the entry does not hold (the entry is the event at
 * `entrySequence` of the member's stream, and its credit and breakdown give
 * the points, the breakdown and the summary back); one without keeps it all.
 */
type KeptEarn =
  | EarnOutcome
  | (Pick<EarnOutcome, 'memberId' | 'orderId' | 'balance' | 'tierChange' | 'referral'> & {
      readonly entrySequence: number;
    });

/**
 * Keeps earn outcomes without their ledger entry (most of an outcome, and
 * already stored as the event of the member's stream): a repeat reads the
 * entry back from the stream.
 */
function earnKeeping(context: ProgramContext): Keeping<EarnOutcome> {
  return {
    keep(outcome) {
      const { memberId, orderId, balance, entry, tierChange, referral } = outcome;
      const kept: KeptEarn =
        entry === null
          ? outcome
          : { memberId, orderId, balance, tierChange, referral, entrySequence: sequenceOf(entry.id) };
      return kept as unknown as JsonValue;
    },
    async restore(value) {
      const kept = value as unknown as KeptEarn;
      if (!('entrySequence' in kept)) return kept;
      const { entrySequence, ...rest } = kept;
      const stream = context.names.stream(kept.memberId);
      for await (const event of context.storage.events.read(stream, {
        fromSequence: entrySequence,
        batchSize: 1,
      })) {
        const entry = event.data as unknown as LedgerEntry;
        const points = entry.credit?.points ?? 0;
        const breakdown = entry.breakdown ?? [];
        return { ...rest, points, summary: summarise(points, breakdown), breakdown, entry };
      }
      throw new NotFoundError('ledger entry', `${stream}#${entrySequence}`);
    },
  };
}

/** A refusal of one order of a batch, with the order's index in front of its path. */
function atIndex(error: unknown, index: number): unknown {
  if (error instanceof LoyaltyError) {
    const { path: _, ...details } = error.details;
    const moved = new LoyaltyError(
      error.code as LoyaltyErrorCode,
      [index, ...error.path],
      error.reason,
      details,
    );
    moved.cause = error;
    return moved;
  }
  if (error instanceof ValidationError) {
    return new ValidationError(
      String(error.details['what']),
      error.issues.map((i) => ({ ...i, path: [index, ...i.path] })),
    );
  }
  return error;
}

/** Plans the points of one order in an attempt: the earning rules, the counters, a tier upgrade, a referral. */
async function planOrder(
  context: ProgramContext,
  attempt: Attempt,
  parsed: ParsedOrderInput,
): Promise<EarnOutcome> {
  const { definition: def, rules } = context;
  const { order } = parsed;
  const memberId = order.customerId;
  let account = await attempt.open(memberId);
  const tiers = def.tiers;
  const tier =
    account.tier ?? (tiers ? { id: tiers.levels[0]!.id, since: attempt.at, graceUntil: null } : null);
  const day = dayKey(order.placedAt, def.timeZone);
  const [d, m, y] = capKeys(day);
  const result = rules.evaluateParsed({
    order,
    member: {
      id: memberId,
      tier: tier?.id ?? null,
      ...(parsed.segment === undefined ? {} : { segment: parsed.segment }),
      orderCount: account.orders,
      earnedToday: account.earned[d] ?? 0,
      earnedThisMonth: account.earned[m] ?? 0,
      earnedThisYear: account.earned[y] ?? 0,
      attributes: {},
    },
    ...(parsed.customer === undefined ? {} : { customer: parsed.customer }),
    discountedSkus: parsed.discountedSkus,
  });
  const breakdown = result.lines.map(({ id, label, points }) => ({ id, label, points }));
  const entry =
    result.points > 0
      ? creditEntry(
          attempt,
          memberId,
          'earn',
          [newLot(context, result.points, order.placedAt, { orderId: order.id, pending: true })],
          {
            orderId: order.id,
            amount: order.total.amount.toFixed(),
            currency: order.currency,
            breakdown,
          },
        )
      : null;
  // field by field, like withLedger: this runs for every order
  account = attempt.update(memberId, (a) => ({
    memberId: a.memberId,
    joinedAt: a.joinedAt,
    ledger: a.ledger,
    orders: a.orders + 1,
    tier,
    // without tiers no activity is kept: keep the empty list itself (the store keeps what did not change)
    activity: tiers
      ? pruneActivity(
          tiers,
          addActivity(a.activity, { day, points: result.points, spend: spendOf(context, order), orders: 1 }),
          order.placedAt,
          def.timeZone,
        )
      : a.activity.length === 0
        ? a.activity
        : [],
    earned: bumpEarned(a.earned, [d, m, y], result.points),
    rewards: a.rewards,
    referralCode: a.referralCode,
    pendingReferral: a.pendingReferral,
  }));
  let tierChange: TierChange | null = null;
  if (tiers && account.tier) {
    const up = upgradeTier(tiers, account.tier, account.activity, order.placedAt, def.timeZone);
    if (up.change) {
      tierChange = up.change;
      attempt.update(memberId, (a) => ({ ...a, tier: up.status }));
      attempt.tierEvent(memberId, up.change);
    }
  }
  const referral = account.pendingReferral ? await completeReferral(context, attempt, memberId, order) : null;
  return {
    memberId,
    orderId: order.id,
    points: result.points,
    summary: result.summary,
    breakdown,
    balance: attempt.balance(memberId),
    entry,
    tierChange,
    referral,
  };
}

const CAP_KINDS = ['d:', 'm:', 'y:'] as const;

/** Adds points to the cap counters, keeping the last 3 keys of each kind. */
function bumpEarned(earned: Account['earned'], keys: readonly string[], points: number): Account['earned'] {
  const next: Record<string, number> = { ...earned };
  let added = false;
  for (const key of keys) {
    const before = Object.hasOwn(next, key) ? next[key] : undefined;
    added ||= before === undefined;
    next[key] = (before ?? 0) + points;
  }
  // the counters before kept at most 3 keys of each kind: only a new key can push one out
  if (!added) return next;
  const all = Object.keys(next);
  for (const kind of CAP_KINDS) {
    const mine = all.filter((k) => k.startsWith(kind));
    if (mine.length > 3) for (const old of mine.sort().slice(0, -3)) delete next[old];
  }
  return next;
}

function capKeys(day: string): [string, string, string] {
  return [`d:${day}`, `m:${day.slice(0, 7)}`, `y:${day.slice(0, 4)}`];
}

function spendOf(context: ProgramContext, order: Order): string {
  const tiers = context.definition.tiers;
  return tiers?.metric === 'spend' && tiers.currency === order.currency ? order.total.amount.toFixed() : '0';
}
