import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import { createMachine, type Machine } from '../machine';

const days = z.number().positive().finite();

/**
 * Options of {@link customerJourney}: how many orders make a customer active and mature, the spend a
 * mature customer needs (a decimal string or number, compared exactly), and the inactivity windows in
 * days, counted from `context.lastOrderAt`.
 *
 * @example
 * ```ts
 * CustomerJourneyOptionsSchema.parse({ atRiskAfterDays: 60 });
 * ```
 */
export const CustomerJourneyOptionsSchema = z
  .object({
    activeAfterOrders: z.number().int().min(2).default(2),
    matureAfterOrders: z.number().int().min(2).default(5),
    matureMinimumSpend: z
      .union([
        z.number().nonnegative().finite(),
        z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string'),
      ])
      .default(500),
    atRiskAfterDays: days.default(90),
    churnedAfterDays: days.default(180),
    intentExpiresAfterDays: days.default(180),
  })
  .strict()
  .refine((o) => o.churnedAfterDays > o.atRiskAfterDays, {
    message: 'churnedAfterDays must be greater than atRiskAfterDays',
    path: ['churnedAfterDays'],
  })
  .refine((o) => o.matureAfterOrders > o.activeAfterOrders, {
    message: 'matureAfterOrders must be greater than activeAfterOrders',
    path: ['matureAfterOrders'],
  });

/**
 * Input of {@link customerJourney} (every field optional).
 *
 * @example
 * ```ts
 * const o: CustomerJourneyOptions = { matureAfterOrders: 6, matureMinimumSpend: '750.00' };
 * ```
 */
export type CustomerJourneyOptions = z.input<typeof CustomerJourneyOptionsSchema>;

const ordered = { fact: 'context.orderCount', op: 'gte' } as const;

/**
 * The customer-journey definition as JSON (see {@link customerJourney}), for storing, diagramming or
 * adapting before `createMachine`.
 *
 * @example
 * ```ts
 * const def = customerJourneyDefinition({ atRiskAfterDays: 60 });
 * def.states.active.after[0].after; // { days: 60 }
 * ```
 */
export function customerJourneyDefinition(options: CustomerJourneyOptions = {}) {
  const o = parseWith(CustomerJourneyOptionsSchema, 'customer journey options', options);
  const inactive = {
    id: 'inactive',
    after: { days: o.atRiskAfterDays },
    from: 'context.lastOrderAt',
    target: 'atRisk',
    description: `no order for ${o.atRiskAfterDays} days`,
  } as const;
  const toActive = {
    target: 'active',
    when: { ...ordered, value: { param: 'activeAfterOrders' } },
    description: 'enough orders to count as active',
  } as const;
  const toMature = {
    target: 'mature',
    when: {
      all: [
        { ...ordered, value: { param: 'matureAfterOrders' } },
        { fact: 'context.totalSpend', op: 'gte', value: { param: 'matureMinimumSpend' } },
      ],
    },
    description: 'enough orders and spend to count as mature (loyal)',
  } as const;
  return {
    id: 'customer-journey',
    description:
      'prospect → intent → new (first purchase) → active → mature → at risk → churned → reactivated, driven by orders, inactivity and value',
    initial: 'prospect',
    events: {
      'lead.captured': { description: 'the prospect showed intent: signed up, asked, added to cart' },
      'order.placed': {
        description: 'an order; context holds orderCount (with it), totalSpend, lastOrderAt',
      },
    },
    effects: {
      'journey.nurture': { description: 'start nurturing a lead' },
      'journey.welcome': { description: 'welcome a first-time buyer' },
      'journey.becameActive': { description: 'the customer buys repeatedly' },
      'journey.loyaltyInvite': { description: 'invite a mature customer to the loyalty programme' },
      'journey.retentionOffer': { description: 'a customer is slipping away: send a retention offer' },
      'journey.churned': { description: 'a customer has lapsed: alert the owner, start win-back' },
      'journey.welcomeBack': { description: 'a churned customer bought again' },
    },
    params: {
      activeAfterOrders: o.activeAfterOrders,
      matureAfterOrders: o.matureAfterOrders,
      matureMinimumSpend: o.matureMinimumSpend,
    },
    states: {
      prospect: {
        description: 'known, not yet interested',
        on: { 'lead.captured': { target: 'intent' }, 'order.placed': { target: 'new' } },
      },
      intent: {
        description: 'interested (a lead), no purchase yet',
        entry: ['journey.nurture'],
        on: { 'order.placed': { target: 'new' } },
        after: [
          {
            id: 'intentLapsed',
            after: { days: o.intentExpiresAfterDays },
            target: 'prospect',
            description: `no purchase ${o.intentExpiresAfterDays} days after showing intent`,
          },
        ],
      },
      new: {
        description: 'made a first purchase',
        entry: ['journey.welcome'],
        on: { 'order.placed': toActive },
        after: [inactive],
      },
      active: {
        description: 'buys repeatedly',
        entry: ['journey.becameActive'],
        on: { 'order.placed': toMature },
        after: [inactive],
      },
      mature: {
        description: 'loyal: many orders, high spend',
        entry: ['journey.loyaltyInvite'],
        after: [inactive],
      },
      atRisk: {
        description: 'declining: no order for a while',
        entry: ['journey.retentionOffer'],
        on: { 'order.placed': [toMature, { target: 'active', description: 'bought again' }] },
        after: [
          {
            id: 'lapsed',
            after: { days: o.churnedAfterDays },
            from: 'context.lastOrderAt',
            target: 'churned',
            description: `no order for ${o.churnedAfterDays} days`,
          },
        ],
      },
      churned: {
        description: 'lapsed',
        entry: ['journey.churned'],
        on: { 'order.placed': { target: 'reactivated' } },
      },
      reactivated: {
        description: 'came back after churning',
        entry: ['journey.welcomeBack'],
        on: { 'order.placed': { target: 'active', description: 'bought again after coming back' } },
        after: [inactive],
      },
    },
  } as const;
}

/**
 * The customer journey, ready to use: prospect → intent (`lead.captured`) → new (first `order.placed`) →
 * active (`activeAfterOrders` orders) → mature (`matureAfterOrders` orders and `matureMinimumSpend`) →
 * atRisk (no order for `atRiskAfterDays`) → churned (none for `churnedAfterDays`) → reactivated (an order
 * after churning). Guards read the context `{ orderCount, totalSpend, lastOrderAt }`, where `orderCount`
 * and `totalSpend` include the order just placed. Every stage entry asks for a named effect
 * (`journey.welcome`, `journey.retentionOffer`, …).
 *
 * @example
 * ```ts
 * const journey = customerJourney({ atRiskAfterDays: 60 });
 * transition(journey, 'active', { type: 'order.placed' }, { orderCount: 5, totalSpend: '812.40' }).state; // 'mature'
 * ```
 */
export function customerJourney(
  options: CustomerJourneyOptions = {},
): Machine<
  'prospect' | 'intent' | 'new' | 'active' | 'mature' | 'atRisk' | 'churned' | 'reactivated',
  'lead.captured' | 'order.placed'
> {
  return createMachine(customerJourneyDefinition(options));
}
