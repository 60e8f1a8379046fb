import { parseWith, ValidationError } from '@crmkit/core';
import { z } from 'zod';
import { forEachRow, type Source } from './source';

const Attribute = z.string().min(1, 'must name an attribute');
const Scalar = z.union([z.string(), z.number().finite(), z.boolean()]);

/**
 * How to segment customers by their `attributes`:
 *
 * - `values`: one segment per value of `attribute` (`industry`, `size`, …);
 *   with `groups`, named groups of values instead (`{ SMB: ['micro',
 *   'small'] }`); with `values`, only those values are expected.
 * - `bins`: numeric `attribute` (employees, revenue) into named bins, each
 *   taking values below its `below` bound (ascending), the last the rest.
 * - `region`: `local` / `domestic` / `international` from the customer's
 *   `country` (and `region` or `city`) against `home`; `local` needs the
 *   same country and the same `localBy` field (`region` by default).
 *
 * Customers whose value is missing, unexpected or not a number are reported
 * in `unknown`, never dropped silently.
 *
 * @example
 * ```ts
 * AttributeSegmentationSchema.parse({ kind: 'region', home: { country: 'DE', region: 'Bavaria' } });
 * ```
 */
export const AttributeSegmentationSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('values'),
      attribute: Attribute,
      values: z.array(Scalar).min(1).optional(),
      groups: z.record(z.string().min(1), z.array(Scalar).min(1)).optional(),
    })
    .strict()
    .superRefine((spec, ctx) => {
      if (spec.values !== undefined && spec.groups !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['groups'], message: 'give values or groups, not both' });
      }
      const owner = new Map<string, string>();
      for (const [group, members] of Object.entries(spec.groups ?? {})) {
        members.forEach((member, i) => {
          const key = String(member);
          if (owner.has(key)) {
            ctx.addIssue({
              code: 'custom',
              path: ['groups', group, i],
              message: `${JSON.stringify(member)} is already in group ${owner.get(key)}`,
            });
          }
          owner.set(key, group);
        });
      }
    }),
  z
    .object({
      kind: z.literal('bins'),
      attribute: Attribute,
      bins: z
        .array(z.object({ name: z.string().min(1), below: z.number().finite().optional() }).strict())
        .min(2, 'needs at least two bins'),
    })
    .strict()
    .superRefine(({ bins }, ctx) => {
      bins.forEach((bin, i) => {
        const last = i === bins.length - 1;
        if (last !== (bin.below === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: ['bins', i, 'below'],
            message: last ? 'the last bin takes the rest: no below' : 'required (only the last bin has none)',
          });
        }
        const previous = bins[i - 1]?.below;
        if (bin.below !== undefined && previous !== undefined && !(bin.below > previous)) {
          ctx.addIssue({ code: 'custom', path: ['bins', i, 'below'], message: 'bounds must increase' });
        }
      });
    }),
  z
    .object({
      kind: z.literal('region'),
      home: z
        .object({
          country: z.string().min(1),
          region: z.string().min(1).optional(),
          city: z.string().min(1).optional(),
        })
        .strict(),
      localBy: z.enum(['region', 'city']).default('region'),
    })
    .strict()
    .superRefine((spec, ctx) => {
      if (spec.home[spec.localBy] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['home', spec.localBy],
          message: `required to tell local customers (localBy ${spec.localBy})`,
        });
      }
    }),
]);

/**
 * What {@link AttributeSegmentationSchema} accepts.
 *
 * @example
 * ```ts
 * const spec: AttributeSegmentation = { kind: 'bins', attribute: 'employees', bins: [{ name: 'micro', below: 10 }, { name: 'larger' }] };
 * ```
 */
export type AttributeSegmentation = z.input<typeof AttributeSegmentationSchema>;

/**
 * A customer as attribute segmentation reads it: the id and the attributes
 * (a core `Customer` fits).
 *
 * @example
 * ```ts
 * const c: AttributeCustomer = { id: 'c1', attributes: { industry: 'retail', country: 'DE' } };
 * ```
 */
export interface AttributeCustomer {
  /** The customer. */
  readonly id: string;
  /** Their attributes. */
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/**
 * A customer attribute segmentation could not place, and why: `missing`
 * (no value), `unexpected` (a value outside `values` or `groups`) or
 * `not-a-number` (for `bins`).
 *
 * @example
 * ```ts
 * const u: UnknownAttribute = { customerId: 'c9', value: 'mining', reason: 'unexpected' };
 * ```
 */
export interface UnknownAttribute {
  /** The customer. */
  readonly customerId: string;
  /** What they had (absent when missing). */
  readonly value?: unknown;
  /** Why they were not placed. */
  readonly reason: 'missing' | 'unexpected' | 'not-a-number';
}

/**
 * The result of {@link segmentByAttribute}: the segments with their members
 * (in the spec's order, then by first appearance), and the customers that
 * could not be placed.
 *
 * @example
 * ```ts
 * const result: AttributeSegments = await segmentByAttribute(customers, spec);
 * result.segments.map((s) => `${s.name}: ${s.count}`);
 * ```
 */
export interface AttributeSegments {
  /** Every segment, with counts and member ids. */
  readonly segments: readonly {
    readonly name: string;
    readonly count: number;
    readonly customerIds: readonly string[];
  }[];
  /** Customers not placed, with the reason. */
  readonly unknown: readonly UnknownAttribute[];
  /** Each placed customer's segment. */
  readonly assignments: ReadonlyMap<string, string>;
}

/**
 * Segments customers by one attribute (see {@link AttributeSegmentationSchema}),
 * reading them once from an array or a stream such as
 * `storage.customers.list()`. Values compare as written, except that
 * countries, regions and cities compare case-insensitively.
 *
 * @example
 * ```ts
 * const result = await segmentByAttribute(storage.customers.list(), {
 *   kind: 'region', home: { country: 'DE', region: 'Bavaria' },
 * });
 * result.segments.map((s) => s.name); // ['local', 'domestic', 'international']
 * result.unknown; // customers without a country
 * ```
 */
export async function segmentByAttribute(
  customers: Source<AttributeCustomer>,
  spec: AttributeSegmentation,
): Promise<AttributeSegments> {
  const parsed = parseWith(AttributeSegmentationSchema, 'attribute segmentation', spec);
  const place = placer(parsed);
  const members = new Map<string, string[]>();
  for (const name of initialSegments(parsed)) members.set(name, []);
  const unknown: UnknownAttribute[] = [];
  const assignments = new Map<string, string>();
  await forEachRow(customers, 'customers', (customer, index) => {
    if (typeof customer?.id !== 'string') {
      throw new ValidationError('customers', [
        { path: [index, 'id'], message: 'must be a string', code: 'invalid_type' },
      ]);
    }
    const placed = place(customer.attributes ?? {});
    if (typeof placed !== 'string') {
      unknown.push({ customerId: customer.id, ...placed });
      return;
    }
    let list = members.get(placed);
    if (list === undefined) {
      list = [];
      members.set(placed, list);
    }
    list.push(customer.id);
    assignments.set(customer.id, placed);
  });
  return {
    segments: [...members].map(([name, customerIds]) => ({ name, count: customerIds.length, customerIds })),
    unknown,
    assignments,
  };
}

type Parsed = z.output<typeof AttributeSegmentationSchema>;
type Placement = string | Omit<UnknownAttribute, 'customerId'>;

function initialSegments(spec: Parsed): string[] {
  if (spec.kind === 'region') return ['local', 'domestic', 'international'];
  if (spec.kind === 'bins') return spec.bins.map((b) => b.name);
  if (spec.groups !== undefined) return Object.keys(spec.groups);
  return (spec.values ?? []).map(String);
}

function placer(spec: Parsed): (attributes: Readonly<Record<string, unknown>>) => Placement {
  if (spec.kind === 'region') {
    const same = (a: unknown, b: string | undefined) =>
      typeof a === 'string' && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
    return (attributes) => {
      const country = attributes['country'];
      if (country === undefined || country === null || country === '') return { reason: 'missing' };
      if (!same(country, spec.home.country)) return 'international';
      return same(attributes[spec.localBy], spec.home[spec.localBy]) ? 'local' : 'domestic';
    };
  }
  if (spec.kind === 'bins') {
    return (attributes) => {
      const value = attributes[spec.attribute];
      if (value === undefined || value === null) return { reason: 'missing' };
      if (typeof value !== 'number' || !Number.isFinite(value)) return { value, reason: 'not-a-number' };
      return spec.bins.find((b) => b.below === undefined || value < b.below)!.name;
    };
  }
  const lookup = new Map<unknown, string>();
  for (const [group, values] of Object.entries(spec.groups ?? {}))
    for (const v of values) lookup.set(v, group);
  for (const v of spec.values ?? []) lookup.set(v, String(v));
  const open = lookup.size === 0;
  return (attributes) => {
    const value = attributes[spec.attribute];
    if (value === undefined || value === null || value === '') return { reason: 'missing' };
    const segment = lookup.get(value);
    if (segment !== undefined) return segment;
    return open ? String(value) : { value, reason: 'unexpected' };
  };
}
