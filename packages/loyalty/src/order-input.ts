import {
  IdSchema,
  isCurrencyCode,
  Money,
  type Order,
  OrderSchema,
  parseWith,
  ValidationError,
  type ValidationIssue,
} from '@crmkit/core';
import { z } from 'zod';

/**
 * Input of {@link LoyaltyProgram.recordOrder}: the order (as core's
 * `OrderSchema` accepts it; the member is `order.customerId`), optional
 * customer facts for the conditions (birthday, attributes, tags…), the
 * member's segment, the skus the store discounted, and an idempotency key
 * (default `order.id`).
 *
 * @example
 * ```ts
 * RecordOrderInputSchema.parse({ order: orderJson, customer: { birthday: '1990-03-08' }, segment: 'vip' });
 * ```
 */
export const RecordOrderInputSchema = z
  .object({
    order: OrderSchema,
    customer: z.record(z.string(), z.unknown()).optional(),
    segment: z.string().min(1).optional(),
    discountedSkus: z.array(z.string().min(1)).default([]),
    idempotencyKey: IdSchema.optional(),
  })
  .strict();

/**
 * What {@link RecordOrderInputSchema} accepts.
 *
 * @example
 * ```ts
 * const input: RecordOrderInput = { order: orderJson };
 * ```
 */
export type RecordOrderInput = z.input<typeof RecordOrderInputSchema>;

/** A checked {@link RecordOrderInput}. */
export type ParsedOrderInput = z.output<typeof RecordOrderInputSchema>;

/**
 * Parses the input of recording an order; throws `ValidationError` (naming
 * `what` and every bad field) like {@link RecordOrderInputSchema}, whose
 * result it returns. An input whose order is already an `Order` (what
 * `OrderSchema` returns: Money amounts, a `Date`, no refunds) is checked by
 * hand, rule for rule, and copied, which costs a fraction of running the
 * schema again; anything else, and anything the hand check does not accept,
 * goes through the schema.
 */
export function parseRecordOrderInput(what: string, input: unknown): ParsedOrderInput {
  return parsedInput(input) ?? parseWith(RecordOrderInputSchema, what, input);
}

/** {@link parseRecordOrderInput}, returning the issues (paths below `prefix`) instead of throwing. */
export function checkRecordOrderInput(
  input: unknown,
  prefix: readonly (string | number)[],
): { value: ParsedOrderInput } | { issues: ValidationIssue[] } {
  const fast = parsedInput(input);
  if (fast) return { value: fast };
  const result = RecordOrderInputSchema.safeParse(input);
  if (result.success) return { value: result.data };
  return {
    issues: ValidationError.fromZod('', result.error).issues.map((i) => ({
      ...i,
      path: [...prefix, ...i.path],
    })),
  };
}

const INPUT_KEYS = new Set(['order', 'customer', 'segment', 'discountedSkus', 'idempotencyKey']);
const ORDER_KEYS = new Set([
  'id',
  'customerId',
  'placedAt',
  'currency',
  'lines',
  'total',
  'channel',
  'campaignId',
  'status',
  'refunds',
]);
const LINE_KEYS = new Set(['sku', 'name', 'category', 'quantity', 'unitPrice', 'unitCost']);
const STATUSES = new Set(['placed', 'paid', 'fulfilled', 'cancelled']);
/** `IdSchema`'s rules (1 to 200 characters, no white space at either end). */
const ID_PATTERN = /^\S(?:[\s\S]*\S)?$/;

type Fields = Readonly<Record<string, unknown>>;

const isPlain = (value: unknown): value is Fields => {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};
const hasOnly = (value: Fields, keys: ReadonlySet<string>) => {
  for (const key in value) if (!keys.has(key)) return false;
  return true;
};
const isId = (v: unknown): v is string =>
  typeof v === 'string' && v.length >= 1 && v.length <= 200 && ID_PATTERN.test(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isTextList = (v: unknown): v is string[] => {
  if (!Array.isArray(v)) return false;
  // by index: `every` would skip the holes of a sparse array
  for (let i = 0; i < v.length; i++) if (!isText(v[i])) return false;
  return true;
};
const isAmount = (v: unknown, currency: string): v is Money =>
  v instanceof Money && v.currency === currency && !v.amount.isNegative();

/** The schema's result for an input it accepts whose order is a parsed `Order`; `undefined` for anything else. */
export function parsedInput(input: unknown): ParsedOrderInput | undefined {
  if (!isPlain(input) || !hasOnly(input, INPUT_KEYS)) return undefined;
  const { customer, segment, discountedSkus, idempotencyKey } = input;
  if (segment !== undefined && !isText(segment)) return undefined;
  if (idempotencyKey !== undefined && !isId(idempotencyKey)) return undefined;
  if (discountedSkus !== undefined && !isTextList(discountedSkus)) return undefined;
  const facts = customer === undefined ? undefined : customerFacts(customer);
  if (customer !== undefined && facts === undefined) return undefined;
  const order = parsedOrder(input['order']);
  if (order === undefined) return undefined;
  const out: ParsedOrderInput = { order, discountedSkus: discountedSkus ? [...discountedSkus] : [] };
  if (facts !== undefined) out.customer = facts;
  if (segment !== undefined) out.segment = segment;
  if (idempotencyKey !== undefined) out.idempotencyKey = idempotencyKey;
  return out;
}

/** A copy of customer facts as `z.record(z.string(), z.unknown())` makes it, or `undefined`. */
function customerFacts(customer: unknown): Record<string, unknown> | undefined {
  if (!isPlain(customer) || Object.getOwnPropertySymbols(customer).length > 0) return undefined;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(customer)) if (key !== '__proto__') copy[key] = customer[key];
  return copy;
}

/**
 * A copy of an order that is already what `OrderSchema` returns and passes
 * every rule of it (refunds aside: an order with refunds goes through the
 * schema), or `undefined`.
 */
function parsedOrder(order: unknown): Order | undefined {
  if (!isPlain(order) || !hasOnly(order, ORDER_KEYS)) return undefined;
  const { id, customerId, placedAt, currency, lines, total, channel, campaignId, status, refunds } = order;
  if (!isId(id) || !isId(customerId) || !isCurrencyCode(currency)) return undefined;
  if (!(placedAt instanceof Date) || Number.isNaN(placedAt.getTime())) return undefined;
  if (!isAmount(total, currency) || typeof status !== 'string' || !STATUSES.has(status)) return undefined;
  if (!Array.isArray(refunds) || refunds.length > 0) return undefined;
  if (channel !== undefined && !isText(channel)) return undefined;
  if (campaignId !== undefined && !isId(campaignId)) return undefined;
  if (!Array.isArray(lines) || lines.length === 0) return undefined;
  const copies: Order['lines'][number][] = [];
  for (const line of lines) {
    const copy = parsedLine(line, currency);
    if (copy === undefined) return undefined;
    copies.push(copy);
  }
  const out: Order = {
    id,
    customerId,
    placedAt: new Date(placedAt.getTime()),
    currency,
    lines: copies,
    total,
    status: status as Order['status'],
    refunds: [],
  };
  if (channel !== undefined) out.channel = channel;
  if (campaignId !== undefined) out.campaignId = campaignId;
  return out;
}

function parsedLine(line: unknown, currency: string): Order['lines'][number] | undefined {
  if (!isPlain(line) || !hasOnly(line, LINE_KEYS)) return undefined;
  const { sku, name, category, quantity, unitPrice, unitCost } = line;
  if (!isText(sku) || !Number.isSafeInteger(quantity) || (quantity as number) <= 0) return undefined;
  if (!isAmount(unitPrice, currency)) return undefined;
  if (unitCost !== undefined && !isAmount(unitCost, currency)) return undefined;
  if ((name !== undefined && !isText(name)) || (category !== undefined && !isText(category)))
    return undefined;
  const copy: Order['lines'][number] = { sku, quantity: quantity as number, unitPrice };
  if (name !== undefined) copy.name = name;
  if (category !== undefined) copy.category = category;
  if (unitCost !== undefined) copy.unitCost = unitCost;
  return copy;
}
