import {
  CurrencySchema,
  DecimalSchema,
  IdSchema,
  InstantSchema,
  isTimeZone,
  MoneySchema,
  parseWith,
  ValidationError,
  type ValidationIssue,
} from '@crmkit/core';
import { ConditionError, validateCondition } from '@crmkit/rules';
import { z } from 'zod';

const PositivePoints = z.number().int('must be a whole number of points').positive('must be greater than 0');
const Points = z.number().int('must be a whole number of points').nonnegative('must not be negative');
const PositiveDecimal = DecimalSchema.refine((d) => d.greaterThan(0), 'must be greater than 0');
const Label = z.string().min(1).max(200);

/**
 * When the points of a lot expire: never, on a fixed date, a rolling number
 * of months after they were earned, or at the end of the calendar period
 * they were earned in (`after` periods later; in the programme's time zone).
 *
 * @example
 * ```ts
 * ExpirySchema.parse({ kind: 'end-of-period', period: 'year', after: 1 }); // end of next year
 * ```
 */
export const ExpirySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }).strict(),
  z.object({ kind: z.literal('fixed'), at: InstantSchema }).strict(),
  z.object({ kind: z.literal('rolling'), months: z.number().int().positive('must be at least 1') }).strict(),
  z
    .object({
      kind: z.literal('end-of-period'),
      period: z.enum(['month', 'quarter', 'year']),
      after: z.number().int().nonnegative().default(0),
    })
    .strict(),
]);

/**
 * What happens when a refund reverses points that were already spent:
 * - `claw-back`: take them from the order's own lots, then from other lots
 *   first-expiring-first; what still cannot be recovered is written off
 *   (the balance never goes negative);
 * - `negative-balance`: the same, and the rest makes the balance negative;
 *   later credits pay it back first;
 * - `debt`: the same, but the balance stops at zero and the rest is recorded
 *   as a debt that later credits pay back before they become points.
 *
 * @example
 * ```ts
 * RefundPolicySchema.parse('debt');
 * ```
 */
export const RefundPolicySchema = z.enum(['claw-back', 'negative-balance', 'debt']);

const RateSchema = z
  .object({
    currency: CurrencySchema,
    points: PositiveDecimal,
    per: PositiveDecimal.prefault(1),
    when: z.unknown().optional(),
    label: Label.optional(),
  })
  .strict();

const EarningRuleSchema = z
  .object({
    id: IdSchema,
    label: Label,
    when: z.unknown().optional(),
    multiplier: PositiveDecimal.optional(),
    bonus: PositivePoints.optional(),
    categories: z.array(z.string().min(1)).min(1).optional(),
    skus: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .refine((r) => (r.multiplier === undefined) !== (r.bonus === undefined), {
    message: 'a rule needs exactly one of multiplier or bonus',
    path: ['multiplier'],
  })
  .refine((r) => r.bonus === undefined || (r.categories === undefined && r.skus === undefined), {
    message: 'categories and skus scope multipliers only',
    path: ['categories'],
  });

/**
 * How purchases and activities earn points: conversion rates per currency
 * (the first whose `when` holds applies, so rates can differ by tier or
 * segment), the rounding of every component, exclusions, multiplier and
 * bonus rules (conditions of `@crmkit/rules`), activity points and caps.
 *
 * @example
 * ```ts
 * EarningSchema.parse({ rates: [{ currency: 'EUR', points: 1 }], rules: [], caps: { perOrder: 1000 } });
 * ```
 */
export const EarningSchema = z
  .object({
    rates: z.array(RateSchema).min(1, 'needs at least one rate'),
    rounding: z.enum(['floor', 'half-up', 'half-even', 'ceil']).default('floor'),
    exclude: z
      .object({
        categories: z.array(z.string().min(1)).default([]),
        skus: z.array(z.string().min(1)).default([]),
        giftCards: z.boolean().default(true),
        discounted: z.boolean().default(false),
      })
      .strict()
      .default({ categories: [], skus: [], giftCards: true, discounted: false }),
    rules: z.array(EarningRuleSchema).default([]),
    activities: z
      .record(
        z.string().min(1),
        z
          .object({ points: PositivePoints, label: Label.optional(), maxPerDay: PositivePoints.optional() })
          .strict(),
      )
      .default({}),
    caps: z
      .object({
        perOrder: PositivePoints.optional(),
        perDay: PositivePoints.optional(),
        perMonth: PositivePoints.optional(),
        perYear: PositivePoints.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/**
 * One tier level: id, display name, qualification threshold (in the tiers'
 * metric) and benefits (an earning multiplier and perks other rules read as
 * `member.perks`).
 *
 * @example
 * ```ts
 * TierLevelSchema.parse({ id: 'gold', name: 'Gold', threshold: 1000, benefits: { earnMultiplier: 1.5, perks: ['priority-shipping'] } });
 * ```
 */
export const TierLevelSchema = z
  .object({
    id: IdSchema,
    name: Label,
    threshold: DecimalSchema.refine((d) => !d.isNegative(), 'must not be negative'),
    benefits: z
      .object({
        earnMultiplier: PositiveDecimal.prefault(1),
        perks: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/**
 * Tiers: levels in ascending order of `threshold` (the first at 0),
 * qualified by points earned, spend or order count over a rolling window or
 * the current calendar period. Upgrades happen as soon as a threshold is
 * crossed; downgrades only at `reviewTiers`, after `graceDays`, and by one
 * level at most with `softLanding`.
 *
 * @example
 * ```ts
 * TiersSchema.parse({ metric: 'points', window: { kind: 'rolling', months: 12 },
 *   levels: [{ id: 'silver', name: 'Silver', threshold: 0 }, { id: 'gold', name: 'Gold', threshold: 1000 }] });
 * ```
 */
export const TiersSchema = z
  .object({
    metric: z.enum(['points', 'spend', 'orders']),
    currency: CurrencySchema.optional(),
    window: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('rolling'), months: z.number().int().positive() }).strict(),
      z.object({ kind: z.literal('calendar'), period: z.enum(['month', 'quarter', 'year']) }).strict(),
    ]),
    levels: z.array(TierLevelSchema).min(1, 'needs at least one level'),
    graceDays: z.number().int().nonnegative().default(0),
    softLanding: z.boolean().default(true),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.metric === 'spend' && t.currency === undefined)
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'spend tiers need a currency' });
    if (t.levels[0] && !t.levels[0].threshold.isZero())
      ctx.addIssue({
        code: 'custom',
        path: ['levels', 0, 'threshold'],
        message: 'the first level starts at 0',
      });
    const ids = new Set<string>();
    t.levels.forEach((level, i) => {
      if (ids.has(level.id))
        ctx.addIssue({ code: 'custom', path: ['levels', i, 'id'], message: 'duplicate tier id' });
      ids.add(level.id);
      const previous = t.levels[i - 1];
      if (previous && !level.threshold.greaterThan(previous.threshold))
        ctx.addIssue({
          code: 'custom',
          path: ['levels', i, 'threshold'],
          message: 'must be above the previous level',
        });
    });
  });

/**
 * What a reward gives: an amount off, a percentage coupon, a free gift or
 * free shipping.
 *
 * @example
 * ```ts
 * RewardKindSchema.parse({ type: 'discount', amount: { amount: '5', currency: 'EUR' } });
 * ```
 */
export const RewardKindSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('discount'),
      amount: MoneySchema.refine((m) => m.isPositive(), 'must be greater than 0'),
    })
    .strict(),
  z.object({ type: z.literal('percentage'), percent: z.number().positive().max(100) }).strict(),
  z.object({ type: z.literal('gift'), sku: z.string().min(1) }).strict(),
  z.object({ type: z.literal('free-shipping') }).strict(),
]);

/**
 * A reward of the catalogue: what it gives, its cost in points, optional
 * stock, validity window, per-member limit and eligible tiers.
 *
 * @example
 * ```ts
 * RewardSchema.parse({ id: 'coffee', name: 'Free coffee', reward: { type: 'gift', sku: 'coffee' }, cost: 150, stock: 100 });
 * ```
 */
export const RewardSchema = z
  .object({
    id: IdSchema,
    name: Label,
    reward: RewardKindSchema,
    cost: PositivePoints,
    stock: Points.optional(),
    validFrom: InstantSchema.optional(),
    validUntil: InstantSchema.optional(),
    perMemberLimit: PositivePoints.optional(),
    tiers: z.array(IdSchema).min(1).optional(),
  })
  .strict()
  .refine((r) => !r.validFrom || !r.validUntil || r.validFrom < r.validUntil, {
    message: 'must be after validFrom',
    path: ['validUntil'],
  });

/**
 * The referral programme: points for both sides when the referred customer's
 * first order qualifies (minimum total, within `windowDays` of signing up),
 * and a cap of rewarded referrals per referrer.
 *
 * @example
 * ```ts
 * ReferralsSchema.parse({ referrerPoints: 500, refereePoints: 250, minOrderTotal: { amount: '30', currency: 'EUR' } });
 * ```
 */
export const ReferralsSchema = z
  .object({
    referrerPoints: PositivePoints,
    refereePoints: PositivePoints,
    minOrderTotal: MoneySchema.optional(),
    windowDays: z.number().int().positive().optional(),
    maxPerReferrer: PositivePoints.optional(),
  })
  .strict();

/**
 * A complete loyalty programme as JSON: earning, lot maturity (`pendingDays`)
 * and expiry, the refund policy, transfers, tiers, rewards and referrals.
 * Validate it with {@link parseProgramDefinition}.
 *
 * @example
 * ```ts
 * ProgramDefinitionSchema.parse({ id: 'tea-club', earning: { rates: [{ currency: 'EUR', points: 1 }] } });
 * ```
 */
export const ProgramDefinitionSchema = z
  .object({
    id: IdSchema.regex(/^[A-Za-z0-9_-]+$/, 'must use letters, digits, _ and - only'),
    name: Label.optional(),
    timeZone: z.string().min(1).refine(isTimeZone, 'must be an IANA time zone').default('UTC'),
    pendingDays: z.number().int().nonnegative().default(0),
    expiry: ExpirySchema.default({ kind: 'never' }),
    refunds: z.object({ policy: RefundPolicySchema }).strict().default({ policy: 'claw-back' }),
    transfers: z
      .object({ enabled: z.boolean(), minPoints: PositivePoints.optional() })
      .strict()
      .default({ enabled: false }),
    earning: EarningSchema,
    tiers: TiersSchema.optional(),
    rewards: z.array(RewardSchema).default([]),
    referrals: ReferralsSchema.optional(),
  })
  .strict();

/**
 * A validated programme definition.
 *
 * @example
 * ```ts
 * const def: ProgramDefinition = parseProgramDefinition(json);
 * ```
 */
export type ProgramDefinition = z.output<typeof ProgramDefinitionSchema>;

/**
 * What {@link ProgramDefinitionSchema} accepts.
 *
 * @example
 * ```ts
 * const input: ProgramDefinitionInput = { id: 'club', earning: { rates: [{ currency: 'EUR', points: 1 }] } };
 * ```
 */
export type ProgramDefinitionInput = z.input<typeof ProgramDefinitionSchema>;

/**
 * One reward of the catalogue (validated).
 *
 * @example
 * ```ts
 * const reward: Reward = program.definition.rewards[0]!;
 * ```
 */
export type Reward = z.output<typeof RewardSchema>;

/**
 * One tier level (validated).
 *
 * @example
 * ```ts
 * const gold: TierLevel = program.definition.tiers!.levels[1]!;
 * ```
 */
export type TierLevel = z.output<typeof TierLevelSchema>;

/**
 * Validates a programme definition, including every condition in it (with
 * paths such as `['earning', 'rules', 0, 'when', 'all', 1, 'op']`), duplicate
 * rule and reward ids, the time zone and tier references of rewards. Throws
 * `ValidationError`.
 *
 * @example
 * ```ts
 * const def = parseProgramDefinition({ id: 'club', earning: { rates: [{ currency: 'EUR', points: 1 }] } });
 * def.expiry.kind; // 'never'
 * ```
 */
export function parseProgramDefinition(input: unknown): ProgramDefinition {
  const def = parseWith(ProgramDefinitionSchema, 'loyalty programme', input);
  const issues: ValidationIssue[] = [];
  const condition = (when: unknown, path: (string | number)[]) => {
    if (when === undefined) return;
    const result = validateCondition(when, { timeZone: def.timeZone });
    if (!result.ok)
      for (const i of result.issues)
        issues.push({ path: [...path, ...i.path], message: i.message, code: 'invalid_condition' });
  };
  def.earning.rates.forEach((rate, i) => {
    condition(rate.when, ['earning', 'rates', i, 'when']);
  });
  const ruleIds = new Set<string>();
  def.earning.rules.forEach((rule, i) => {
    condition(rule.when, ['earning', 'rules', i, 'when']);
    if (ruleIds.has(rule.id))
      issues.push({ path: ['earning', 'rules', i, 'id'], message: 'duplicate rule id', code: 'custom' });
    ruleIds.add(rule.id);
  });
  const tierIds = new Set(def.tiers?.levels.map((l) => l.id) ?? []);
  const rewardIds = new Set<string>();
  def.rewards.forEach((reward, i) => {
    if (rewardIds.has(reward.id))
      issues.push({ path: ['rewards', i, 'id'], message: 'duplicate reward id', code: 'custom' });
    rewardIds.add(reward.id);
    reward.tiers?.forEach((tier, j) => {
      if (!tierIds.has(tier))
        issues.push({
          path: ['rewards', i, 'tiers', j],
          message: `unknown tier ${JSON.stringify(tier)}`,
          code: 'custom',
        });
    });
  });
  if (issues.length > 0) throw new ValidationError('loyalty programme', issues);
  return def;
}

/** Rewrites a compile error of a condition nested at `path` into a ValidationError. */
export function conditionError(error: unknown, path: readonly (string | number)[]): unknown {
  if (!(error instanceof ConditionError)) return error;
  return new ValidationError(
    'loyalty programme',
    error.issues.map((i) => ({ path: [...path, ...i.path], message: i.message, code: 'invalid_condition' })),
  );
}
