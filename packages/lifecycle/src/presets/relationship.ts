import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import { createMachine, type Machine } from '../machine';

/**
 * Options of {@link relationshipClass}: days without an order, counted from `context.lastOrderAt`, after
 * which an existing customer counts as lost.
 *
 * @example
 * ```ts
 * RelationshipOptionsSchema.parse({ lostAfterDays: 270 });
 * ```
 */
export const RelationshipOptionsSchema = z
  .object({ lostAfterDays: z.number().positive().finite().default(365) })
  .strict();

/**
 * Input of {@link relationshipClass}.
 *
 * @example
 * ```ts
 * const o: RelationshipOptions = { lostAfterDays: 180 };
 * ```
 */
export type RelationshipOptions = z.input<typeof RelationshipOptionsSchema>;

/**
 * The relationship-class definition as JSON (see {@link relationshipClass}).
 *
 * @example
 * ```ts
 * relationshipClassDefinition().initial; // 'potential'
 * ```
 */
export function relationshipClassDefinition(options: RelationshipOptions = {}) {
  const o = parseWith(RelationshipOptionsSchema, 'relationship options', options);
  return {
    id: 'relationship-class',
    description: 'potential / existing / lost customers, with win-back',
    initial: 'potential',
    events: { 'order.placed': { description: 'an order; context holds lastOrderAt' } },
    effects: {
      'winBack.start': { description: 'start a win-back campaign for a lost customer' },
      'winBack.succeeded': { description: 'a lost customer bought again' },
    },
    states: {
      potential: { description: 'has not bought yet', on: { 'order.placed': { target: 'existing' } } },
      existing: {
        description: 'a buying customer',
        after: [
          {
            id: 'lost',
            after: { days: o.lostAfterDays },
            from: 'context.lastOrderAt',
            target: 'lost',
            description: `no order for ${o.lostAfterDays} days`,
          },
        ],
      },
      lost: {
        description: 'stopped buying: win back',
        entry: ['winBack.start'],
        on: {
          'order.placed': { target: 'existing', effects: ['winBack.succeeded'], description: 'won back' },
        },
      },
    },
  } as const;
}

/**
 * Relationship classes, ready to use: potential → existing on the first `order.placed`; existing → lost
 * after `lostAfterDays` without an order (from `context.lastOrderAt`), which starts a win-back
 * (`winBack.start`); lost → existing on an order (`winBack.succeeded`).
 *
 * @example
 * ```ts
 * const rc = relationshipClass();
 * transition(rc, 'lost', { type: 'order.placed' }, {}).effects.map((e) => e.type); // ['winBack.succeeded']
 * ```
 */
export function relationshipClass(
  options: RelationshipOptions = {},
): Machine<'potential' | 'existing' | 'lost', 'order.placed'> {
  return createMachine(relationshipClassDefinition(options));
}
