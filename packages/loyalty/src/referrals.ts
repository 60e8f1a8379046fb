import { IdSchema, InstantSchema, type Order, parseWith } from '@crmkit/core';
import { z } from 'zod';
import { DAY_MS } from './calendar';
import type { ProgramContext } from './context';
import { creditEntry, newLot } from './entries';
import { LoyaltyError } from './errors';
import type { Attempt } from './store';

/**
 * A referral as stored: who referred whom with which code, when, and where
 * it stands (`pending` until the referee's first qualifying order,
 * `rewarded` after, `expired` when the window passed, `capped` when the
 * referrer reached `maxPerReferrer`).
 *
 * @example
 * ```ts
 * const r: Referral = { referrerId: 'c1', refereeId: 'c2', code: 'K7Q2-9XMD-4TPA', registeredAt: '2026-03-01T00:00:00.000Z', status: 'pending' };
 * ```
 */
export type Referral = {
  readonly referrerId: string;
  readonly refereeId: string;
  readonly code: string;
  readonly registeredAt: string;
  readonly status: 'pending' | 'rewarded' | 'expired' | 'capped';
  readonly orderId?: string;
};

/**
 * What happened to a referral when the referee ordered.
 *
 * @example
 * ```ts
 * const r: ReferralOutcome = { referrerId: 'c1', status: 'rewarded', referrerPoints: 500, refereePoints: 250 };
 * ```
 */
export type ReferralOutcome = {
  readonly referrerId: string;
  readonly status: Referral['status'];
  readonly referrerPoints: number;
  readonly refereePoints: number;
};

/**
 * Input of {@link LoyaltyProgram.registerReferral}: a new customer signing up
 * with a referral code.
 *
 * @example
 * ```ts
 * RegisterReferralInputSchema.parse({ code: 'K7Q2-9XMD-4TPA', refereeId: 'c2' });
 * ```
 */
export const RegisterReferralInputSchema = z
  .object({ code: z.string().min(1).max(100), refereeId: IdSchema, at: InstantSchema.optional() })
  .strict();

/**
 * What {@link RegisterReferralInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: RegisterReferralInput = { code: 'K7Q2-9XMD-4TPA', refereeId: 'c2' };
 * ```
 */
export type RegisterReferralInput = z.input<typeof RegisterReferralInputSchema>;

type CodeDoc = { memberId: string; rewarded: number };

function enabled(context: ProgramContext) {
  const referrals = context.definition.referrals;
  if (referrals === undefined)
    throw new LoyaltyError('REFERRAL_REJECTED', [], 'this programme has no referrals');
  return referrals;
}

/** The member's referral code, created on first call (the same code afterwards). */
export async function referralCode(context: ProgramContext, memberId: unknown): Promise<string> {
  enabled(context);
  const id = parseWith(z.object({ memberId: IdSchema }), 'member id', { memberId }).memberId;
  return context.write('referral-code', id, async (attempt) => {
    const account = await attempt.open(id);
    if (account.referralCode !== null) return account.referralCode;
    const code = context.codes();
    await attempt.doc(context.names.referralCodes, code, true);
    attempt.setDoc(context.names.referralCodes, code, { memberId: id, rewarded: 0 } satisfies CodeDoc);
    attempt.update(id, (a) => ({ ...a, referralCode: code }));
    return code;
  });
}

/** Attributes a new customer to a referrer, refusing self-referral, repeats and existing customers. */
export async function registerReferral(
  context: ProgramContext,
  input: RegisterReferralInput,
): Promise<Referral> {
  enabled(context);
  const parsed = parseWith(RegisterReferralInputSchema, 'referral', input);
  return context.write('referral', `${parsed.refereeId}:${parsed.code}`, async (attempt) => {
    const code = await attempt.doc<CodeDoc>(context.names.referralCodes, parsed.code);
    if (code === undefined) throw new LoyaltyError('REFERRAL_REJECTED', ['code'], 'unknown referral code');
    if (code.memberId === parsed.refereeId)
      throw new LoyaltyError('REFERRAL_REJECTED', ['refereeId'], 'a member cannot refer themselves');
    const existing = await attempt.doc<Referral>(context.names.referrals, parsed.refereeId, true);
    if (existing !== undefined)
      throw new LoyaltyError(
        'REFERRAL_REJECTED',
        ['refereeId'],
        `already referred by ${existing.referrerId}`,
      );
    const referee = await attempt.open(parsed.refereeId);
    if (referee.orders > 0)
      throw new LoyaltyError(
        'REFERRAL_REJECTED',
        ['refereeId'],
        'is not a new customer (has orders already)',
      );
    const referrer = await attempt.account(code.memberId);
    if (referrer?.referralCode === null || referrer === undefined)
      throw new LoyaltyError('REFERRAL_REJECTED', ['code'], 'unknown referral code');
    const referral: Referral = {
      referrerId: code.memberId,
      refereeId: parsed.refereeId,
      code: parsed.code,
      registeredAt: (parsed.at ?? attempt.now).toISOString(),
      status: 'pending',
    };
    attempt.setDoc(context.names.referrals, parsed.refereeId, referral);
    attempt.update(parsed.refereeId, (a) => ({ ...a, pendingReferral: true }));
    return referral;
  });
}

/** On a referee's first order: rewards both sides when the order qualifies. */
export async function completeReferral(
  context: ProgramContext,
  attempt: Attempt,
  refereeId: string,
  order: Order,
): Promise<ReferralOutcome | null> {
  const rules = context.definition.referrals;
  if (rules === undefined) return null;
  const referral = await attempt.doc<Referral>(context.names.referrals, refereeId, true);
  if (referral === undefined || referral.status !== 'pending') return null;
  const settle = (status: Referral['status'], referrerPoints: number, refereePoints: number) => {
    attempt.setDoc(context.names.referrals, refereeId, { ...referral, status, orderId: order.id });
    attempt.update(refereeId, (a) => ({ ...a, pendingReferral: false }));
    return { referrerId: referral.referrerId, status, referrerPoints, refereePoints };
  };
  if (
    rules.windowDays !== undefined &&
    order.placedAt.getTime() > Date.parse(referral.registeredAt) + rules.windowDays * DAY_MS
  ) {
    return settle('expired', 0, 0);
  }
  const min = rules.minOrderTotal;
  // an order below the minimum (or in another currency) does not qualify: the referral waits
  if (min && (min.currency !== order.currency || order.total.lessThan(min))) return null;
  const code = (await attempt.doc<CodeDoc>(context.names.referralCodes, referral.code, true))!;
  if (rules.maxPerReferrer !== undefined && code.rewarded >= rules.maxPerReferrer)
    return settle('capped', 0, 0);
  attempt.setDoc(context.names.referralCodes, referral.code, { ...code, rewarded: code.rewarded + 1 });
  const reason = `referral of ${refereeId} by ${referral.referrerId}`;
  creditEntry(
    attempt,
    refereeId,
    'earn',
    [newLot(context, rules.refereePoints, attempt.now, { pending: true })],
    {
      activity: 'referral',
      counterparty: referral.referrerId,
      orderId: order.id,
      reason,
    },
  );
  await attempt.open(referral.referrerId);
  creditEntry(
    attempt,
    referral.referrerId,
    'earn',
    [newLot(context, rules.referrerPoints, attempt.now, { pending: true })],
    {
      activity: 'referral',
      counterparty: refereeId,
      reason,
    },
  );
  return settle('rewarded', rules.referrerPoints, rules.refereePoints);
}
