import { type Campaign, type CampaignQuery, parseCampaign } from '@crmkit/core';
import { z } from 'zod';
import { batchSizeSchema, type RecordKind } from './records';

/** Campaigns: the JSON document plus channel and start columns. */
export const campaignKind: RecordKind<Campaign, CampaignQuery> = {
  entity: 'campaign',
  table: 'campaigns',
  parse: parseCampaign,
  encode: (value) => JSON.stringify(value),
  columns: [
    { name: 'channel', type: 'text', of: (c) => c.channel },
    { name: 'starts_at', type: 'timestamptz', of: (c) => c.startsAt.toISOString() },
  ],
  querySchema: z.object({ batchSize: batchSizeSchema, channel: z.string().min(1).optional() }).strict(),
  filters: (query, bind) => (query.channel === undefined ? [] : [`channel = ${bind(query.channel)}`]),
  sort: () => [{ name: 'starts_at', type: 'timestamptz', of: (c) => c.startsAt.toISOString() }],
};
