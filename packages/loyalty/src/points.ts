import {
  AmountSchema,
  Decimal,
  IdSchema,
  InstantSchema,
  Money,
  parseWith,
  toDecimal,
  ValidationError,
} from '@crmkit/core';
import { z } from 'zod';
import { dayKey } from './calendar';
import type { ProgramContext } from './context';
import { creditEntry, debitEntry, newLot } from './entries';
import { LoyaltyError } from './errors';
import { balanceOf, compareLots, type LedgerEntry, planSpend, take } from './ledger';
import { type Account, type Attempt, readStream } from './store';
import { addActivity } from './tiers';

const Points = z.number().int('must be a whole number of points').positive('must be greater than 0');
const Reason = z.string().min(1).max(500);

/**
 * Input of {@link LoyaltyProgram.refundOrder}: which order of which member,
 * the refund's id and amount (in the order's currency).
 *
 * @example
 * ```ts
 * RefundInputSchema.parse({ memberId: 'c1', orderId: 'o1', refundId: 'r1', amount: '20.00' });
 * ```
 */
export const RefundInputSchema = z
  .object({
    memberId: IdSchema,
    orderId: IdSchema,
    refundId: IdSchema,
    amount: AmountSchema.refine((a) => {
      const d = a instanceof Money ? a.amount : toDecimal(a);
      return d?.greaterThan(0) === true;
    }, 'must be greater than 0'),
  })
  .strict();

/**
 * What {@link RefundInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: RefundInput = { memberId: 'c1', orderId: 'o1', refundId: 'r1', amount: '20' };
 * ```
 */
export type RefundInput = z.input<typeof RefundInputSchema>;

/**
 * The result of a refund: points reversed (in proportion to the refunded
 * share of the order), how they were recovered, and the balance after.
 *
 * @example
 * ```ts
 * const r: RefundOutcome = await program.refundOrder(input);
 * r.reversed; // 50
 * ```
 */
export type RefundOutcome = {
  readonly memberId: string;
  readonly orderId: string;
  readonly refundId: string;
  /** Points the refund takes back (recovered + deficit + debt + written off). */
  readonly reversed: number;
  readonly balance: number;
  readonly entry: LedgerEntry | null;
};

/**
 * Input of {@link LoyaltyProgram.redeemPoints}: spend points (not for a
 * catalogue reward), once per `requestId` and member.
 *
 * @example
 * ```ts
 * RedeemInputSchema.parse({ memberId: 'c1', points: 500, requestId: 'checkout-42' });
 * ```
 */
export const RedeemInputSchema = z
  .object({ memberId: IdSchema, points: Points, requestId: IdSchema, reason: Reason.optional() })
  .strict();

/**
 * What {@link RedeemInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: RedeemInput = { memberId: 'c1', points: 500, requestId: 'checkout-42' };
 * ```
 */
export type RedeemInput = z.input<typeof RedeemInputSchema>;

/**
 * Input of {@link LoyaltyProgram.adjustPoints}: a signed manual correction
 * with its reason. A credit expires under the programme's rule unless
 * `expiresAt` is given (`null`: never).
 *
 * @example
 * ```ts
 * AdjustInputSchema.parse({ memberId: 'c1', points: -20, reason: 'duplicate review', requestId: 'adj-7' });
 * ```
 */
export const AdjustInputSchema = z
  .object({
    memberId: IdSchema,
    points: z
      .number()
      .int('must be a whole number of points')
      .refine((n) => n !== 0, 'must not be 0'),
    reason: Reason,
    requestId: IdSchema,
    expiresAt: InstantSchema.nullable().optional(),
  })
  .strict();

/**
 * What {@link AdjustInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: AdjustInput = { memberId: 'c1', points: 100, reason: 'goodwill', requestId: 'adj-1' };
 * ```
 */
export type AdjustInput = z.input<typeof AdjustInputSchema>;

/**
 * Input of {@link LoyaltyProgram.transferPoints}: points from one member to
 * another (when the programme enables transfers).
 *
 * @example
 * ```ts
 * TransferInputSchema.parse({ from: 'c1', to: 'c2', points: 100, requestId: 't-1' });
 * ```
 */
export const TransferInputSchema = z
  .object({ from: IdSchema, to: IdSchema, points: Points, requestId: IdSchema })
  .strict()
  .refine((t) => t.from !== t.to, { message: 'must differ from from', path: ['to'] });

/**
 * What {@link TransferInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: TransferInput = { from: 'c1', to: 'c2', points: 100, requestId: 't-1' };
 * ```
 */
export type TransferInput = z.input<typeof TransferInputSchema>;

/**
 * Input of {@link LoyaltyProgram.recordActivity}: an activity the programme
 * rewards (`earning.activities`), once per `activityId`.
 *
 * @example
 * ```ts
 * ActivityInputSchema.parse({ memberId: 'c1', activity: 'review', activityId: 'review-991' });
 * ```
 */
export const ActivityInputSchema = z
  .object({ memberId: IdSchema, activity: z.string().min(1), activityId: IdSchema })
  .strict();

/**
 * What {@link ActivityInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: ActivityInput = { memberId: 'c1', activity: 'survey', activityId: 's-1' };
 * ```
 */
export type ActivityInput = z.input<typeof ActivityInputSchema>;

/**
 * The result of a write that moves points of one member.
 *
 * @example
 * ```ts
 * const r: PointsOutcome = await program.redeemPoints(input);
 * r.balance;
 * ```
 */
export type PointsOutcome = {
  readonly memberId: string;
  readonly points: number;
  readonly balance: number;
  readonly entry: LedgerEntry | null;
};

/**
 * The result of an expiry run: members touched, lots closed and points expired.
 *
 * @example
 * ```ts
 * const r: ExpiryOutcome = await program.expirePoints({ now: '2027-01-01' });
 * ```
 */
export type ExpiryOutcome = { readonly members: number; readonly lots: number; readonly points: number };

/** Reverses the points of an order in proportion to a refund, under the programme's policy. */
export async function refundOrder(context: ProgramContext, input: RefundInput): Promise<RefundOutcome> {
  const parsed = parseWith(RefundInputSchema, 'refund', input);
  const { memberId, orderId, refundId } = parsed;
  const requested = parsed.amount instanceof Money ? parsed.amount : undefined;
  const amount = requested ? requested.amount : toDecimal(parsed.amount)!;
  return context.write('refund', `${orderId}:${refundId}`, async (attempt) => {
    // open (and so version-check) the account before reading its entries: a concurrent refund of the
    // same order that lands in between makes this attempt's commit fail and start over
    const account = await attempt.open(memberId);
    if (attempt.accounts.get(memberId)!.version === null)
      throw new LoyaltyError('UNKNOWN_MEMBER', ['memberId'], 'has no loyalty account');
    const { entries } = await readStreamOf(context, memberId);
    const earn = entries.find((e) => e.type === 'earn' && e.orderId === orderId && e.activity === undefined);
    const reversals = entries.filter(
      (e) => e.type === 'reverse' && e.orderId === orderId && e.refundId !== undefined,
    );
    const none = {
      memberId,
      orderId,
      refundId,
      reversed: 0,
      balance: balanceOf(account.ledger),
      entry: null,
    };
    if (earn === undefined) return none;
    if (requested && requested.currency !== earn.currency) {
      throw new ValidationError('refund', [
        {
          path: ['amount'],
          message: `must be in ${earn.currency}, got ${requested.currency}`,
          code: 'custom',
        },
      ]);
    }
    const total = new Decimal(earn.amount!);
    const before = reversals.reduce((s, e) => s.plus(e.amount ?? 0), new Decimal(0));
    const after = before.plus(amount);
    if (after.greaterThan(total)) {
      throw new ValidationError('refund', [
        {
          path: ['amount'],
          message: `refunds ${after.toFixed()} would exceed the order total ${total.toFixed()}`,
          code: 'too_big',
        },
      ]);
    }
    const earned = earn.credit!.points;
    const share = (d: Decimal) =>
      total.isZero()
        ? 0
        : d.times(earned).dividedBy(total).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
    // a refund too small to reverse a point is still recorded, so later refunds add up to the total
    const points = share(after) - share(before);
    const state = attempt.accounts.get(memberId)!.state;
    const own = state.ledger.lots.filter((l) => l.orderId === orderId);
    const others = state.ledger.lots.filter((l) => l.orderId !== orderId);
    const consumed = take([...own, ...others.sort(compareLots)], points);
    const recovered = consumed.reduce((s, c) => s + c.points, 0);
    const short = points - recovered;
    const policy = context.definition.refunds.policy;
    const entry = debitEntry(
      attempt,
      memberId,
      'reverse',
      consumed,
      { orderId, refundId, amount: amount.toFixed(), currency: earn.currency! },
      policy === 'negative-balance'
        ? { deficit: short }
        : policy === 'debt'
          ? { debt: short }
          : { writtenOff: short },
    );
    const day = dayKey(attempt.now, context.definition.timeZone);
    const tiers = context.definition.tiers;
    const spend =
      tiers?.metric === 'spend' && tiers.currency === earn.currency ? amount.negated().toFixed() : '0';
    attempt.update(memberId, (a) => ({
      ...a,
      activity: tiers ? addActivity(a.activity, { day, points: -points, spend, orders: 0 }) : a.activity,
    }));
    return {
      memberId,
      orderId,
      refundId,
      reversed: points,
      balance: attempt.balance(memberId),
      entry,
    };
  });
}

async function readStreamOf(context: ProgramContext, memberId: string): Promise<{ entries: LedgerEntry[] }> {
  const { entries } = await readStream(context.storage, context.names, memberId);
  return { entries: entries.map((e) => e.entry) };
}

/** Spends points first-expiring-first. */
export async function redeemPoints(context: ProgramContext, input: RedeemInput): Promise<PointsOutcome> {
  const parsed = parseWith(RedeemInputSchema, 'redemption', input);
  return context.write('redeem', `${parsed.memberId}:${parsed.requestId}`, async (attempt) => {
    const account = await attempt.open(parsed.memberId);
    const consumed = planSpend(account.ledger, parsed.points, attempt.now.toISOString(), ['points']);
    const entry = debitEntry(attempt, parsed.memberId, 'redeem', consumed, {
      redemptionId: parsed.requestId,
      ...(parsed.reason ? { reason: parsed.reason } : {}),
    });
    return outcome(attempt, parsed.memberId, parsed.points, entry);
  });
}

function outcome(
  attempt: Attempt,
  memberId: string,
  points: number,
  entry: LedgerEntry | null,
): PointsOutcome {
  return { memberId, points, balance: attempt.balance(memberId), entry };
}

/** A manual correction: credit a new lot, or debit spendable points. */
export async function adjustPoints(context: ProgramContext, input: AdjustInput): Promise<PointsOutcome> {
  const parsed = parseWith(AdjustInputSchema, 'adjustment', input);
  return context.write('adjust', `${parsed.memberId}:${parsed.requestId}`, async (attempt) => {
    const account = await attempt.open(parsed.memberId);
    const extra = { reason: parsed.reason };
    let entry: LedgerEntry;
    if (parsed.points > 0) {
      const lot = newLot(context, parsed.points, attempt.now);
      const expiresAt =
        parsed.expiresAt === undefined
          ? lot.expiresAt
          : parsed.expiresAt === null
            ? null
            : parsed.expiresAt.toISOString();
      entry = creditEntry(attempt, parsed.memberId, 'adjust', [{ ...lot, expiresAt }], extra);
    } else {
      const consumed = planSpend(account.ledger, -parsed.points, attempt.now.toISOString(), ['points']);
      entry = debitEntry(attempt, parsed.memberId, 'adjust', consumed, extra);
    }
    return outcome(attempt, parsed.memberId, parsed.points, entry);
  });
}

/**
 * The result of a transfer: the entries on both sides and both balances.
 *
 * @example
 * ```ts
 * const r: TransferOutcome = await program.transferPoints({ from: 'c1', to: 'c2', points: 100, requestId: 't-1' });
 * ```
 */
export type TransferOutcome = {
  readonly from: PointsOutcome;
  readonly to: PointsOutcome;
};

/** Moves spendable points between two members in one transaction; the lots keep their expiry. */
export async function transferPoints(
  context: ProgramContext,
  input: TransferInput,
): Promise<TransferOutcome> {
  const parsed = parseWith(TransferInputSchema, 'transfer', input);
  const rules = context.definition.transfers;
  if (!rules.enabled)
    throw new LoyaltyError('TRANSFERS_DISABLED', [], 'this programme does not allow transfers');
  if (rules.minPoints !== undefined && parsed.points < rules.minPoints) {
    throw new ValidationError('transfer', [
      { path: ['points'], message: `must be at least ${rules.minPoints}`, code: 'too_small' },
    ]);
  }
  return context.write('transfer', `${parsed.from}:${parsed.requestId}`, async (attempt) => {
    const from = await attempt.open(parsed.from);
    await attempt.open(parsed.to);
    const now = attempt.now.toISOString();
    const consumed = planSpend(from.ledger, parsed.points, now, ['points']);
    const transferId = `${parsed.from}:${parsed.requestId}`;
    const out = debitEntry(attempt, parsed.from, 'transfer', consumed, {
      transferId,
      counterparty: parsed.to,
    });
    const byExpiry = new Map<string | null, number>();
    for (const c of consumed) byExpiry.set(c.expiresAt, (byExpiry.get(c.expiresAt) ?? 0) + c.points);
    const lots = [...byExpiry].map(([expiresAt, points]) => ({
      points,
      earnedAt: now,
      availableAt: now,
      expiresAt,
    }));
    const into = creditEntry(attempt, parsed.to, 'transfer', lots, { transferId, counterparty: parsed.from });
    return {
      from: outcome(attempt, parsed.from, -parsed.points, out),
      to: outcome(attempt, parsed.to, parsed.points, into),
    };
  });
}

/** Points for an activity (review, survey, profile completion…), with its daily limit. */
export async function recordActivity(context: ProgramContext, input: ActivityInput): Promise<PointsOutcome> {
  const parsed = parseWith(ActivityInputSchema, 'activity', input);
  const rule = context.definition.earning.activities[parsed.activity];
  if (rule === undefined) {
    throw new ValidationError('activity', [
      {
        path: ['activity'],
        message: `unknown activity; the programme rewards ${Object.keys(context.definition.earning.activities).join(', ') || 'none'}`,
        code: 'custom',
      },
    ]);
  }
  return context.write(
    'activity',
    `${parsed.memberId}:${parsed.activity}:${parsed.activityId}`,
    async (attempt) => {
      await attempt.open(parsed.memberId);
      const day = dayKey(attempt.now, context.definition.timeZone);
      const dayKeyName = `a:${parsed.activity}:${day}`;
      const account = attempt.accounts.get(parsed.memberId)!.state;
      const used = account.earned[dayKeyName] ?? 0;
      const points =
        rule.maxPerDay === undefined
          ? rule.points
          : Math.max(0, Math.min(rule.points, rule.maxPerDay - used));
      if (points === 0) return outcome(attempt, parsed.memberId, 0, null);
      const entry = creditEntry(attempt, parsed.memberId, 'earn', [newLot(context, points, attempt.now)], {
        activity: parsed.activity,
        reason: rule.label ?? parsed.activity,
      });
      attempt.update(parsed.memberId, (a) => ({
        ...a,
        earned: {
          ...Object.fromEntries(
            Object.entries(a.earned).filter(([k]) => !k.startsWith(`a:${parsed.activity}:`)),
          ),
          [dayKeyName]: used + points,
        },
        activity: context.definition.tiers
          ? addActivity(a.activity, { day, points, spend: '0', orders: 0 })
          : a.activity,
      }));
      return outcome(attempt, parsed.memberId, points, entry);
    },
  );
}

/**
 * Input of {@link LoyaltyProgram.expirePoints}: the instant of the run
 * (default: the clock's now).
 *
 * @example
 * ```ts
 * ExpireInputSchema.parse({ now: '2027-01-01T00:00:00Z' });
 * ```
 */
export const ExpireInputSchema = z.object({ now: InstantSchema.optional() }).strict();

/** Expires every lot due at `now`, one write per member; running it again changes nothing. */
export async function expirePoints(
  context: ProgramContext,
  input: z.input<typeof ExpireInputSchema> = {},
): Promise<ExpiryOutcome> {
  const parsed = parseWith(ExpireInputSchema, 'expiry run', input);
  const now = (parsed.now ?? context.clock.now()).toISOString();
  let members = 0;
  let lots = 0;
  let points = 0;
  for await (const doc of context.storage.documents.list(context.names.accounts)) {
    const account = doc.data as unknown as Account;
    if (!account.ledger.lots.some((l) => l.expiresAt !== null && l.expiresAt <= now)) continue;
    const result = await context.write('expire', `${account.memberId}@${now}`, async (attempt) => {
      const fresh = await attempt.open(account.memberId);
      const due = fresh.ledger.lots.filter((l) => l.expiresAt !== null && l.expiresAt <= now);
      if (due.length === 0) return { lots: 0, points: 0 };
      const consumed = due.map((l) => ({ lotId: l.id, points: l.remaining, expiresAt: l.expiresAt }));
      const entry = debitEntry(attempt, account.memberId, 'expire', consumed, {
        reason: `expired at ${now}`,
      });
      return { lots: due.length, points: entry.debit!.points };
    });
    if (result.lots > 0) members++;
    lots += result.lots;
    points += result.points;
  }
  return { members, lots, points };
}
