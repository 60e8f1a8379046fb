import { z } from 'zod';
import { CalendarDateSchema, IdSchema, InstantSchema, parseWith } from './primitives';

const AttributeValue = z.union([z.string(), z.number().finite(), z.boolean(), z.null()]);

/**
 * Descriptive attributes of a customer used for segmentation: the named
 * dimensions the handbooks use, plus any custom key with a string, number,
 * boolean or null value.
 *
 * @example
 * ```ts
 * CustomerAttributesSchema.parse({ region: 'EU-West', industry: 'retail', size: 'small', plan: 'pro' });
 * ```
 */
export const CustomerAttributesSchema = z
  .object({
    region: z.string().min(1).optional(),
    country: z.string().min(1).optional(),
    city: z.string().min(1).optional(),
    industry: z.string().min(1).optional(),
    size: z.string().min(1).optional(),
    gender: z.string().min(1).optional(),
    ageBand: z.string().min(1).optional(),
    occupation: z.string().min(1).optional(),
    incomeBand: z.string().min(1).optional(),
  })
  .catchall(AttributeValue);

/**
 * One consent purpose (`email`, `sms`, `profiling`, …): granted or withdrawn,
 * when, and from where.
 *
 * @example
 * ```ts
 * ConsentSchema.parse({ granted: true, at: '2026-01-01T00:00:00Z', source: 'checkout' });
 * ```
 */
export const ConsentSchema = z
  .object({
    granted: z.boolean(),
    at: InstantSchema,
    source: z.string().min(1).optional(),
  })
  .strict();

/**
 * A customer: a person or a B2B account. The schema is the single source of
 * truth; {@link Customer} and {@link CustomerInput} are inferred from it.
 * Unknown top-level keys are rejected so typos surface.
 *
 * @example
 * ```ts
 * const customer = CustomerSchema.parse({
 *   id: 'c1',
 *   email: 'ada@example.com',
 *   birthday: '1990-02-28',
 *   attributes: { region: 'EU' },
 *   createdAt: '2026-01-05T09:00:00Z',
 * });
 * ```
 */
export const CustomerSchema = z
  .object({
    id: IdSchema,
    kind: z.enum(['person', 'account']).default('person'),
    externalIds: z.record(z.string().min(1), z.string().min(1)).default({}),
    name: z.string().min(1).max(500).optional(),
    email: z.email({ error: 'must be an email address' }).optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9][0-9 ().-]{2,31}$/, 'must be a phone number (digits, spaces, + ( ) . -)')
      .optional(),
    birthday: CalendarDateSchema.optional(),
    attributes: CustomerAttributesSchema.default({}),
    tags: z.array(z.string().min(1).max(100)).max(500).default([]),
    consent: z.record(z.string().min(1), ConsentSchema).default({}),
    ownerId: IdSchema.optional(),
    acquisition: z
      .object({
        channel: z.string().min(1),
        campaignId: IdSchema.optional(),
        at: InstantSchema.optional(),
      })
      .strict()
      .optional(),
    createdAt: InstantSchema,
  })
  .strict();

/**
 * A validated customer (the output of {@link CustomerSchema}).
 *
 * @example
 * ```ts
 * const c: Customer = parseCustomer({ id: 'c1', createdAt: '2026-01-01' });
 * ```
 */
export type Customer = z.output<typeof CustomerSchema>;

/**
 * What {@link CustomerSchema} accepts (dates as ISO strings, defaults optional).
 *
 * @example
 * ```ts
 * const input: CustomerInput = { id: 'c1', createdAt: '2026-01-01T00:00:00Z' };
 * ```
 */
export type CustomerInput = z.input<typeof CustomerSchema>;

/**
 * Validates a customer; throws `ValidationError` naming every bad field.
 *
 * @example
 * ```ts
 * parseCustomer({ id: 'c1', createdAt: '2026-01-01' }).kind; // 'person'
 * ```
 */
export function parseCustomer(input: unknown): Customer {
  return parseWith(CustomerSchema, 'customer', input);
}
