import { createHash } from 'node:crypto';
import {
  type Clock,
  type EventLog,
  isCrmError,
  type JsonValue,
  JsonValueSchema,
  type LogEvent,
  parseWith,
} from '@crmkit/core';
import { z } from 'zod';
import { canonicalJson } from './canonical';

/**
 * One audit event as written: who (`actorId`, `actorKind`), what (`action`,
 * `outcome`, `fields` — paths only, never values), about whom
 * (`customerId`), why (`purpose`, `reason`) and when (`at`, ISO 8601).
 *
 * @example
 * ```ts
 * AuditEntrySchema.parse({ actorId: 'u1', actorKind: 'user', action: 'customer.read', outcome: 'allowed',
 *   customerId: 'c1', fields: ['email'], at: '2026-03-01T10:00:00.000Z' });
 * ```
 */
export const AuditEntrySchema = z
  .object({
    actorId: z.string().min(1),
    actorKind: z.enum(['user', 'plugin', 'system']),
    action: z.string().min(1),
    outcome: z.enum(['allowed', 'denied']),
    customerId: z.string().min(1).optional(),
    fields: z.array(z.string()).default([]),
    purpose: z.string().min(1).optional(),
    reason: z.string().min(1).optional(),
    details: z.record(z.string(), JsonValueSchema).optional(),
    at: z.iso.datetime(),
  })
  .strict();

/**
 * An audit event (see {@link AuditEntrySchema}).
 *
 * @example
 * ```ts
 * const e: AuditEntry = { actorId: 'u1', actorKind: 'user', action: 'customer.read', outcome: 'allowed', fields: [], at: '2026-03-01T10:00:00.000Z' };
 * ```
 */
export type AuditEntry = z.output<typeof AuditEntrySchema>;

/**
 * An audit event to append; `at` comes from the trail's clock.
 *
 * @example
 * ```ts
 * const e: NewAuditEntry = { actorId: 'u1', actorKind: 'user', action: 'subject.export', outcome: 'allowed', customerId: 'c1' };
 * ```
 */
export type NewAuditEntry = Omit<z.input<typeof AuditEntrySchema>, 'at'>;

/**
 * An audit event as stored: the entry, its position in the trail
 * (`sequence`, from 1), the previous event's hash (`prev`, 64 zeros for the
 * first) and its own hash: SHA-256 over `prev`, `sequence` and the entry.
 *
 * @example
 * ```ts
 * for await (const r of crm.audit.query({ customerId: 'c1' })) console.log(r.sequence, r.action, r.hash);
 * ```
 */
export interface AuditRecord extends AuditEntry {
  /** 1, 2, 3, … in the trail. */
  readonly sequence: number;
  /** Hash of the previous record. */
  readonly prev: string;
  /** SHA-256 of this record, chained to `prev`. */
  readonly hash: string;
}

/**
 * Filters of {@link AuditTrail.query}: by customer, actor, action and a
 * time window (`from` inclusive, `to` exclusive).
 *
 * @example
 * ```ts
 * const query: AuditQuery = { actorId: 'plugin:mailer', from: new Date('2026-03-01') };
 * ```
 */
export interface AuditQuery {
  /** Only events about this customer. */
  readonly customerId?: string;
  /** Only events by this actor. */
  readonly actorId?: string;
  /** Only this action. */
  readonly action?: string;
  /** At or after. */
  readonly from?: Date;
  /** Before. */
  readonly to?: Date;
}

/**
 * The result of {@link verifyAuditChain}: valid with the number of records
 * and the head hash, or the first sequence where the chain breaks and why.
 *
 * @example
 * ```ts
 * const result = await crm.audit.verify();
 * if (!result.valid) alarm(result.sequence, result.reason);
 * ```
 */
export type AuditVerification =
  | { readonly valid: true; readonly records: number; readonly head: string }
  | { readonly valid: false; readonly records: number; readonly sequence: number; readonly reason: string };

const GENESIS = '0'.repeat(64);

function hashOf(prev: string, sequence: number, entry: AuditEntry): string {
  return createHash('sha256')
    .update(`${prev}\n${sequence}\n${canonicalJson(entry)}`, 'utf8')
    .digest('hex');
}

function toRecord(event: LogEvent): AuditRecord | string {
  const data = event.data as Record<string, JsonValue>;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'payload is not an object';
  const { prev, hash, ...rest } = data;
  if (typeof prev !== 'string' || typeof hash !== 'string') return 'prev or hash missing';
  const parsed = AuditEntrySchema.safeParse(rest);
  if (!parsed.success) return `entry does not parse: ${parsed.error.issues[0]?.message ?? ''}`;
  return { ...parsed.data, sequence: event.sequence, prev, hash };
}

/**
 * Checks a trail's hash chain: consecutive sequences from 1, each `prev`
 * equal to the previous hash, each hash recomputed from its entry. Any
 * edited, removed, reordered or inserted record breaks it.
 *
 * @example
 * ```ts
 * const result = await verifyAuditChain(storage.events.read('privacy.audit'));
 * result.valid; // true
 * ```
 */
export async function verifyAuditChain(
  events: AsyncIterable<LogEvent> | Iterable<LogEvent>,
): Promise<AuditVerification> {
  let prev = GENESIS;
  let expected = 1;
  for await (const event of events) {
    const broken = (reason: string): AuditVerification => ({
      valid: false,
      records: expected - 1,
      sequence: event.sequence,
      reason,
    });
    if (event.sequence !== expected) return broken(`expected sequence ${expected}`);
    const record = toRecord(event);
    if (typeof record === 'string') return broken(record);
    if (record.prev !== prev) return broken('prev does not match the previous hash');
    const { sequence, prev: _prev, hash, ...entry } = record;
    if (hashOf(prev, sequence, entry) !== hash) return broken('hash does not match the entry');
    prev = hash;
    expected += 1;
  }
  return { valid: true, records: expected - 1, head: prev };
}

/**
 * The append-only audit trail, kept as one event stream in the storage's
 * event log. Obtained from {@link ProtectedStorage.audit}.
 *
 * @example
 * ```ts
 * for await (const r of crm.audit.query({ customerId: 'c1' })) console.log(r.at, r.actorId, r.action, r.fields);
 * (await crm.audit.verify()).valid; // true
 * ```
 */
export interface AuditTrail {
  /** The event stream holding the trail. */
  readonly stream: string;
  /** Streams the records matching the query, oldest first. */
  query(query?: AuditQuery): AsyncIterable<AuditRecord>;
  /** Verifies the hash chain of the whole trail. */
  verify(): Promise<AuditVerification>;
}

/** Appends to a trail, keeping the hash chain; shared by every view of one protected storage. */
export class AuditWriter {
  private head = { sequence: 0, hash: GENESIS };

  constructor(
    readonly stream: string,
    private readonly clock: Clock,
    private readonly nextId: () => string,
  ) {}

  async append(events: EventLog, entries: readonly NewAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const at = this.clock.now().toISOString();
    const parsed = entries.map((e) => parseWith(AuditEntrySchema, 'audit entry', { ...e, at }));
    for (let attempt = 0; ; attempt++) {
      const start = this.head;
      let { sequence, hash } = start;
      const batch = parsed.map((entry) => {
        sequence += 1;
        const prev = hash;
        hash = hashOf(prev, sequence, entry);
        return {
          id: this.nextId(),
          type: entry.action,
          occurredAt: new Date(at),
          data: { ...entry, prev, hash } as JsonValue,
        };
      });
      try {
        await events.append(this.stream, batch, { expectedSequence: start.sequence });
        this.head = { sequence, hash };
        return;
      } catch (error) {
        if (!isCrmError(error, 'VERSION_CONFLICT') || attempt >= 100) throw error;
        await this.resync(events);
      }
    }
  }

  private async resync(events: EventLog): Promise<void> {
    const last = await events.lastSequence(this.stream);
    if (last === 0) {
      this.head = { sequence: 0, hash: GENESIS };
      return;
    }
    for await (const event of events.read(this.stream, { fromSequence: last })) {
      const data = event.data as Record<string, JsonValue>;
      this.head = { sequence: event.sequence, hash: String(data['hash']) };
    }
  }

  trail(events: EventLog): AuditTrail {
    const stream = this.stream;
    return {
      stream,
      async *query(query = {}) {
        for await (const event of events.read(stream)) {
          const record = toRecord(event);
          if (typeof record === 'string') continue;
          if (query.customerId !== undefined && record.customerId !== query.customerId) continue;
          if (query.actorId !== undefined && record.actorId !== query.actorId) continue;
          if (query.action !== undefined && record.action !== query.action) continue;
          if (query.from !== undefined && event.occurredAt < query.from) continue;
          if (query.to !== undefined && event.occurredAt >= query.to) continue;
          yield record;
        }
      },
      verify: () => verifyAuditChain(events.read(stream)),
    };
  }
}
