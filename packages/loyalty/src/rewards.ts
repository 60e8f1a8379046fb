import { IdSchema, InstantSchema, parseWith } from '@crmkit/core';
import { z } from 'zod';
import type { ProgramContext } from './context';
import type { Reward } from './definition';
import { creditEntry, debitEntry } from './entries';
import { LoyaltyError } from './errors';
import { balanceOf, type Consumed, type LedgerEntry, planSpend } from './ledger';
import type { Account } from './store';

/**
 * Input of {@link LoyaltyProgram.redeemReward}: a member buys a reward of
 * the catalogue with points, once per `requestId`.
 *
 * @example
 * ```ts
 * RedeemRewardInputSchema.parse({ memberId: 'c1', rewardId: 'coffee', requestId: 'r-1' });
 * ```
 */
export const RedeemRewardInputSchema = z
  .object({ memberId: IdSchema, rewardId: IdSchema, requestId: IdSchema })
  .strict();

/**
 * What {@link RedeemRewardInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: RedeemRewardInput = { memberId: 'c1', rewardId: 'coffee', requestId: 'r-1' };
 * ```
 */
export type RedeemRewardInput = z.input<typeof RedeemRewardInputSchema>;

/**
 * Input of {@link LoyaltyProgram.cancelRedemption}.
 *
 * @example
 * ```ts
 * CancelRedemptionInputSchema.parse({ redemptionId: 'c1:r-1', reason: 'order cancelled' });
 * ```
 */
export const CancelRedemptionInputSchema = z
  .object({ redemptionId: IdSchema, reason: z.string().min(1).max(500).optional() })
  .strict();

/**
 * What {@link CancelRedemptionInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: CancelRedemptionInput = { redemptionId: 'c1:r-1' };
 * ```
 */
export type CancelRedemptionInput = z.input<typeof CancelRedemptionInputSchema>;

/**
 * A reward redemption as stored: who, which reward, the code to use at
 * checkout, the points and lots it took, and whether it was cancelled.
 *
 * @example
 * ```ts
 * const r: Redemption = await program.redeemReward({ memberId: 'c1', rewardId: 'coffee', requestId: 'r-1' });
 * r.code; // 'K7Q2-9XMD-4TPA'
 * ```
 */
export type Redemption = {
  readonly id: string;
  readonly memberId: string;
  readonly rewardId: string;
  readonly code: string;
  readonly points: number;
  readonly at: string;
  readonly status: 'active' | 'cancelled';
  readonly consumed: readonly Consumed[];
  readonly balance: number;
};

/**
 * A reward of the catalogue as a member sees it at an instant: whether they
 * can redeem it now, and if not why.
 *
 * @example
 * ```ts
 * for (const item of await program.catalogue('c1')) console.log(item.reward.name, item.available, item.reason);
 * ```
 */
export type CatalogueItem = {
  readonly reward: Reward;
  /** Left in stock (`null`: unlimited). */
  readonly stockLeft: number | null;
  readonly available: boolean;
  readonly reason?: string;
};

type StockDoc = { issued: number };

/** Why a member cannot redeem a reward now (`undefined`: they can, points aside). */
function refusal(
  reward: Reward,
  account: Account | undefined,
  issued: number,
  now: Date,
): string | undefined {
  if (reward.validFrom && now < reward.validFrom) return `not valid before ${reward.validFrom.toISOString()}`;
  if (reward.validUntil && now >= reward.validUntil) return `expired at ${reward.validUntil.toISOString()}`;
  if (reward.stock !== undefined && issued >= reward.stock) return 'out of stock';
  if (reward.tiers && !reward.tiers.includes(account?.tier?.id ?? ''))
    return `only for tiers ${reward.tiers.join(', ')}`;
  const used = account?.rewards[reward.id] ?? 0;
  if (reward.perMemberLimit !== undefined && used >= reward.perMemberLimit)
    return `limit of ${reward.perMemberLimit} per member reached`;
  return undefined;
}

function findReward(context: ProgramContext, rewardId: string): Reward {
  const reward = context.definition.rewards.find((r) => r.id === rewardId);
  if (reward === undefined) throw new LoyaltyError('UNKNOWN_REWARD', ['rewardId'], 'is not in the catalogue');
  return reward;
}

/** The catalogue for a member at `now` (stock, validity, tier and limits). */
export async function catalogue(
  context: ProgramContext,
  memberId?: unknown,
  at?: unknown,
): Promise<CatalogueItem[]> {
  const { memberId: id, at: when } = parseWith(
    z.object({ memberId: IdSchema.optional(), at: InstantSchema.optional() }),
    'catalogue query',
    { memberId, at },
  );
  const now = when ?? context.clock.now();
  const account =
    id === undefined
      ? undefined
      : ((await context.storage.documents.get(context.names.accounts, id))?.data as Account | undefined);
  const items: CatalogueItem[] = [];
  for (const reward of context.definition.rewards) {
    const stock = await context.storage.documents.get<StockDoc>(context.names.stock, reward.id);
    const issued = stock?.data.issued ?? 0;
    const reason = refusal(
      reward,
      id === undefined ? ({ tier: null, rewards: {} } as unknown as Account) : account,
      issued,
      now,
    );
    const affordable =
      id === undefined || (account !== undefined && balanceOf(account.ledger) >= reward.cost)
        ? undefined
        : 'not enough points';
    const why = reason ?? affordable;
    items.push({
      reward,
      stockLeft: reward.stock === undefined ? null : Math.max(0, reward.stock - issued),
      available: why === undefined,
      ...(why === undefined ? {} : { reason: why }),
    });
  }
  return items;
}

/** Redeems a reward: points and stock in one transaction, and a code. */
export async function redeemReward(context: ProgramContext, input: RedeemRewardInput): Promise<Redemption> {
  const parsed = parseWith(RedeemRewardInputSchema, 'reward redemption', input);
  const reward = findReward(context, parsed.rewardId);
  const id = `${parsed.memberId}:${parsed.requestId}`;
  return context.write('reward', id, async (attempt) => {
    const account = await attempt.open(parsed.memberId);
    const stock = (await attempt.doc<StockDoc>(context.names.stock, reward.id, true)) ?? { issued: 0 };
    const why = refusal(reward, account, stock.issued, attempt.now);
    if (why !== undefined)
      throw new LoyaltyError('REWARD_UNAVAILABLE', ['rewardId'], why, { rewardId: reward.id });
    const consumed = planSpend(account.ledger, reward.cost, attempt.now.toISOString(), ['rewardId']);
    const entry = debitEntry(attempt, parsed.memberId, 'redeem', consumed, {
      redemptionId: id,
      rewardId: reward.id,
      reason: reward.name,
    });
    if (reward.stock !== undefined)
      attempt.setDoc(context.names.stock, reward.id, { issued: stock.issued + 1 });
    attempt.update(parsed.memberId, (a) => ({
      ...a,
      rewards: { ...a.rewards, [reward.id]: (a.rewards[reward.id] ?? 0) + 1 },
    }));
    await attempt.doc(context.names.redemptions, id, true);
    const redemption: Redemption = {
      id,
      memberId: parsed.memberId,
      rewardId: reward.id,
      code: context.codes(),
      points: reward.cost,
      at: entry.at,
      status: 'active',
      consumed,
      balance: balanceOf(attempt.accounts.get(parsed.memberId)!.state.ledger),
    };
    attempt.setDoc(context.names.redemptions, id, redemption);
    return redemption;
  });
}

/**
 * The result of a cancellation: the redemption (now cancelled), the entry
 * that restored the points, and the balance after.
 *
 * @example
 * ```ts
 * const r: CancelOutcome = await program.cancelRedemption({ redemptionId: 'c1:r-1' });
 * ```
 */
export type CancelOutcome = {
  readonly redemption: Redemption;
  readonly entry: LedgerEntry;
  readonly balance: number;
};

/** Cancels a redemption: restores its points (with their expiry) and its stock. */
export async function cancelRedemption(
  context: ProgramContext,
  input: CancelRedemptionInput,
): Promise<CancelOutcome> {
  const parsed = parseWith(CancelRedemptionInputSchema, 'redemption cancellation', input);
  return context.write('cancel', parsed.redemptionId, async (attempt) => {
    const found = await attempt.doc<Redemption>(context.names.redemptions, parsed.redemptionId, true);
    if (found === undefined) throw new LoyaltyError('UNKNOWN_REDEMPTION', ['redemptionId'], 'does not exist');
    if (found.status === 'cancelled')
      throw new LoyaltyError('UNKNOWN_REDEMPTION', ['redemptionId'], 'is already cancelled');
    await attempt.open(found.memberId);
    const now = attempt.now.toISOString();
    const entry = creditEntry(
      attempt,
      found.memberId,
      'reverse',
      found.consumed.map((c) => ({
        points: c.points,
        earnedAt: now,
        availableAt: now,
        expiresAt: c.expiresAt,
      })),
      {
        redemptionId: found.id,
        rewardId: found.rewardId,
        ...(parsed.reason === undefined ? {} : { reason: parsed.reason }),
      },
    );
    const reward = context.definition.rewards.find((r) => r.id === found.rewardId);
    if (reward?.stock !== undefined) {
      const stock = (await attempt.doc<StockDoc>(context.names.stock, found.rewardId, true)) ?? { issued: 1 };
      attempt.setDoc(context.names.stock, found.rewardId, { issued: Math.max(0, stock.issued - 1) });
    }
    attempt.update(found.memberId, (a) => ({
      ...a,
      rewards: { ...a.rewards, [found.rewardId]: Math.max(0, (a.rewards[found.rewardId] ?? 0) - 1) },
    }));
    const redemption: Redemption = { ...found, status: 'cancelled' };
    attempt.setDoc(context.names.redemptions, found.id, redemption);
    return { redemption, entry, balance: balanceOf(attempt.accounts.get(found.memberId)!.state.ledger) };
  });
}
