import { type Clock, Decimal, IdSchema, OrderSchema, parseWith } from '@crmkit/core';
import { type CompiledCondition, compile, type Explanation } from '@crmkit/rules';
import { z } from 'zod';
import { amountsOf, factorOf, largestFactor } from './amounts';
import { dayKey } from './calendar';
import { conditionError, type ProgramDefinition } from './definition';
import { LoyaltyError } from './errors';

/**
 * What the earning rules know about the member when an order comes in.
 * `tier` and the `earned*` counters come from the ledger when the programme
 * evaluates; pass them yourself when you call {@link EarningRules.evaluate}
 * directly.
 *
 * @example
 * ```ts
 * MemberFactsSchema.parse({ id: 'm1', tier: 'gold', segment: 'vip', orderCount: 3 });
 * ```
 */
export const MemberFactsSchema = z
  .object({
    id: IdSchema,
    tier: z.string().min(1).nullable().default(null),
    segment: z.string().min(1).optional(),
    orderCount: z.number().int().nonnegative().default(0),
    earnedToday: z.number().int().nonnegative().default(0),
    earnedThisMonth: z.number().int().nonnegative().default(0),
    earnedThisYear: z.number().int().nonnegative().default(0),
    attributes: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

type MemberFacts = z.output<typeof MemberFactsSchema>;

/**
 * The input of an earning evaluation: the order (as `@crmkit/core`'s
 * `OrderSchema` accepts it), optional customer facts (birthday, attributes,
 * tags…), the member facts, and the skus the store discounted.
 *
 * @example
 * ```ts
 * EarningInputSchema.parse({ order, member: { id: 'c1' }, customer: { birthday: '1990-03-08' } });
 * ```
 */
export const EarningInputSchema = z
  .object({
    order: OrderSchema,
    member: MemberFactsSchema,
    customer: z.record(z.string(), z.unknown()).optional(),
    discountedSkus: z.array(z.string().min(1)).default([]),
  })
  .strict();

/**
 * What {@link EarningInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: EarningInput = { order: orderJson, member: { id: 'c1', tier: 'gold' } };
 * ```
 */
export type EarningInput = z.input<typeof EarningInputSchema>;

/**
 * One line of an earning breakdown: the rule, its label, its points (caps
 * are negative lines) and, when asked, why its condition held.
 *
 * @example
 * ```ts
 * const line: EarningLine = { id: 'birthday', label: 'Birthday bonus', points: 20 };
 * ```
 */
export type EarningLine = {
  readonly id: string;
  readonly label: string;
  readonly points: number;
  readonly explanation?: Explanation;
};

/**
 * The points an order earns and why: one line per rule that fired (the base
 * first), every line rounded with the programme's rounding, and the total as
 * their sum after caps.
 *
 * @example
 * ```ts
 * const r: EarningResult = rules.evaluate(input);
 * r.summary; // 'you earned 120 points: 100 base + 20 birthday bonus'
 * ```
 */
export type EarningResult = {
  readonly points: number;
  readonly lines: readonly EarningLine[];
  /** The amount points were computed on, after exclusions and order-level discounts. */
  readonly eligibleAmount: string;
  readonly currency: string;
  readonly summary: string;
};

/**
 * Compiled earning rules of a programme: evaluate an order, or an activity.
 *
 * @example
 * ```ts
 * const rules = compileEarningRules(definition, { clock });
 * rules.evaluate({ order, member: { id: 'c1' } }).points;
 * ```
 */
export interface EarningRules {
  /** Points for an order, with the breakdown; validates the input (ValidationError / UNSUPPORTED_CURRENCY). */
  evaluate(input: EarningInput, options?: { explain?: boolean }): EarningResult;
  /** Evaluates already-parsed input (no validation): the fast path the ledger uses. */
  evaluateParsed(input: z.output<typeof EarningInputSchema>, options?: { explain?: boolean }): EarningResult;
}

const GIFT_CARD_CATEGORIES = new Set(['gift-card', 'gift-cards', 'giftcard', 'giftcards']);

type Compiled = { condition: CompiledCondition | undefined };

/**
 * Compiles the earning part of a programme once (conditions become
 * closures). Amounts are exact decimals; each breakdown line is rounded with
 * `earning.rounding` (default `floor`), so the lines always add up to the
 * total. Multipliers stack additively: each adds `base × (factor − 1)` on the
 * lines it scopes (all eligible lines, or its `categories`/`skus`); the tier
 * benefit `earnMultiplier` is one such multiplier. Order-level discounts
 * (a `total` below the sum of lines) scale every line down in proportion.
 *
 * @example
 * ```ts
 * const rules = compileEarningRules(parseProgramDefinition(json), { clock: systemClock });
 * ```
 */
export function compileEarningRules(
  definition: ProgramDefinition,
  options: { clock?: Clock } = {},
): EarningRules {
  const { earning, timeZone } = definition;
  const conditionOptions = { timeZone, ...(options.clock ? { clock: options.clock } : {}) };
  const compileAt = (when: unknown, path: (string | number)[]): CompiledCondition | undefined => {
    if (when === undefined) return undefined;
    try {
      return compile(when, conditionOptions);
    } catch (e) {
      throw conditionError(e, path);
    }
  };
  const rates = earning.rates.map((rate, i) => ({
    ...rate,
    condition: compileAt(rate.when, ['earning', 'rates', i, 'when']),
    perUnit: factorOf(rate.points.dividedBy(rate.per)),
  }));
  const rules = earning.rules.map((rule, i) => ({
    ...rule,
    condition: compileAt(rule.when, ['earning', 'rules', i, 'when']),
    categorySet: rule.categories ? new Set(rule.categories) : undefined,
    skuSet: rule.skus ? new Set(rule.skus) : undefined,
    factor: rule.multiplier ? factorOf(rule.multiplier.minus(1)) : undefined,
  }));
  const tiers = new Map(
    (definition.tiers?.levels ?? []).map((l) => [
      l.id,
      { ...l, factor: factorOf(l.benefits.earnMultiplier.minus(1)) },
    ]),
  );
  const largest = largestFactor([
    ...rules.flatMap((r) => (r.factor ? [r.factor] : [])),
    ...[...tiers.values()].map((t) => t.factor),
  ]);
  const paths = new Set<string>();
  for (const c of [...earning.rates, ...earning.rules]) collectFactPaths(c.when, paths);
  const reading = (...prefixes: string[]) =>
    [...paths].some((p) => prefixes.some((prefix) => p === prefix.split('.')[0] || p.startsWith(prefix)));
  const reads = {
    orderExtras: reading('order.date', 'order.categories', 'order.skus'),
    perks: reading('member.perks'),
  };
  const excludedCategories = new Set(earning.exclude.categories);
  const excludedSkus = new Set(earning.exclude.skus);
  const mode = {
    floor: Decimal.ROUND_FLOOR,
    'half-up': Decimal.ROUND_HALF_UP,
    'half-even': Decimal.ROUND_HALF_EVEN,
    ceil: Decimal.ROUND_CEIL,
  }[earning.rounding];

  const holds = (c: Compiled, facts: unknown) => c.condition === undefined || c.condition.test(facts);
  const explains = (c: Compiled, facts: unknown) => {
    if (c.condition === undefined) return { held: true as const };
    const explanation = c.condition.explain(facts);
    return { held: explanation.held, explanation };
  };
  const caps = earning.caps;
  const limits = (
    [
      ['cap:perOrder', 'per-order cap', caps.perOrder, () => 0],
      ['cap:perDay', 'daily cap', caps.perDay, (m) => m.earnedToday],
      ['cap:perMonth', 'monthly cap', caps.perMonth, (m) => m.earnedThisMonth],
      ['cap:perYear', 'yearly cap', caps.perYear, (m) => m.earnedThisYear],
    ] as const satisfies readonly (readonly [
      string,
      string,
      number | undefined,
      (m: MemberFacts) => number,
    ])[]
  ).flatMap(([id, label, cap, used]) => (cap === undefined ? [] : [{ id, label, cap, used }]));

  const evaluateParsed: EarningRules['evaluateParsed'] = (input, evalOptions = {}) => {
    const explain = evalOptions.explain ?? false;
    const { order, member } = input;
    const tier = member.tier === null ? undefined : tiers.get(member.tier);
    // the derived facts cost a copy of the order: made only when a condition can read them
    const facts = {
      order: reads.orderExtras
        ? {
            ...order,
            date: dayKey(order.placedAt, timeZone),
            categories: order.lines.flatMap((l) => (l.category ? [l.category] : [])),
            skus: order.lines.map((l) => l.sku),
          }
        : order,
      customer: input.customer ?? {},
      member: reads.perks ? { ...member, perks: tier?.benefits.perks ?? [] } : member,
    };
    const rate = rates.find((r) => r.currency === order.currency && holds(r, facts));
    if (rate === undefined) {
      throw new LoyaltyError(
        'UNSUPPORTED_CURRENCY',
        ['order', 'currency'],
        `no earning rate applies to ${order.currency}`,
        {
          currency: order.currency,
        },
      );
    }
    const discounted = earning.exclude.discounted ? new Set(input.discountedSkus) : undefined;
    const eligible: number[] = [];
    order.lines.forEach((l, i) => {
      if (
        !excludedSkus.has(l.sku) &&
        !(l.category !== undefined && excludedCategories.has(l.category)) &&
        !(earning.exclude.giftCards && l.category !== undefined && GIFT_CARD_CATEGORIES.has(l.category)) &&
        !discounted?.has(l.sku)
      )
        eligible.push(i);
    });
    const amounts = amountsOf(order, mode, rate.perUnit, largest);
    const eligibleAmount = amounts.sum(eligible);
    const lines: EarningLine[] = [
      { id: 'base', label: rate.label ?? 'base', points: amounts.points(eligibleAmount, rate.perUnit) },
    ];
    if (tier && !tier.benefits.earnMultiplier.equals(1)) {
      lines.push({
        id: `tier:${tier.id}`,
        label: `${tier.name} tier ×${tier.benefits.earnMultiplier.toString()}`,
        points: amounts.points(eligibleAmount, rate.perUnit, tier.factor),
      });
    }
    for (const rule of rules) {
      let explanation: Explanation | undefined;
      if (explain) {
        const explained = explains(rule, facts);
        if (!explained.held) continue;
        explanation = explained.explanation;
      } else if (!holds(rule, facts)) continue;
      let points: number;
      if (rule.bonus !== undefined) points = rule.bonus;
      else {
        const scoped =
          rule.categorySet || rule.skuSet
            ? amounts.sum(
                eligible.filter((i) => {
                  const l = order.lines[i]!;
                  return (
                    (rule.skuSet?.has(l.sku) ?? false) ||
                    (l.category !== undefined && (rule.categorySet?.has(l.category) ?? false))
                  );
                }),
              )
            : eligibleAmount;
        if (amounts.isZero(scoped)) continue;
        points = amounts.points(scoped, rate.perUnit, rule.factor);
      }
      lines.push({ id: rule.id, label: rule.label, points, ...(explanation ? { explanation } : {}) });
    }
    let total = Math.max(
      0,
      lines.reduce((s, l) => s + l.points, 0),
    );
    for (const { id, label, cap, used } of limits) {
      const room = Math.max(0, cap - used(member));
      if (total > room) {
        lines.push({ id, label, points: room - total });
        total = room;
      }
    }
    return {
      points: total,
      lines,
      eligibleAmount: amounts.text(eligibleAmount),
      currency: order.currency,
      summary: summarise(total, lines),
    };
  };

  return {
    evaluateParsed,
    evaluate(input, evalOptions) {
      return evaluateParsed(parseWith(EarningInputSchema, 'earning input', input), evalOptions);
    },
  };
}

/** Every fact path a condition may read: every string under a `fact` key, as facts and as fact references. */
function collectFactPaths(when: unknown, into: Set<string>): void {
  if (typeof when !== 'object' || when === null) return;
  for (const [key, value] of Object.entries(when)) {
    if (key === 'fact' && typeof value === 'string') into.add(value);
    else collectFactPaths(value, into);
  }
}

/** "you earned 120 points: 100 base + 20 birthday bonus". */
export function summarise(total: number, lines: readonly Pick<EarningLine, 'label' | 'points'>[]): string {
  const parts = lines
    .filter((l) => l.points !== 0)
    .map((l, i) =>
      i === 0
        ? `${l.points} ${l.label}`
        : l.points < 0
          ? `− ${-l.points} ${l.label}`
          : `+ ${l.points} ${l.label}`,
    );
  return `you earned ${total} points${parts.length > 0 ? `: ${parts.join(' ')}` : ''}`;
}
