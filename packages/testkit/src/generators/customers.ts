import type { CustomerInput, Random } from '@crmkit/core';
import { pickWeighted } from '../distributions';
import { ACQUISITION_CHANNELS, campaignIdAt } from './campaigns';
import type { ResolvedDatasetOptions } from './options';

const REGIONS = [
  ['North', 3],
  ['South', 3],
  ['East', 2],
  ['West', 2],
  ['International', 1],
] as const;
const INDUSTRIES = [
  ['retail', 3],
  ['software', 2],
  ['manufacturing', 2],
  ['hospitality', 1],
  ['health', 1],
] as const;
const SIZES = [
  ['micro', 4],
  ['small', 3],
  ['medium', 2],
  ['large', 1],
] as const;
const OCCUPATIONS = [
  ['employee', 5],
  ['self-employed', 2],
  ['student', 1],
  ['retired', 1],
  ['manager', 2],
] as const;
const INCOME = [
  ['low', 3],
  ['middle', 5],
  ['high', 2],
] as const;

/**
 * The id of the n-th generated customer: `c` and 7 digits, so that string
 * order is numeric order up to 10 million customers.
 *
 * @example
 * ```ts
 * customerId(42); // 'c0000042'
 * ```
 */
export function customerId(n: number): string {
  return `c${String(n).padStart(7, '0')}`;
}

/**
 * Generates the n-th customer, who arrives at `arrivedAt`, from that
 * customer's own random stream: realistic attributes (region, gender, age
 * band from the birthday, occupation, income; industry and size for B2B
 * accounts, about 1 in 10), a birthday, consent flags, tags and the
 * acquisition channel with its campaign.
 *
 * @example
 * ```ts
 * generateCustomer(1, new Date('2025-03-01'), createSeededRandom('1:1'), resolveDatasetOptions({ customers: 1 }));
 * ```
 */
export function generateCustomer(
  n: number,
  arrivedAt: Date,
  random: Random,
  options: ResolvedDatasetOptions,
): CustomerInput {
  const account = random.next() < 0.1;
  const year = 1950 + Math.floor(random.next() * 56);
  const month = 1 + Math.floor(random.next() * 12);
  const day = 1 + Math.floor(random.next() * 28);
  const age = arrivedAt.getUTCFullYear() - year;
  const channel = pickWeighted(random, ACQUISITION_CHANNELS);
  const attributes: CustomerInput['attributes'] = {
    region: pickWeighted(random, REGIONS),
    ...(account
      ? { industry: pickWeighted(random, INDUSTRIES), size: pickWeighted(random, SIZES) }
      : {
          gender: random.next() < 0.5 ? 'female' : 'male',
          ageBand: age < 25 ? '18-24' : age < 35 ? '25-34' : age < 50 ? '35-49' : age < 65 ? '50-64' : '65+',
          occupation: pickWeighted(random, OCCUPATIONS),
          incomeBand: pickWeighted(random, INCOME),
        }),
  };
  return {
    id: customerId(n),
    kind: account ? 'account' : 'person',
    externalIds: { shop: `S${100_000 + n}` },
    name: account ? `Company ${n}` : `Customer ${n}`,
    email: `${account ? 'company' : 'customer'}${n}@example.com`,
    ...(account
      ? {}
      : { birthday: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` }),
    attributes,
    tags: random.next() < 0.05 ? ['newsletter', 'early-adopter'] : random.next() < 0.3 ? ['newsletter'] : [],
    consent: { email: { granted: random.next() < 0.7, at: arrivedAt, source: 'signup' } },
    acquisition: { channel, campaignId: campaignIdAt(options, channel, arrivedAt), at: arrivedAt },
    createdAt: arrivedAt,
  };
}
