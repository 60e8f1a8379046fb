import { type JsonValue, NotFoundError } from '@crmkit/core';
import { type Ctx, entry, PLAIN_VIEW, record, requireCapability } from './context';
import { openCustomer } from './customers';
import { openInteraction } from './interactions';

/**
 * Everything crmkit holds about one customer, as JSON (the right of access
 * and data portability): the decrypted customer with its consent records,
 * orders, interactions, the configured documents and event streams, and the
 * audit events about the customer.
 *
 * @example
 * ```ts
 * const data: SubjectExport = await crm.exportSubject('c1');
 * writeFileSync('c1.json', JSON.stringify(data, null, 2));
 * ```
 */
export interface SubjectExport {
  /** Format tag of this document. */
  readonly format: 'crmkit.subject-export/1';
  /** The customer exported. */
  readonly customerId: string;
  /** When (ISO 8601, from the storage's clock). */
  readonly exportedAt: string;
  /** The customer record, decrypted (without fields erased by crypto-shredding). */
  readonly customer: JsonValue;
  /** The customer's orders. */
  readonly orders: JsonValue[];
  /** The customer's interactions. */
  readonly interactions: JsonValue[];
  /** Documents with the customer's id, by collection (`subjectData.documents`). */
  readonly documents: Record<string, JsonValue>;
  /** Event streams about the customer (`subjectData.streams`), by stream. */
  readonly streams: Record<string, JsonValue[]>;
  /** The audit events about the customer. */
  readonly audit: JsonValue[];
}

const json = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue;

async function collect<T>(items: AsyncIterable<T>): Promise<JsonValue[]> {
  const out: JsonValue[] = [];
  for await (const item of items) out.push(json(item));
  return out;
}

async function collectInteractions(ctx: Ctx, customerId: string): Promise<JsonValue[]> {
  const out: JsonValue[] = [];
  for await (const value of ctx.base.interactions.list({ customerId })) {
    const opened = await openInteraction(ctx.core, ctx.base, { value, version: 0 }, PLAIN_VIEW);
    if (opened !== undefined) out.push(json(opened.value));
  }
  return out;
}

/** Builds a subject export (see {@link SubjectExport}); needs `subject.export`. */
export async function exportSubject(ctx: Ctx, id: string): Promise<SubjectExport> {
  await requireCapability(ctx, 'subject.export', 'subject.export', id);
  const { core, base } = ctx;
  const row = await base.customers.get(id);
  if (row === undefined) throw new NotFoundError('customer', id);
  const opened = await openCustomer(core, base, row, PLAIN_VIEW);
  const documents: Record<string, JsonValue> = {};
  for (const collection of core.subjectDocuments) {
    const doc = await base.documents.get(collection, id);
    if (doc !== undefined) documents[collection] = json(doc.data);
  }
  const streams: Record<string, JsonValue[]> = {};
  for (const stream of core.subjectStreams(id)) streams[stream] = await collect(base.events.read(stream));
  const audit = await collect(core.audit.trail(base.events).query({ customerId: id }));
  const result: SubjectExport = {
    format: 'crmkit.subject-export/1',
    customerId: id,
    exportedAt: core.clock.now().toISOString(),
    customer: json(opened?.revealed.customer ?? null),
    orders: await collect(base.orders.list({ customerId: id })),
    interactions: await collectInteractions(ctx, id),
    documents,
    streams,
    audit,
  };
  await record(ctx, [entry(ctx, 'subject.export', opened?.revealed.plain ?? [], { customerId: id })]);
  return result;
}
