import { CustomerAttributesSchema, CustomerSchema, parseWith } from '@crmkit/core';
import { z } from 'zod';

/**
 * How sensitive a field is: `public` (ids, dates, kind), `internal` (business
 * data such as tags, region, consent) or `sensitive` (personal data: name,
 * email, phone, address, birthday, …). Sensitive fields are encrypted before
 * they reach any adapter.
 *
 * @example
 * ```ts
 * FieldClassSchema.parse('sensitive');
 * ```
 */
export const FieldClassSchema = z.enum(['public', 'internal', 'sensitive']);

/**
 * One of `'public' | 'internal' | 'sensitive'`.
 *
 * @example
 * ```ts
 * const c: FieldClass = 'internal';
 * ```
 */
export type FieldClass = z.infer<typeof FieldClassSchema>;

/** Top-level customer fields that can never be encrypted (the record needs them). */
const STRUCTURAL = ['id', 'kind', 'createdAt', 'attributes', 'consent', 'acquisition'] as const;

type CustomerField = keyof z.output<typeof CustomerSchema>;

/**
 * What {@link defineClassification} takes: a class per top-level customer
 * field (typed by the keys of `CustomerSchema`, so a typo does not compile)
 * and per attribute, plus the class of attributes not listed.
 *
 * @example
 * ```ts
 * const input: ClassificationInput = { fields: { email: 'sensitive' }, attributes: { address: 'sensitive' } };
 * ```
 */
export interface ClassificationInput {
  /** Class per top-level field; unlisted fields are `internal`, `id`/`kind`/`createdAt` are `public`. */
  readonly fields?: Partial<Record<CustomerField, FieldClass>>;
  /** Class per attribute key; these keys are also the declared attributes kept on import. */
  readonly attributes?: Readonly<Record<string, FieldClass>>;
  /** Class of attributes not listed in `attributes` (default `internal`). */
  readonly otherAttributes?: FieldClass;
  /** Class of the free text of interactions (`note`, `comment`, `text`); default all `sensitive`. */
  readonly interactions?: Partial<Record<InteractionTextField, FieldClass>>;
}

/**
 * The free-text fields of interactions, which often hold personal data
 * (a complaint note quoting a phone number, a review signed with a name).
 *
 * @example
 * ```ts
 * const field: InteractionTextField = 'note';
 * ```
 */
export type InteractionTextField = 'note' | 'comment' | 'text';

/**
 * The validated classification of customer data: the class of every field
 * path (`'email'`, `'attributes.address'`) and the attribute keys declared.
 *
 * @example
 * ```ts
 * defaultClassification.classOf('email'); // 'sensitive'
 * ```
 */
export interface Classification {
  /** Class of a field path: a top-level field, `attributes.<key>` or `interaction.<field>`. */
  classOf(path: string): FieldClass;
  /** Top-level fields classified `sensitive`. */
  readonly sensitiveFields: readonly string[];
  /** Attribute keys classified `sensitive`. */
  readonly sensitiveAttributes: readonly string[];
  /** Interaction free-text fields classified `sensitive` (encrypted like customer fields). */
  readonly sensitiveInteractionFields: readonly InteractionTextField[];
  /** Attribute keys declared (named in `CustomerAttributesSchema` or in the classification). */
  readonly declaredAttributes: ReadonlySet<string>;
}

const ClassificationInputSchema = z
  .object({
    fields: z.record(z.string(), FieldClassSchema).default({}),
    attributes: z.record(z.string().min(1), FieldClassSchema).default({}),
    otherAttributes: FieldClassSchema.default('internal'),
    interactions: z
      .object({ note: FieldClassSchema, comment: FieldClassSchema, text: FieldClassSchema })
      .partial()
      .strict()
      .default({}),
  })
  .strict();

/** The customer record's own fields, from core's schema: anything else is an attribute. */
export const CUSTOMER_FIELDS: ReadonlySet<string> = new Set(Object.keys(CustomerSchema.shape));

/**
 * Declares how sensitive each customer field is, alongside core's
 * `CustomerSchema`. Unknown field names, attempts to make `id`, `kind`,
 * `createdAt`, `attributes`, `consent` or `acquisition` sensitive, and attribute keys using
 * the reserved `__` prefix throw `ValidationError`.
 *
 * @example
 * ```ts
 * const classification = defineClassification({
 *   fields: { name: 'sensitive', email: 'sensitive', phone: 'sensitive', birthday: 'sensitive' },
 *   attributes: { address: 'sensitive', region: 'internal', loyaltyNumber: 'internal' },
 * });
 * classification.classOf('attributes.address'); // 'sensitive'
 * ```
 */
export function defineClassification(input: ClassificationInput = {}): Classification {
  const parsed = parseWith(
    ClassificationInputSchema.superRefine((value, ctx) => {
      for (const [field, cls] of Object.entries(value.fields)) {
        if (!CUSTOMER_FIELDS.has(field)) {
          ctx.addIssue({ code: 'custom', path: ['fields', field], message: 'is not a customer field' });
        } else if (cls === 'sensitive' && (STRUCTURAL as readonly string[]).includes(field)) {
          ctx.addIssue({ code: 'custom', path: ['fields', field], message: 'cannot be sensitive' });
        }
      }
      for (const key of Object.keys(value.attributes)) {
        if (key.startsWith('__')) {
          ctx.addIssue({ code: 'custom', path: ['attributes', key], message: 'the __ prefix is reserved' });
        }
      }
    }),
    'classification',
    input,
  );
  const fields: Record<string, FieldClass> = {
    id: 'public',
    kind: 'public',
    createdAt: 'public',
    ...parsed.fields,
  };
  const declaredAttributes = new Set([
    ...Object.keys(CustomerAttributesSchema.shape),
    ...Object.keys(parsed.attributes),
  ]);
  const interactions = {
    note: 'sensitive',
    comment: 'sensitive',
    text: 'sensitive',
    ...parsed.interactions,
  } as const;
  return {
    classOf(path) {
      if (path.startsWith('interaction.')) {
        return interactions[path.slice('interaction.'.length) as InteractionTextField] ?? 'internal';
      }
      if (path.startsWith('attributes.')) {
        return parsed.attributes[path.slice('attributes.'.length)] ?? parsed.otherAttributes;
      }
      return fields[path] ?? 'internal';
    },
    sensitiveFields: Object.keys(fields).filter((f) => fields[f] === 'sensitive'),
    sensitiveAttributes: Object.keys(parsed.attributes).filter((a) => parsed.attributes[a] === 'sensitive'),
    sensitiveInteractionFields: (['note', 'comment', 'text'] as const).filter(
      (f) => interactions[f] === 'sensitive',
    ),
    declaredAttributes,
  };
}

/**
 * The classification crmkit uses when none is given: name, email, phone and
 * birthday are sensitive, so are the attributes `address`, `postcode`,
 * `dateOfBirth`, `nationalId` and `gender` and the free text of interactions;
 * ids and dates are public, the rest internal.
 *
 * @example
 * ```ts
 * defaultClassification.sensitiveFields; // ['name', 'email', 'phone', 'birthday']
 * ```
 */
export const defaultClassification: Classification = defineClassification({
  fields: { name: 'sensitive', email: 'sensitive', phone: 'sensitive', birthday: 'sensitive' },
  attributes: {
    address: 'sensitive',
    postcode: 'sensitive',
    dateOfBirth: 'sensitive',
    nationalId: 'sensitive',
    gender: 'sensitive',
  },
});
