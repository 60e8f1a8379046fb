/**
 * Loyalty programmes for crmkit: an append-only points ledger that never
 * loses a point (lots with pending periods and expiry, first-expiring-first
 * redemption, proportional refund reversal, idempotent writes, optimistic
 * concurrency over the storage ports), earning rules written as
 * `@crmkit/rules` conditions with explanations, tiers with grace and soft
 * landing, a rewards catalogue with atomic redemption, and referrals.
 *
 * @packageDocumentation
 * @module @crmkit/loyalty
 */
export { addMonthsUtc, availableFrom, dayKey, expiryOf, periodStart, startOfDayIn } from './calendar';
export { codeGenerator } from './context';
export {
  EarningSchema,
  ExpirySchema,
  type ProgramDefinition,
  type ProgramDefinitionInput,
  ProgramDefinitionSchema,
  parseProgramDefinition,
  ReferralsSchema,
  RefundPolicySchema,
  type Reward,
  RewardKindSchema,
  RewardSchema,
  type TierLevel,
  TierLevelSchema,
  TiersSchema,
} from './definition';
export {
  compileEarningRules,
  type EarningInput,
  EarningInputSchema,
  type EarningLine,
  type EarningResult,
  type EarningRules,
  MemberFactsSchema,
} from './earning';
export { InsufficientPointsError, LoyaltyConflictError, LoyaltyError, type LoyaltyErrorCode } from './errors';
export {
  availableOf,
  balanceOf,
  type Consumed,
  type EntryType,
  emptyLedger,
  type LedgerEntry,
  type LedgerState,
  type Lot,
  pendingOf,
  replayLedger,
} from './ledger';
export { type RecordOrderInput, RecordOrderInputSchema } from './order-input';
export type { EarnOutcome } from './orders';
export {
  type ActivityInput,
  ActivityInputSchema,
  type AdjustInput,
  AdjustInputSchema,
  ExpireInputSchema,
  type ExpiryOutcome,
  type PointsOutcome,
  type RedeemInput,
  RedeemInputSchema,
  type RefundInput,
  RefundInputSchema,
  type RefundOutcome,
  type TransferInput,
  TransferInputSchema,
  type TransferOutcome,
} from './points';
export {
  createLoyaltyProgram,
  type LoyaltyProgram,
  type LoyaltyProgramOptions,
  type MemberBalance,
  type MemberTier,
  type Verification,
} from './program';
export {
  type Referral,
  type ReferralOutcome,
  type RegisterReferralInput,
  RegisterReferralInputSchema,
} from './referrals';
export {
  type CancelOutcome,
  type CancelRedemptionInput,
  CancelRedemptionInputSchema,
  type CatalogueItem,
  type RedeemRewardInput,
  RedeemRewardInputSchema,
  type Redemption,
} from './rewards';
export type { Account } from './store';
export {
  type ActivityDay,
  qualifyingValue,
  reviewTier,
  type TierChange,
  type TierStatus,
  upgradeTier,
} from './tiers';
