import { z } from 'zod';
import { IdSchema, InstantSchema, MoneySchema, parseWith } from './primitives';

const base = {
  id: IdSchema,
  customerId: IdSchema,
  occurredAt: InstantSchema,
  channel: z.string().min(1).optional(),
  note: z.string().max(10_000).optional(),
};

const score = (min: number, max: number) =>
  z
    .number()
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/**
 * Everything a customer does or is told besides ordering, as a union on
 * `type`:
 *
 * - `complaint` — with a category, severity, churn reason and resolution time
 * - `survey` — NPS (0–10), CSAT and CES scores (at least one; CSAT/CES scales
 *   are interpreted by `@crmkit/metrics`)
 * - `referral` — a customer referring another (converted or not)
 * - `review` — a 1–5 star rating
 * - `ticket` — a support-ticket status change with a response level
 * - `marketing` — a marketing touch, with its cost for CAC
 * - `activity` — engagement: a visit, an email open, a login
 *
 * @example
 * ```ts
 * InteractionSchema.parse({ type: 'survey', id: 'i1', customerId: 'c1', occurredAt: '2026-03-01', nps: 9 });
 * ```
 */
export const InteractionSchema = z
  .discriminatedUnion('type', [
    z
      .object({
        ...base,
        type: z.literal('complaint'),
        category: z.string().min(1).optional(),
        severity: z.enum(['low', 'medium', 'high']).optional(),
        reason: z.enum(['product', 'service', 'price', 'delivery', 'competitor', 'other']).optional(),
        resolvedAt: InstantSchema.optional(),
      })
      .strict(),
    z
      .object({
        ...base,
        type: z.literal('survey'),
        nps: score(0, 10).optional(),
        csat: score(0, 100).optional(),
        ces: score(0, 100).optional(),
        comment: z.string().max(10_000).optional(),
      })
      .strict()
      .refine((s) => s.nps !== undefined || s.csat !== undefined || s.ces !== undefined, {
        message: 'a survey needs at least one of nps, csat, ces',
        path: ['nps'],
      }),
    z
      .object({
        ...base,
        type: z.literal('referral'),
        referredCustomerId: IdSchema.optional(),
        code: z.string().min(1).optional(),
        converted: z.boolean().default(false),
      })
      .strict(),
    z
      .object({ ...base, type: z.literal('review'), rating: score(1, 5), text: z.string().optional() })
      .strict(),
    z
      .object({
        ...base,
        type: z.literal('ticket'),
        ticketId: IdSchema,
        status: z.enum(['opened', 'responded', 'resolved', 'followed_up', 'closed', 'reopened']),
        level: z.enum(['immediate', '24h', '72h']).optional(),
      })
      .strict(),
    z
      .object({
        ...base,
        type: z.literal('marketing'),
        campaignId: IdSchema.optional(),
        cost: MoneySchema.optional(),
      })
      .strict(),
    z.object({ ...base, type: z.literal('activity'), activity: z.string().min(1) }).strict(),
  ])
  .refine((i) => i.type !== 'complaint' || i.resolvedAt === undefined || i.resolvedAt >= i.occurredAt, {
    message: 'must not be before occurredAt',
    path: ['resolvedAt'],
  });

/**
 * A validated interaction (output of {@link InteractionSchema}).
 *
 * @example
 * ```ts
 * const i: Interaction = parseInteraction({ type: 'review', id: 'i1', customerId: 'c1', occurredAt: '2026-03-01', rating: 5 });
 * ```
 */
export type Interaction = z.output<typeof InteractionSchema>;

/**
 * What {@link InteractionSchema} accepts.
 *
 * @example
 * ```ts
 * const input: InteractionInput = { type: 'activity', id: 'i2', customerId: 'c1', occurredAt: '2026-03-01', activity: 'visit' };
 * ```
 */
export type InteractionInput = z.input<typeof InteractionSchema>;

/**
 * The kinds of interaction: `'complaint' | 'survey' | …`.
 *
 * @example
 * ```ts
 * const t: InteractionType = 'complaint';
 * ```
 */
export type InteractionType = Interaction['type'];

/**
 * Validates an interaction; throws `ValidationError` naming every bad field.
 *
 * @example
 * ```ts
 * parseInteraction({ type: 'complaint', id: 'i1', customerId: 'c1', occurredAt: '2026-03-01', reason: 'price' });
 * ```
 */
export function parseInteraction(input: unknown): Interaction {
  return parseWith(InteractionSchema, 'interaction', input);
}
