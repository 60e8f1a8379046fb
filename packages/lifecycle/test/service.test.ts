import {
  AlreadyExistsError,
  createManualClock,
  createMemoryStorage,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  createLifecycleService,
  customerJourney,
  type HistoryEntry,
  replay,
  serviceTicket,
} from '../src/index';

const setup = (start = '2026-01-01T00:00:00Z') => {
  const clock = createManualClock(start);
  const storage = createMemoryStorage();
  const journey = createLifecycleService({ machine: customerJourney(), storage, clock });
  return { clock, storage, journey };
};

const collect = async <T>(items: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

describe('createLifecycleService', () => {
  it('starts, sends events and keeps a full history (who, what, when, why)', async () => {
    const { clock, journey } = setup();
    const started = await journey.start('c1', { by: 'import' });
    expect(started).toEqual({
      id: 'c1',
      state: 'prospect',
      since: new Date('2026-01-01T00:00:00Z'),
      version: 1,
      sequence: 1,
    });

    clock.advance({ days: 3 });
    const first = await journey.send(
      'c1',
      { type: 'order.placed', orderId: 'o1' },
      { orderCount: 1, lastOrderAt: '2026-01-04T00:00:00Z' },
      { by: 'shop', reason: 'checkout' },
    );
    expect(first.entity).toMatchObject({
      state: 'new',
      version: 2,
      sequence: 2,
      since: new Date('2026-01-04T00:00:00Z'),
    });
    expect(first.result.effects.map((e) => e.type)).toEqual(['journey.welcome']);

    clock.advance({ days: 1 });
    const ignored = await journey.send('c1', { type: 'order.placed' }, { orderCount: 1 });
    expect(ignored.result.taken).toBe(false);
    expect(ignored.entry).toBeUndefined();
    // the new context is kept (for timers) without a history entry
    expect(ignored.entity).toMatchObject({ version: 3, sequence: 2, context: { orderCount: 1 } });
    const same = await journey.send('c1', { type: 'order.placed' });
    expect(same.entity.version).toBe(3);

    const history = await collect(journey.history('c1'));
    expect(history).toEqual([
      {
        sequence: 1,
        at: '2026-01-01T00:00:00.000Z',
        from: null,
        to: 'prospect',
        trigger: { kind: 'start' },
        by: 'import',
        explanation: 'started in prospect',
        effects: [],
      },
      {
        sequence: 2,
        at: '2026-01-04T00:00:00.000Z',
        from: 'prospect',
        to: 'new',
        trigger: { kind: 'event', event: { type: 'order.placed', orderId: 'o1' } },
        context: { orderCount: 1, lastOrderAt: '2026-01-04T00:00:00Z' },
        by: 'shop',
        reason: 'checkout',
        explanation: 'prospect → new on order.placed (transition 0: no guard)',
        effects: [{ type: 'journey.welcome', phase: 'entry', state: 'new' }],
      },
    ]);
  });

  it('rejects a second start, unknown entities and bad input, writing nothing', async () => {
    const { journey, storage } = setup();
    await journey.start('c1');
    await expect(journey.start('c1')).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(journey.send('nobody', { type: 'order.placed' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(journey.send('c1', { type: 'refund' } as never)).rejects.toThrow(/"refund" is not an event/);
    await expect(journey.send('c1', { type: 'order.placed', at: new Date() } as never)).rejects.toMatchObject(
      {
        code: 'VALIDATION',
        issues: [expect.objectContaining({ path: ['at'] })],
      },
    );
    await expect(journey.send('c1', { type: 'order.placed' }, { n: Number.NaN })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(journey.send(' c1', { type: 'order.placed' })).rejects.toBeInstanceOf(ValidationError);
    await expect(
      journey.send('c1', { type: 'order.placed' }, {}, { expectedVersion: 0 }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(journey.tick({ batchSize: 0 })).rejects.toBeInstanceOf(ValidationError);
    expect(await storage.events.lastSequence('lifecycle:customer-journey:c1')).toBe(1);
    expect((await journey.get('c1'))?.version).toBe(1);
    expect(await journey.get('c2')).toBeUndefined();
  });

  it('validates its options', () => {
    const storage = createMemoryStorage();
    const clock = createManualClock('2026-01-01T00:00:00Z');
    expect(() => createLifecycleService({ machine: {} as never, storage, clock })).toThrow(
      /machine: must be a machine made by createMachine/,
    );
    expect(() => createLifecycleService({ machine: customerJourney(), storage: {} as never, clock })).toThrow(
      /storage: must be a Storage/,
    );
    expect(() =>
      createLifecycleService({ machine: customerJourney(), storage, clock: Date as never }),
    ).toThrow(/clock: must be a Clock/);
    expect(() =>
      createLifecycleService({ machine: customerJourney(), storage, clock, namespace: ' x' }),
    ).toThrow(ValidationError);
  });

  it('lets only one of two concurrent events apply to the same version', async () => {
    const { journey } = setup();
    await journey.start('c1');
    const results = await Promise.allSettled([
      journey.send('c1', { type: 'lead.captured' }),
      journey.send('c1', { type: 'order.placed' }, { orderCount: 1 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
    const stored = await journey.get('c1');
    expect(stored).toMatchObject({ state: 'intent', version: 2, sequence: 2 });
    expect((await collect(journey.history('c1'))).map((e) => e.to)).toEqual(['prospect', 'intent']);
    // a retry on the fresh state applies
    const retried = await journey.send(
      'c1',
      { type: 'order.placed' },
      { orderCount: 1 },
      { expectedVersion: 2 },
    );
    expect(retried.entity.state).toBe('new');
    await expect(
      journey.send('c1', { type: 'order.placed' }, { orderCount: 2 }, { expectedVersion: 2 }),
    ).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('writes the state and the history together or not at all', async () => {
    const { journey, storage, clock } = setup();
    await journey.start('c1');
    // someone else appended to the history stream: the send conflicts and the state is left as it was
    await storage.events.append('lifecycle:customer-journey:c1', [
      { id: 'rogue', type: 'lifecycle.transition', data: {}, occurredAt: clock.now() },
    ]);
    await expect(journey.send('c1', { type: 'lead.captured' })).rejects.toBeInstanceOf(VersionConflictError);
    expect(await journey.get('c1')).toMatchObject({ state: 'prospect', version: 1 });
  });

  it('ticks due timers for every entity in bulk, at exact boundaries, and replays to the same state', async () => {
    const { journey, clock } = setup('2026-01-01T00:00:00Z');
    const lastOrderAt = '2026-01-01T00:00:00Z';
    for (const id of ['a', 'b', 'c']) {
      await journey.start(id);
      await journey.send(id, { type: 'order.placed' }, { orderCount: 2, totalSpend: 90, lastOrderAt });
      await journey.send(id, { type: 'order.placed' }, { orderCount: 2, totalSpend: 90, lastOrderAt });
    }
    await journey.send(
      'c',
      { type: 'order.placed' },
      { orderCount: 3, totalSpend: 120, lastOrderAt: '2026-03-01T00:00:00Z' },
    );
    expect((await journey.get('a'))?.state).toBe('active');

    clock.set('2026-03-31T23:59:59Z');
    expect(await journey.tick()).toMatchObject({ scanned: 3, advanced: 0, transitions: 0, conflicts: 0 });
    clock.set('2026-04-01T00:00:00Z');
    const advanced: string[] = [];
    const summary = await journey.tick({
      by: 'scheduler',
      onAdvanced: (e, entries) => void advanced.push(`${e.id}:${entries.map((x) => x.to).join('>')}`),
    });
    expect(summary).toEqual({
      now: new Date('2026-04-01T00:00:00Z'),
      scanned: 3,
      advanced: 2,
      transitions: 2,
      conflicts: 0,
    });
    expect(advanced).toEqual(['a:atRisk', 'b:atRisk']);

    clock.set('2027-01-01T00:00:00Z');
    expect(await journey.tick()).toMatchObject({ advanced: 3, transitions: 4 });
    const c = await journey.get('c');
    expect(c).toMatchObject({ state: 'churned', since: new Date('2026-08-28T00:00:00Z') });
    const timerEntries = (await collect(journey.history('c'))).filter((e) => e.trigger.kind === 'timer');
    expect(timerEntries.map((e) => [e.to, e.at, e.explanation])).toEqual([
      [
        'atRisk',
        '2026-05-30T00:00:00.000Z',
        'active → atRisk: timer inactive after 90 days from context.lastOrderAt (2026-03-01T00:00:00.000Z): due 2026-05-30T00:00:00.000Z',
      ],
      [
        'churned',
        '2026-08-28T00:00:00.000Z',
        'atRisk → churned: timer lapsed after 180 days from context.lastOrderAt (2026-03-01T00:00:00.000Z): due 2026-08-28T00:00:00.000Z',
      ],
    ]);

    for (const id of ['a', 'b', 'c']) {
      const rebuilt = await journey.replay(id);
      expect(rebuilt.matches).toBe(true);
      expect(rebuilt.state).toBe('churned');
    }
  });

  it('counts a tick conflict and leaves the entity to the next tick', async () => {
    const { journey, clock } = setup();
    await journey.start('c1', { context: { lastOrderAt: '2026-01-01T00:00:00Z' } });
    await journey.send(
      'c1',
      { type: 'order.placed' },
      { orderCount: 1, lastOrderAt: '2026-01-01T00:00:00Z' },
    );
    clock.set('2026-05-01T00:00:00Z');
    const summary = await journey.tick({
      context: async (entity) => {
        // another writer moves the entity while the tick is deciding
        await journey.send(
          entity.id,
          { type: 'order.placed' },
          { orderCount: 2, lastOrderAt: '2026-04-30T00:00:00Z' },
        );
        return { lastOrderAt: '2026-01-01T00:00:00Z' };
      },
    });
    expect(summary).toMatchObject({ scanned: 1, advanced: 0, conflicts: 1 });
    expect((await journey.get('c1'))?.state).toBe('active');
    expect((await journey.replay('c1')).matches).toBe(true);
  });

  it('streams over many entities with bounded batches', async () => {
    const clock = createManualClock('2026-03-02T09:00:00Z');
    const tickets = createLifecycleService({
      machine: serviceTicket(),
      storage: createMemoryStorage(),
      clock,
    });
    for (let i = 0; i < 600; i++) {
      await tickets.start(`t${String(i).padStart(4, '0')}`, { context: { level: (i % 3) + 1 } });
    }
    clock.advance({ minutes: 15 });
    expect(await tickets.tick({ batchSize: 50 })).toMatchObject({
      scanned: 600,
      advanced: 200,
      transitions: 200,
    });
    clock.advance({ hours: 24 });
    expect(await tickets.tick({ batchSize: 50 })).toMatchObject({ scanned: 600, advanced: 200 });
    const t1 = await collect(tickets.history('t0001'));
    expect(t1.at(-1)?.effects).toEqual([
      { type: 'sla.breached', params: { sla: 'response', level: 2 }, phase: 'transition', state: 'opened' },
      { type: 'ticket.escalate', phase: 'entry', state: 'responseOverdue' },
    ]);
    expect(t1.at(-1)?.at).toBe('2026-03-03T09:00:00.000Z');
  }, 30_000);
});

describe('replay', () => {
  const machine = customerJourney();
  const entries: HistoryEntry[] = [
    {
      sequence: 1,
      at: '2026-01-01T00:00:00.000Z',
      from: null,
      to: 'prospect',
      trigger: { kind: 'start' },
      explanation: '',
      effects: [],
    },
    {
      sequence: 2,
      at: '2026-01-02T00:00:00.000Z',
      from: 'prospect',
      to: 'new',
      trigger: { kind: 'event', event: { type: 'order.placed' } },
      context: { orderCount: 1 },
      explanation: '',
      effects: [],
    },
    {
      sequence: 3,
      at: '2026-01-03T00:00:00.000Z',
      from: 'new',
      to: 'active',
      trigger: { kind: 'event', event: { type: 'order.placed' } },
      context: { orderCount: 2 },
      explanation: '',
      effects: [],
    },
    {
      sequence: 4,
      at: '2026-04-03T00:00:00.000Z',
      from: 'active',
      to: 'atRisk',
      trigger: { kind: 'timer', timer: 'inactive', dueAt: '2026-04-03T00:00:00.000Z' },
      explanation: '',
      effects: [],
    },
  ];

  it('rebuilds the state from events and timers', () => {
    expect(replay(machine, entries)).toEqual({
      state: 'atRisk',
      since: new Date('2026-04-03T00:00:00Z'),
      divergences: [],
    });
  });

  it('reports where a history disagrees with the machine', () => {
    const tampered = entries.map((e) => (e.sequence === 3 ? { ...e, context: { orderCount: 1 } } : e));
    expect(replay(machine, tampered).divergences).toEqual([
      { sequence: 3, recorded: 'active', replayed: 'new' },
    ]);
  });

  it('validates the history', () => {
    expect(() => replay(machine, [])).toThrow(/must hold at least the start entry/);
    expect(() => replay(machine, entries.slice(1))).toThrow(/the first entry must be the start/);
    expect(() => replay(machine, [entries[0], entries[0]])).toThrow(
      /1\.sequence: must be greater than the previous entry/,
    );
    expect(() => replay(machine, [{ ...entries[0], at: 'yesterday' }])).toThrow(ValidationError);
  });
});
