import { createManualClock, createMemoryStorage, NotFoundError } from '@crmkit/core';
import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, createCrm, createTestHost } from '../src/index';
import { order, recorder } from './fixtures';

describe('event delivery', () => {
  it('delivers every event once, in order, with the event id as idempotency key', async () => {
    const a = recorder('a');
    const host = await createTestHost({ plugins: [a.plugin()] });
    await host.crm.recordOrder(order('o1', 'c1'));
    await host.crm.recordOrder(order('o2', 'c2'));
    await host.crm.recordOrder(order('o3', 'c1'));
    expect(a.seen.map((s) => s.orderId)).toEqual(['o1', 'o2', 'o3']);
    expect(a.seen.map((s) => s.key)).toEqual(['evt-1', 'evt-2', 'evt-3']);
    expect(host.crm.deliveryStatus()).toEqual([{ plugin: 'a', cursor: 3, waiting: 0 }]);
  });

  it('isolates a throwing plugin, retries it with backoff and keeps its customer in order', async () => {
    let broken = true;
    const flaky = recorder('flaky', (id) => broken && id === 'o1');
    const healthy = recorder('healthy');
    const host = await createTestHost({
      plugins: [flaky.plugin(), healthy.plugin()],
      retry: { maxAttempts: 4, initialDelayMs: 1000, factor: 2 },
    });
    await host.crm.recordOrder(order('o1', 'c1')); // flaky fails
    await host.crm.recordOrder(order('o2', 'c1')); // waits behind o1 for flaky
    await host.crm.recordOrder(order('o3', 'c2')); // other customer: not blocked
    expect(healthy.seen.map((s) => s.orderId)).toEqual(['o1', 'o2', 'o3']);
    expect(flaky.seen.map((s) => s.orderId)).toEqual(['o3']);
    expect(host.crm.deliveryStatus()[0]).toMatchObject({
      plugin: 'flaky',
      waiting: 2,
      nextRetryAt: new Date('2026-01-01T00:00:01Z'),
    });

    await host.advance(999); // not due yet
    expect(flaky.seen).toHaveLength(1);
    await host.advance(1); // attempt 2 fails again, next in 2 s
    expect(host.crm.deliveryStatus()[0]?.nextRetryAt).toEqual(new Date('2026-01-01T00:00:03Z'));
    broken = false;
    await host.advance(2000); // attempt 3 succeeds, o2 follows
    expect(flaky.seen.map((s) => [s.orderId, s.attempt])).toEqual([
      ['o3', 1],
      ['o1', 3],
      ['o2', 1],
    ]);
    expect(host.crm.deliveryStatus()[0]).toEqual({ plugin: 'flaky', cursor: 3, waiting: 0 });
    expect(host.logger.entries.filter((e) => e.level === 'warn')).toHaveLength(2);
  });

  it('moves an event to the dead-letter list after maxAttempts, goes on, and replays it', async () => {
    let broken = true;
    const p = recorder('p', (id) => broken && id === 'o1');
    const host = await createTestHost({
      plugins: [p.plugin()],
      retry: { maxAttempts: 3, initialDelayMs: 100 },
    });
    await host.crm.recordOrder(order('o1', 'c1'));
    await host.crm.recordOrder(order('o2', 'c1'));
    await host.advance(100);
    await host.advance(200); // third attempt fails: dead letter, o2 is delivered
    expect(p.seen.map((s) => s.orderId)).toEqual(['o2']);
    const [dl, ...rest] = await host.crm.deadLetters.list();
    expect(rest).toEqual([]);
    expect(dl).toMatchObject({
      id: 'p:1',
      plugin: 'p',
      eventId: 'evt-1',
      type: 'order.placed',
      customerId: 'c1',
      attempts: 3,
      error: 'p failed on o1',
      failedAt: new Date('2026-01-01T00:00:00.300Z'),
    });
    expect(await host.crm.deadLetters.list({ plugin: 'other' })).toEqual([]);
    broken = false;
    await host.crm.deadLetters.replay('p:1');
    expect(p.seen.map((s) => s.orderId)).toEqual(['o2', 'o1']);
    expect(await host.crm.deadLetters.list()).toEqual([]);
  });

  it('replayAll and discard', async () => {
    let broken = true;
    const p = recorder('p', () => broken);
    const host = await createTestHost({ plugins: [p.plugin()], retry: { maxAttempts: 1 } });
    await host.crm.recordOrder(order('o1', 'c1'));
    await host.crm.recordOrder(order('o2', 'c2'));
    await host.crm.recordOrder(order('o3', 'c3'));
    expect((await host.crm.deadLetters.list()).map((d) => d.id)).toEqual(['p:1', 'p:2', 'p:3']);
    await host.crm.deadLetters.discard('p:2');
    broken = false;
    expect(await host.crm.deadLetters.replayAll()).toBe(2);
    expect(p.seen.map((s) => s.orderId)).toEqual(['o1', 'o3']);
  });

  it('resumes after a restart: pending events and waiting retries survive on the storage', async () => {
    const storage = createMemoryStorage();
    let broken = true;
    const first = recorder('p', (id) => broken && id === 'o1');
    const host = await createTestHost({ storage, plugins: [first.plugin()] });
    await host.crm.recordOrder(order('o1', 'c1')); // fails, waits for retry
    await host.crm.recordOrder(order('o2', 'c1')); // queued behind
    await host.crm.recordOrder(order('o3', 'c2')); // delivered
    expect(first.seen.map((s) => s.orderId)).toEqual(['o3']);

    // the process dies; a new one starts on the same storage with the fixed plugin
    broken = false;
    const second = recorder('p');
    const restarted = await host.restart({ plugins: [second.plugin()] });
    expect(second.seen).toEqual([]); // retry not due yet
    await restarted.advance(1000);
    expect(second.seen.map((s) => [s.orderId, s.attempt])).toEqual([
      ['o1', 2],
      ['o2', 1],
    ]);
  });

  it('computes exponential backoff capped at maxDelayMs', () => {
    const policy = { maxAttempts: 9, initialDelayMs: 1000, factor: 3, maxDelayMs: 20_000 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n))).toEqual([1000, 3000, 9000, 20_000]);
  });
});

describe('restart mid-stream', () => {
  it('delivers on start what a crashed host stored but never delivered', async () => {
    const storage = createMemoryStorage();
    const before = recorder('p');
    const host = await createTestHost({ storage, plugins: [before.plugin()], delivery: 'manual' });
    await host.crm.recordOrder(order('o1', 'c1'));
    await host.crm.recordOrder(order('o2', 'c2'));
    await host.crm.recordOrder(order('o3', 'c1'));
    expect(before.seen).toEqual([]); // stored in the outbox, not delivered yet: the process dies here

    const after = recorder('p');
    await host.restart({ plugins: [after.plugin()] });
    expect(after.seen.map((s) => s.orderId)).toEqual(['o1', 'o2', 'o3']);
    expect(after.seen.map((s) => s.key)).toEqual(['evt-1', 'evt-2', 'evt-3']);
  });

  it('redelivers an event whose handler ran but whose progress was not saved (at least once)', async () => {
    const storage = createMemoryStorage();
    const p = recorder('p');
    const host = await createTestHost({ storage, plugins: [p.plugin()] });
    await host.crm.recordOrder(order('o1', 'c1'));
    // simulate a crash between the handler and the saved cursor
    const saved = await storage.documents.get('crmkit.delivery', 'p');
    await storage.documents.put('crmkit.delivery', 'p', { ...(saved?.data as object), cursor: 0 });
    const again = recorder('p');
    await host.restart({ plugins: [again.plugin()] });
    expect(again.seen.map((s) => s.key)).toEqual(['evt-1']); // same idempotency key as the first delivery
    expect(p.seen.map((s) => s.key)).toEqual(['evt-1']);
  });

  it('starts a newly added plugin at the end of the outbox', async () => {
    const storage = createMemoryStorage();
    const host = await createTestHost({ storage, plugins: [] });
    await host.crm.recordOrder(order('o1', 'c1'));
    const late = recorder('late');
    const restarted = await host.restart({ plugins: [late.plugin()] });
    await restarted.crm.recordOrder(order('o2', 'c1'));
    expect(late.seen.map((s) => s.orderId)).toEqual(['o2']);
  });
});

describe('dead-letter errors', () => {
  it('replay and discard of an unknown id throw NotFoundError', async () => {
    const host = await createTestHost();
    await expect(host.crm.deadLetters.replay('p:9')).rejects.toThrow('dead letter "p:9" does not exist');
    await expect(host.crm.deadLetters.discard('p:9')).rejects.toThrow(NotFoundError);
  });
});

describe('scheduler', () => {
  it('asks the injected scheduler to wake the host when a retry falls due', async () => {
    let broken = true;
    const p = recorder('p', () => broken);
    const wakes: { delayMs: number; wake: () => void }[] = [];
    const clock = createManualClock('2026-01-01T00:00:00Z');
    const crm = await createCrm({
      clock,
      plugins: [p.plugin()],
      retry: { initialDelayMs: 500 },
      scheduler: { schedule: (delayMs, wake) => void wakes.push({ delayMs, wake }) },
    });
    await crm.recordOrder(order('o1', 'c1'));
    expect(wakes.map((w) => w.delayMs)).toEqual([500]);
    broken = false;
    clock.advance(500);
    wakes[0]?.wake();
    await crm.drain();
    await vi.waitFor(() => expect(p.seen.map((s) => s.orderId)).toEqual(['o1']));
  });
});
