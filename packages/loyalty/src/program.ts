import {
  type Clock,
  IdSchema,
  InstantSchema,
  parseWith,
  type Random,
  type Storage,
  ValidationError,
} from '@crmkit/core';
import { z } from 'zod';
import { dayKey } from './calendar';
import { codeGenerator, cryptoFloats, programContext } from './context';
import { type ProgramDefinition, type ProgramDefinitionInput, parseProgramDefinition } from './definition';
import { compileEarningRules, type EarningResult } from './earning';
import {
  availableOf,
  balanceOf,
  type LedgerEntry,
  type LedgerState,
  type Lot,
  pendingOf,
  replayLedger,
} from './ledger';
import { parseRecordOrderInput, type RecordOrderInput } from './order-input';
import { type EarnOutcome, recordOrder, recordOrders } from './orders';
import {
  type ActivityInput,
  type AdjustInput,
  adjustPoints,
  type ExpiryOutcome,
  expirePoints,
  type PointsOutcome,
  type RedeemInput,
  type RefundInput,
  type RefundOutcome,
  recordActivity,
  redeemPoints,
  refundOrder,
  type TransferInput,
  type TransferOutcome,
  transferPoints,
} from './points';
import { type Referral, type RegisterReferralInput, referralCode, registerReferral } from './referrals';
import {
  type CancelOutcome,
  type CancelRedemptionInput,
  type CatalogueItem,
  cancelRedemption,
  catalogue,
  type RedeemRewardInput,
  type Redemption,
  redeemReward,
} from './rewards';
import { type Account, readStream } from './store';
import { pruneActivity, qualifyingValue, reviewTier, type TierChange } from './tiers';

/**
 * Options of {@link createLoyaltyProgram}. `storage` and `clock` are
 * injected (the memory adapter and a manual clock in tests); reward and
 * referral codes come from `random` (seeded, reproducible) or, by default,
 * the platform's cryptographic generator.
 *
 * @example
 * ```ts
 * const options: LoyaltyProgramOptions = { storage: createMemoryStorage(), clock: systemClock, definition };
 * ```
 */
export interface LoyaltyProgramOptions {
  /** Where the ledger lives: any adapter of `@crmkit/core`'s ports. */
  readonly storage: Storage;
  /** Where "now" comes from. */
  readonly clock: Clock;
  /** The programme (validated with {@link parseProgramDefinition}). */
  readonly definition: ProgramDefinitionInput | ProgramDefinition;
  /** Source of reward and referral codes (default: `crypto.getRandomValues`). */
  readonly random?: Random;
  /** Attempts of a write that keeps losing concurrent-write races (default 50). */
  readonly maxAttempts?: number;
}

/**
 * A member's points at an instant: the balance (`available + pending −
 * deficit`, which counts lots whose expiry is due but not yet run), what is
 * spendable now, what is still pending, the debt, the tier and the next
 * expiries.
 *
 * @example
 * ```ts
 * const b: MemberBalance = await program.balance('c1');
 * b.available; // 120
 * ```
 */
export type MemberBalance = {
  readonly memberId: string;
  readonly balance: number;
  readonly available: number;
  readonly pending: number;
  readonly debt: number;
  readonly tier: string | null;
  /** Open lots by expiry: `[{ expiresAt, points }]`, soonest first (never-expiring last, `expiresAt: null`). */
  readonly expiring: readonly { readonly expiresAt: string | null; readonly points: number }[];
  readonly lots: readonly Lot[];
};

/**
 * The result of {@link LoyaltyProgram.verify}: the cached ledger state and
 * the state replayed from the entries, and whether they agree.
 *
 * @example
 * ```ts
 * const { ok } = await program.verify('c1');
 * ```
 */
export type Verification = {
  readonly ok: boolean;
  readonly cached: LedgerState | null;
  readonly replayed: LedgerState;
};

/**
 * A member's tier with the value that qualifies it now.
 *
 * @example
 * ```ts
 * const t: MemberTier = await program.tier('c1');
 * t.benefits.perks; // ['priority-shipping']
 * ```
 */
export type MemberTier = {
  readonly memberId: string;
  readonly tier: string;
  readonly name: string;
  readonly since: string | null;
  readonly graceUntil: string | null;
  readonly value: string;
  readonly benefits: { readonly earnMultiplier: string; readonly perks: readonly string[] };
};

/**
 * A loyalty programme as a service: the ledger, earning, tiers, rewards and
 * referrals of one programme over injected storage and clock. Every write
 * validates its input (`ValidationError` or a {@link LoyaltyError} with the
 * field path), takes an idempotency key (a repeat returns the first result
 * and writes nothing), and commits all its changes in one transaction under
 * optimistic concurrency, retried on conflicts.
 *
 * @example
 * ```ts
 * const program = createLoyaltyProgram({ storage, clock, definition });
 * await program.recordOrder({ order });
 * await program.redeemReward({ memberId: order.customerId, rewardId: 'coffee', requestId: 'r-1' });
 * ```
 */
export interface LoyaltyProgram {
  /** The validated programme. */
  readonly definition: ProgramDefinition;
  /** Points for an order (`order.placed`): earning rules, tier upgrade, referral. Key: `idempotencyKey` or `order.id`. */
  recordOrder(input: RecordOrderInput): Promise<EarnOutcome>;
  /**
   * Points for many orders in one write: the same outcomes as calling
   * {@link LoyaltyProgram.recordOrder} for each in turn (keys included: a
   * key recorded before, or twice in the batch, returns its first outcome),
   * but one transaction for the batch, one account write and one stream
   * append per member. All or nothing: bad input anywhere writes nothing
   * and names the input's index in the error path. Orders that are already
   * `Order`s (what `OrderSchema` returns) are checked by hand, much faster
   * than the schema runs on JSON. Batches of a few hundred to a few
   * thousand orders suit it: a batch is one transaction.
   *
   * @example
   * ```ts
   * const outcomes = await program.recordOrders(page.map((order) => ({ order })));
   * outcomes.map((o) => o.points); // [120, 45, 0, …], in the order of the page
   * ```
   */
  recordOrders(inputs: readonly RecordOrderInput[]): Promise<EarnOutcome[]>;
  /** What an order would earn now, with the explanation of every rule; writes nothing. */
  previewOrder(input: RecordOrderInput): Promise<EarningResult>;
  /** Reverses an order's points in proportion to a refund (`order.refunded`). Key: `orderId` + `refundId`. */
  refundOrder(input: RefundInput): Promise<RefundOutcome>;
  /** Spends points first-expiring-first. Key: `memberId` + `requestId`. */
  redeemPoints(input: RedeemInput): Promise<PointsOutcome>;
  /** A signed manual correction with a reason. Key: `memberId` + `requestId`. */
  adjustPoints(input: AdjustInput): Promise<PointsOutcome>;
  /** Moves points between members (when enabled). Key: `from` + `requestId`. */
  transferPoints(input: TransferInput): Promise<TransferOutcome>;
  /** Points for an activity (review, survey…). Key: `memberId` + `activity` + `activityId`. */
  recordActivity(input: ActivityInput): Promise<PointsOutcome>;
  /** Expires every due lot at `now`; idempotent. */
  expirePoints(input?: { now?: Date | string }): Promise<ExpiryOutcome>;
  /** The periodic tier review at `now` (downgrades with grace and soft landing); idempotent per member and instant. */
  reviewTiers(input?: { now?: Date | string }): Promise<TierChange[]>;
  /** The catalogue as a member sees it at `at` (default now). */
  catalogue(memberId?: string, at?: Date | string): Promise<CatalogueItem[]>;
  /** Redeems a catalogue reward: points and stock together, with a code. Key: `memberId` + `requestId`. */
  redeemReward(input: RedeemRewardInput): Promise<Redemption>;
  /** Cancels a redemption: restores points (with their expiry) and stock. */
  cancelRedemption(input: CancelRedemptionInput): Promise<CancelOutcome>;
  /** The member's referral code (created once). */
  referralCode(memberId: string): Promise<string>;
  /** Attributes a new customer to the owner of a referral code. */
  registerReferral(input: RegisterReferralInput): Promise<Referral>;
  /** The member's points at `at` (default now). */
  balance(memberId: string, at?: Date | string): Promise<MemberBalance>;
  /** The member's tier (the first level for a member without activity). */
  tier(memberId: string, at?: Date | string): Promise<MemberTier>;
  /** The member's ledger entries, oldest first. */
  entries(memberId: string): Promise<LedgerEntry[]>;
  /** The member's tier changes, oldest first. */
  tierHistory(memberId: string): Promise<TierChange[]>;
  /** The member's cached account, or `undefined`. */
  account(memberId: string): Promise<Account | undefined>;
  /** Replays the member's entries and compares with the cached state. */
  verify(memberId: string): Promise<Verification>;
}

const ReviewInputSchema = z.object({ now: InstantSchema.optional() }).strict();

/**
 * Creates a loyalty programme service over the storage ports. Validates the
 * definition first (`ValidationError` with paths such as
 * `['earning', 'rules', 0, 'when', 'op']`).
 *
 * @example
 * ```ts
 * import { createManualClock, createMemoryStorage } from '@crmkit/core';
 * const program = createLoyaltyProgram({
 *   storage: createMemoryStorage(),
 *   clock: createManualClock('2026-03-01T00:00:00Z'),
 *   definition: { id: 'tea-club', earning: { rates: [{ currency: 'EUR', points: 1 }] } },
 * });
 * ```
 */
export function createLoyaltyProgram(options: LoyaltyProgramOptions): LoyaltyProgram {
  const OptionsSchema = z.object({
    storage: z.custom<Storage>(
      (s) => typeof s === 'object' && s !== null && 'documents' in s && 'events' in s,
      {
        error: 'must be a crmkit Storage',
      },
    ),
    clock: z.custom<Clock>(
      (c) => typeof c === 'object' && c !== null && typeof (c as Clock).now === 'function',
      {
        error: 'must be a Clock',
      },
    ),
    maxAttempts: z.number().int().min(1).max(1000).optional(),
  });
  parseWith(OptionsSchema, 'loyalty programme options', {
    storage: options?.storage,
    clock: options?.clock,
    maxAttempts: options?.maxAttempts,
  });
  let definition: ProgramDefinition;
  try {
    definition = parseProgramDefinition(options.definition);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    throw new ValidationError(
      'loyalty programme',
      e.issues.map((i) => ({ ...i, path: ['definition', ...i.path] })),
    );
  }
  const { storage, clock } = options;
  const rules = compileEarningRules(definition, { clock });
  const context = programContext({
    definition,
    storage,
    clock,
    rules,
    codes: codeGenerator(options.random ? () => options.random!.next() : cryptoFloats()),
    maxAttempts: options.maxAttempts ?? 50,
  });
  const member = (memberId: unknown) =>
    parseWith(z.object({ memberId: IdSchema }), 'member id', { memberId }).memberId;
  const instant = (at: unknown) =>
    at === undefined ? clock.now() : parseWith(z.object({ at: InstantSchema }), 'instant', { at }).at;
  const load = async (id: string) =>
    (await storage.documents.get(context.names.accounts, id))?.data as unknown as Account | undefined;

  return {
    definition,
    recordOrder: (input) => recordOrder(context, input),
    recordOrders: (inputs) => recordOrders(context, inputs),
    async previewOrder(input) {
      const parsed = parseRecordOrderInput('order to preview', input);
      const account = await load(parsed.order.customerId);
      const day = dayKey(parsed.order.placedAt, definition.timeZone);
      return rules.evaluateParsed(
        {
          order: parsed.order,
          member: {
            id: parsed.order.customerId,
            tier: account?.tier?.id ?? definition.tiers?.levels[0]?.id ?? null,
            ...(parsed.segment === undefined ? {} : { segment: parsed.segment }),
            orderCount: account?.orders ?? 0,
            earnedToday: account?.earned[`d:${day}`] ?? 0,
            earnedThisMonth: account?.earned[`m:${day.slice(0, 7)}`] ?? 0,
            earnedThisYear: account?.earned[`y:${day.slice(0, 4)}`] ?? 0,
            attributes: {},
          },
          ...(parsed.customer === undefined ? {} : { customer: parsed.customer }),
          discountedSkus: parsed.discountedSkus,
        },
        { explain: true },
      );
    },
    refundOrder: (input) => refundOrder(context, input),
    redeemPoints: (input) => redeemPoints(context, input),
    adjustPoints: (input) => adjustPoints(context, input),
    transferPoints: (input) => transferPoints(context, input),
    recordActivity: (input) => recordActivity(context, input),
    expirePoints: (input) => expirePoints(context, input),
    async reviewTiers(input = {}) {
      const parsed = parseWith(ReviewInputSchema, 'tier review', input);
      const tiers = definition.tiers;
      if (tiers === undefined) return [];
      const now = parsed.now ?? clock.now();
      const changes: TierChange[] = [];
      for await (const doc of storage.documents.list(context.names.accounts)) {
        const account = doc.data as unknown as Account;
        if (account.tier === null) continue;
        // nothing to write when the review changes nothing and no activity left the window
        const preview = reviewTier(tiers, account.tier, account.activity, now, definition.timeZone);
        const kept = pruneActivity(tiers, account.activity, now, definition.timeZone);
        if (!preview.change && kept.length === account.activity.length) continue;
        const change = await context.write(
          'review',
          `${account.memberId}@${now.toISOString()}`,
          async (attempt) => {
            const fresh = await attempt.open(account.memberId);
            const activity = pruneActivity(tiers, fresh.activity, now, definition.timeZone);
            const reviewed = reviewTier(tiers, fresh.tier!, activity, now, definition.timeZone);
            attempt.update(account.memberId, (a) => ({ ...a, activity, tier: reviewed.status }));
            if (reviewed.change) attempt.tierEvent(account.memberId, reviewed.change);
            return reviewed.change ?? null;
          },
        );
        if (change) changes.push(change);
      }
      return changes;
    },
    catalogue: (memberId, at) => catalogue(context, memberId, at),
    redeemReward: (input) => redeemReward(context, input),
    cancelRedemption: (input) => cancelRedemption(context, input),
    referralCode: (memberId) => referralCode(context, memberId),
    registerReferral: (input) => registerReferral(context, input),
    async balance(memberId, at) {
      const id = member(memberId);
      const now = instant(at).toISOString();
      const account = await load(id);
      const ledger = account?.ledger;
      const byExpiry = new Map<string | null, number>();
      for (const lot of ledger?.lots ?? [])
        byExpiry.set(lot.expiresAt, (byExpiry.get(lot.expiresAt) ?? 0) + lot.remaining);
      return {
        memberId: id,
        balance: ledger ? balanceOf(ledger) : 0,
        available: ledger ? availableOf(ledger, now) : 0,
        pending: ledger ? pendingOf(ledger, now) : 0,
        debt: ledger?.debt ?? 0,
        tier: account?.tier?.id ?? null,
        expiring: [...byExpiry].map(([expiresAt, points]) => ({ expiresAt, points })),
        lots: ledger?.lots ?? [],
      };
    },
    async tier(memberId, at) {
      const id = member(memberId);
      const now = instant(at);
      const tiers = definition.tiers;
      if (tiers === undefined)
        throw new ValidationError('tier', [
          { path: [], message: 'this programme has no tiers', code: 'custom' },
        ]);
      const account = await load(id);
      const status = account?.tier ?? null;
      const level = tiers.levels.find((l) => l.id === status?.id) ?? tiers.levels[0]!;
      return {
        memberId: id,
        tier: level.id,
        name: level.name,
        since: status?.since ?? null,
        graceUntil: status?.graceUntil ?? null,
        value: qualifyingValue(tiers, account?.activity ?? [], now, definition.timeZone).toFixed(),
        benefits: { earnMultiplier: level.benefits.earnMultiplier.toFixed(), perks: level.benefits.perks },
      };
    },
    async entries(memberId) {
      const { entries } = await readStream(storage, context.names, member(memberId));
      return entries.map((e) => e.entry);
    },
    async tierHistory(memberId) {
      return (await readStream(storage, context.names, member(memberId))).tiers;
    },
    account: async (memberId) => load(member(memberId)),
    async verify(memberId) {
      const id = member(memberId);
      const account = await load(id);
      const { entries, last } = await readStream(storage, context.names, id);
      const replayed = { ...replayLedger(entries), sequence: last };
      const cached = account?.ledger ?? null;
      return {
        ok: cached === null ? last === 0 : sameJson(cached, replayed),
        cached,
        replayed,
      };
    },
  };
}

/** Deep equality of JSON values, whatever the order of object keys (jsonb reorders them). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) =>
      Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
