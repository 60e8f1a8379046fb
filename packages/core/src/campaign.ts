import { z } from 'zod';
import { IdSchema, InstantSchema, MoneySchema, parseWith } from './primitives';

/**
 * A marketing campaign on an acquisition channel, with what it cost: the
 * spend side of CAC.
 *
 * @example
 * ```ts
 * CampaignSchema.parse({ id: 'spring', name: 'Spring sale', channel: 'search',
 *   startsAt: '2026-03-01', endsAt: '2026-03-31', spend: { amount: '5000', currency: 'EUR' } });
 * ```
 */
export const CampaignSchema = z
  .object({
    id: IdSchema,
    name: z.string().min(1),
    channel: z.string().min(1),
    startsAt: InstantSchema,
    endsAt: InstantSchema.optional(),
    spend: MoneySchema,
  })
  .strict()
  .refine((c) => c.endsAt === undefined || c.endsAt >= c.startsAt, {
    message: 'must not be before startsAt',
    path: ['endsAt'],
  })
  .refine((c) => !c.spend.isNegative(), { message: 'must not be negative', path: ['spend'] });

/**
 * A validated campaign.
 *
 * @example
 * ```ts
 * const c: Campaign = parseCampaign(json);
 * ```
 */
export type Campaign = z.output<typeof CampaignSchema>;

/**
 * What {@link CampaignSchema} accepts.
 *
 * @example
 * ```ts
 * const input: CampaignInput = { id: 'x', name: 'X', channel: 'social', startsAt: '2026-01-01', spend: { amount: '10', currency: 'EUR' } };
 * ```
 */
export type CampaignInput = z.input<typeof CampaignSchema>;

/**
 * Validates a campaign; throws `ValidationError` naming every bad field.
 *
 * @example
 * ```ts
 * parseCampaign({ id: 'x', name: 'X', channel: 'social', startsAt: '2026-01-01', spend: { amount: '10', currency: 'EUR' } });
 * ```
 */
export function parseCampaign(input: unknown): Campaign {
  return parseWith(CampaignSchema, 'campaign', input);
}
