import { type CampaignInput, createSeededRandom, type Random } from '@crmkit/core';
import type { ResolvedDatasetOptions } from './options';

/**
 * The acquisition channels of generated data, with their share of new customers.
 *
 * @example
 * ```ts
 * ACQUISITION_CHANNELS.map(([channel]) => channel); // ['search', 'social', …]
 * ```
 */
export const ACQUISITION_CHANNELS = [
  ['search', 30],
  ['social', 25],
  ['email', 10],
  ['referral', 15],
  ['affiliate', 8],
  ['direct', 12],
] as const;

const QUARTER = 91 * 86_400_000;

/**
 * One campaign per acquisition channel per quarter of the window, with spend
 * drawn per campaign (whole currency units). Ids: `<channel>-q<index>`.
 *
 * @example
 * ```ts
 * generateCampaigns(resolveDatasetOptions({ customers: 100 })).length; // 6 channels × 5 quarters
 * ```
 */
export function generateCampaigns(options: ResolvedDatasetOptions): CampaignInput[] {
  const random: Random = createSeededRandom(`${options.seed}:campaigns`);
  const campaigns: CampaignInput[] = [];
  const start = options.start.getTime();
  const end = options.end.getTime();
  for (let q = 0; start + q * QUARTER < end; q++) {
    for (const [channel, share] of ACQUISITION_CHANNELS) {
      const spendPerCustomer = 10 + random.next() * 40;
      const expectedCustomers =
        (options.customers * share * Math.min(QUARTER, end - start)) / 100 / (end - start);
      campaigns.push({
        id: `${channel}-q${q + 1}`,
        name: `${channel} Q${q + 1}`,
        channel,
        startsAt: new Date(start + q * QUARTER),
        endsAt: new Date(Math.min(start + (q + 1) * QUARTER, end) - 1),
        spend: {
          amount: Math.max(1, Math.round(expectedCustomers * spendPerCustomer)).toString(),
          currency: options.currency,
        },
      });
    }
  }
  return campaigns;
}

/**
 * The id of the campaign of `channel` running at `at` (see {@link generateCampaigns}).
 *
 * @example
 * ```ts
 * campaignIdAt(options, 'search', new Date('2025-02-01')); // 'search-q1'
 * ```
 */
export function campaignIdAt(options: ResolvedDatasetOptions, channel: string, at: Date): string {
  return `${channel}-q${Math.floor((at.getTime() - options.start.getTime()) / QUARTER) + 1}`;
}
