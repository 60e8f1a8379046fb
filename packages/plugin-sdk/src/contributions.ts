import { IdSchema, JsonValueSchema } from '@crmkit/core';
import { ConditionSchema } from '@crmkit/rules';
import { z } from 'zod';

/**
 * A segment a plugin adds: a named `@crmkit/rules` condition over the facts
 * `{ customer, stats }` (see {@link customerStats}). The host evaluates it in
 * `crm.segmentsOf(customerId)`.
 *
 * @example
 * ```ts
 * SegmentContributionSchema.parse({ id: 'big-spenders', name: 'Big spenders',
 *   when: { fact: 'stats.netSpent', op: 'gte', value: 500 } });
 * ```
 */
export const SegmentContributionSchema = z
  .object({
    id: IdSchema,
    name: z.string().min(1),
    description: z.string().optional(),
    when: ConditionSchema,
  })
  .strict();

/**
 * An earning rule a plugin adds: when `when` holds for an order, award
 * `points` (whole points) or `pointsPerUnit` points per whole currency unit of
 * the order's net total; `priority` orders rules (highest first).
 *
 * @example
 * ```ts
 * EarningRuleContributionSchema.parse({ id: 'app-bonus', when: { fact: 'order.channel', op: 'eq', value: 'app' }, points: 50 });
 * ```
 */
export const EarningRuleContributionSchema = z
  .object({
    id: IdSchema,
    description: z.string().optional(),
    when: ConditionSchema.optional(),
    points: z.number().int('must be a whole number').nonnegative().optional(),
    pointsPerUnit: z.number().int('must be a whole number').nonnegative().optional(),
    priority: z.number().int().default(0),
  })
  .strict()
  .refine((r) => r.points !== undefined || r.pointsPerUnit !== undefined, {
    message: 'an earning rule needs points or pointsPerUnit',
    path: ['points'],
  });

/**
 * A lifecycle state machine a plugin adds, as data: states, the initial state
 * and transitions fired by a domain event type (`on`) and/or a condition
 * (`when`) over `{ customer, stats }`.
 *
 * @example
 * ```ts
 * LifecycleMachineContributionSchema.parse({ id: 'b2b', initial: 'intent', states: ['intent', 'signed', 'churned'],
 *   transitions: [{ from: 'intent', to: 'signed', on: 'order.placed' }] });
 * ```
 */
export const LifecycleMachineContributionSchema = z
  .object({
    id: IdSchema,
    initial: z.string().min(1),
    states: z.array(z.string().min(1)).min(1),
    transitions: z.array(
      z
        .object({
          from: z.string().min(1),
          to: z.string().min(1),
          on: z.string().min(1).optional(),
          when: ConditionSchema.optional(),
        })
        .strict(),
    ),
  })
  .strict()
  .superRefine((m, ctx) => {
    const states = new Set(m.states);
    if (!states.has(m.initial))
      ctx.addIssue({ code: 'custom', path: ['initial'], message: 'is not one of states' });
    m.transitions.forEach((t, i) => {
      for (const key of ['from', 'to'] as const) {
        if (!states.has(t[key]))
          ctx.addIssue({ code: 'custom', path: ['transitions', i, key], message: 'is not one of states' });
      }
    });
  });

/**
 * A churn win-back playbook a plugin adds: for customers at a churn `level`,
 * the steps to take, each after a number of days.
 *
 * @example
 * ```ts
 * ChurnPlaybookContributionSchema.parse({ id: 'win-back', level: 'high',
 *   steps: [{ action: 'email', afterDays: 0, payload: { template: 'we-miss-you' } }, { action: 'call', afterDays: 7 }] });
 * ```
 */
export const ChurnPlaybookContributionSchema = z
  .object({
    id: IdSchema,
    level: z.string().min(1),
    steps: z
      .array(
        z
          .object({
            action: z.string().min(1),
            afterDays: z.number().int().nonnegative().default(0),
            payload: JsonValueSchema.optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/**
 * The kinds of contribution and their validated shapes. Extend it by
 * declaration merging and give the host a schema for the new kind
 * (`createCrm({ contributionKinds })`):
 *
 * @example
 * ```ts
 * declare module '@crmkit/plugin-sdk' {
 *   interface ContributionMap { report: { id: string; title: string } }
 * }
 * ```
 */
export interface ContributionMap {
  /** See {@link SegmentContributionSchema}. */
  segment: z.output<typeof SegmentContributionSchema>;
  /** See {@link EarningRuleContributionSchema}. */
  'earning-rule': z.output<typeof EarningRuleContributionSchema>;
  /** See {@link LifecycleMachineContributionSchema}. */
  'lifecycle-machine': z.output<typeof LifecycleMachineContributionSchema>;
  /** See {@link ChurnPlaybookContributionSchema}. */
  'churn-playbook': z.output<typeof ChurnPlaybookContributionSchema>;
}

/**
 * A contribution kind: `'segment' | 'earning-rule' | …`.
 *
 * @example
 * ```ts
 * const kind: ContributionKind = 'earning-rule';
 * ```
 */
export type ContributionKind = keyof ContributionMap & string;

/**
 * The schemas of the built-in contribution kinds.
 *
 * @example
 * ```ts
 * builtInContributionKinds.segment.parse(candidate);
 * ```
 */
export const builtInContributionKinds = {
  segment: SegmentContributionSchema,
  'earning-rule': EarningRuleContributionSchema,
  'lifecycle-machine': LifecycleMachineContributionSchema,
  'churn-playbook': ChurnPlaybookContributionSchema,
} as const;

/**
 * A contribution as the host keeps it: which plugin gave it, and the
 * validated value.
 *
 * @example
 * ```ts
 * for (const { plugin, value } of crm.contributions.list('segment')) console.log(plugin, value.name);
 * ```
 */
export interface Contribution<K extends ContributionKind = ContributionKind> {
  /** The plugin that contributed it. */
  readonly plugin: string;
  /** Its kind. */
  readonly kind: K;
  /** The validated value. */
  readonly value: ContributionMap[K];
}

/**
 * The typed registries of everything plugins contributed, read-only for the
 * app.
 *
 * @example
 * ```ts
 * crm.contributions.get('earning-rule', 'app-bonus')?.value.points; // 50
 * ```
 */
export interface ContributionRegistry {
  /** Every contribution of a kind, in registration order. */
  list<K extends ContributionKind>(kind: K): readonly Contribution<K>[];
  /** One contribution by kind and id. */
  get<K extends ContributionKind>(kind: K, id: string): Contribution<K> | undefined;
}
