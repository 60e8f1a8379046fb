import { createHash } from 'node:crypto';
import type { LogEvent } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../src/index';
import { actors, ada, collect, setup } from './fixtures';

async function trail() {
  const { storage, crm, admin, clock } = setup();
  await crm.customers.create(ada);
  clock.advance({ minutes: 1 });
  await crm.withAccess(actors.support).customers.get('c1');
  await crm
    .withAccess(actors.analyst)
    .exportSubject('c1')
    .catch(() => undefined);
  await admin.customers.get('c1');
  return { events: await collect(storage.events.read('privacy.audit')), admin };
}

const edit = (event: LogEvent, data: Record<string, unknown>): LogEvent => ({
  ...event,
  data: { ...(event.data as Record<string, never>), ...data } as LogEvent['data'],
});

describe('audit hash chain', () => {
  it('chains SHA-256 hashes from 64 zeros, hand-checkable', async () => {
    const { events } = await trail();
    expect(events.map((e) => e.type)).toEqual([
      'customer.create',
      'customer.read',
      'subject.export',
      'customer.read',
    ]);
    const first = events[0]!.data as Record<string, unknown>;
    const { prev, hash, ...entry } = first;
    expect(prev).toBe('0'.repeat(64));
    // hash = sha256(prev \n sequence \n canonical JSON of the entry with sorted keys)
    const sorted = JSON.stringify(
      Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : 1))),
    );
    expect(hash).toBe(createHash('sha256').update(`${prev}\n1\n${sorted}`).digest('hex'));
    expect(await verifyAuditChain(events)).toEqual({
      valid: true,
      records: 4,
      head: (events[3]!.data as { hash: string }).hash,
    });
  });

  it('detects an edited, removed, reordered or inserted record', async () => {
    const { events } = await trail();
    const edited = [...events];
    edited[1] = edit(events[1]!, { fields: ['email'] });
    expect(await verifyAuditChain(edited)).toEqual({
      valid: false,
      records: 1,
      sequence: 2,
      reason: 'hash does not match the entry',
    });

    const removed = [events[0]!, ...events.slice(2)];
    expect(await verifyAuditChain(removed)).toMatchObject({
      valid: false,
      sequence: 3,
      reason: 'expected sequence 2',
    });

    const renumbered = removed.map((e, i) => ({ ...e, sequence: i + 1 }));
    expect(await verifyAuditChain(renumbered)).toMatchObject({
      valid: false,
      sequence: 2,
      reason: 'prev does not match the previous hash',
    });

    const swapped = [events[0]!, { ...events[2]!, sequence: 2 }, { ...events[1]!, sequence: 3 }, events[3]!];
    expect(await verifyAuditChain(swapped)).toMatchObject({ valid: false, sequence: 2 });

    // Re-hashing an edited record is not enough: the next record's prev no longer matches.
    const data = events[1]!.data as Record<string, unknown>;
    const forged = edit(events[1]!, { actorId: 'someone-else', hash: 'f'.repeat(64) });
    expect(await verifyAuditChain([events[0]!, forged, ...events.slice(2)])).toMatchObject({
      valid: false,
      sequence: 2,
    });
    expect(data['actorId']).toBe('u-support');

    expect(await verifyAuditChain([edit(events[0]!, { prev: undefined })])).toMatchObject({
      valid: false,
      reason: 'prev or hash missing',
    });
  });

  it('queries by customer, actor, action and time, and records denials', async () => {
    const { admin } = await trail();
    const denied = await collect(admin.audit.query({ actorId: 'u-analyst' }));
    expect(denied).toMatchObject([
      { action: 'subject.export', outcome: 'denied', reason: 'needs capability subject.export' },
    ]);
    expect(await collect(admin.audit.query({ action: 'customer.read' }))).toHaveLength(2);
    expect(await collect(admin.audit.query({ from: new Date('2026-03-01T10:01:00Z') }))).toHaveLength(3);
    expect(await collect(admin.audit.query({ to: new Date('2026-03-01T10:01:00Z') }))).toHaveLength(1);
    expect(await collect(admin.audit.query({ customerId: 'nobody' }))).toEqual([]);
  });
});
