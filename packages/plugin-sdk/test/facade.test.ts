import { CrmError, Money, NotFoundError, ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestHost, definePlugin, type PluginContext } from '../src/index';
import { order, SDK_RANGE } from './fixtures';

declare module '@crmkit/core' {
  interface DomainEventMap {
    'test.thanked': { orderId: string; total: Money };
    'test.nightly': { at: Date };
  }
}

describe('the facade', () => {
  it('records customers, orders, refunds, status changes and interactions, each with its event', async () => {
    const host = await createTestHost();
    const { crm } = host;
    await crm.recordCustomer({ id: 'c1', createdAt: '2026-01-01' });
    const updated = await crm.recordCustomer({ id: 'c1', createdAt: '2026-01-01', tags: ['vip'] });
    expect(updated.tags).toEqual(['vip']);
    await crm.recordOrder(order('o1', 'c1', '20.00'));
    const refunded = await crm.recordRefund('o1', { id: 'r1', refundedAt: '2026-01-02', amount: '5.50' });
    expect(refunded.refunds.map((r) => r.amount.toString())).toEqual(['5.5 EUR']);
    await crm.setOrderStatus('o1', 'paid');
    await crm.setOrderStatus('o1', 'paid'); // no change, no event
    await crm.setOrderStatus('o1', 'cancelled');
    await crm.recordInteraction({
      type: 'survey',
      id: 'i1',
      customerId: 'c1',
      occurredAt: '2026-01-03',
      nps: 9,
    });
    expect(host.events.map((e) => [e.type, e.customerId, e.id])).toEqual([
      ['customer.created', 'c1', 'evt-1'],
      ['customer.updated', 'c1', 'evt-2'],
      ['order.placed', 'c1', 'evt-3'],
      ['order.refunded', 'c1', 'evt-4'],
      ['order.updated', 'c1', 'evt-5'],
      ['order.cancelled', 'c1', 'evt-6'],
      ['interaction.recorded', 'c1', 'evt-7'],
    ]);
    const refund = host.eventsOf('order.refunded')[0];
    expect(
      refund?.type === 'order.refunded' && refund.data.refund.amount.equals(Money.of('5.5', 'EUR')),
    ).toBe(true);
    expect(host.events[0]?.occurredAt).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it('rejects bad input with a typed error and writes nothing', async () => {
    const host = await createTestHost();
    const { crm, storage } = host;
    const bad = await crm.recordOrder({ ...order('o1', 'c1'), currency: 'XXX1' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues[0]?.path).toEqual(['currency']);
    expect(await storage.orders.count()).toBe(0);
    expect(await storage.events.lastSequence('crmkit.outbox')).toBe(0);

    await expect(crm.recordCustomer({ id: '', createdAt: 'x' })).rejects.toThrow(ValidationError);
    await crm.recordOrder(order('o1', 'c1', '10.00'));
    const tooMuch = (await crm
      .recordRefund('o1', { id: 'r1', refundedAt: '2026-01-02', amount: '11' })
      .catch((e: unknown) => e)) as ValidationError;
    expect(tooMuch).toBeInstanceOf(ValidationError);
    expect(tooMuch.message).toMatch(/^invalid refund: amount: refunds 11 exceed the total 10/);
    const early = (await crm
      .recordRefund('o1', { id: 'r1', refundedAt: '2025-12-01', amount: '1' })
      .catch((e: unknown) => e)) as ValidationError;
    expect(early.issues[0]?.path).toEqual(['refundedAt']);
    await expect(
      crm.recordRefund('nope', { id: 'r1', refundedAt: '2026-01-02', amount: '1' }),
    ).rejects.toThrow(NotFoundError);
    await expect(crm.setOrderStatus('o1', 'lost' as never)).rejects.toThrow(ValidationError);
    expect(host.events.map((e) => e.type)).toEqual(['order.placed']);
    await expect(crm.emit('Bad Type' as never, {} as never)).rejects.toThrow(ValidationError);
    expect(() => crm.on('order.placed', 42 as never)).toThrow(ValidationError);
  });

  it('makes a write with an idempotency key happen once, event included', async () => {
    const host = await createTestHost();
    const first = await host.crm.recordOrder(order('o1', 'c1'), { idempotencyKey: 'checkout-1' });
    const again = await host.crm.recordOrder(order('o1', 'c1'), { idempotencyKey: 'checkout-1' });
    expect(again).toEqual(first);
    expect(host.events.map((e) => e.type)).toEqual(['order.placed']);
    expect(await host.storage.events.lastSequence('crmkit.outbox')).toBe(1);
  });

  it('isolates app listeners and supports unsubscribe', async () => {
    const host = await createTestHost();
    const seen: string[] = [];
    host.crm.on('order.placed', () => {
      throw new Error('listener bug');
    });
    host.crm.on('order.placed', async () => {
      throw new Error('async listener bug');
    });
    const off = host.crm.on('order.placed', (e) => void seen.push(e.data.order.id));
    await host.crm.recordOrder(order('o1', 'c1'));
    off();
    await host.crm.recordOrder(order('o2', 'c1'));
    expect(seen).toEqual(['o1']);
    expect(host.logger.entries.filter((e) => e.message === 'event listener failed')).toHaveLength(4);
  });

  it('lets plugins emit new event types, once per handled event even when retried', async () => {
    let failOnce = true;
    const thanks = definePlugin({
      name: 'thanks',
      version: '1.0.0',
      sdk: SDK_RANGE,
      capabilities: ['events:emit'],
      configSchema: z.undefined(),
      setup(ctx) {
        ctx.on('order.placed', async (event) => {
          const { order: o } = event.data;
          await ctx.emit('test.thanked', { orderId: o.id, total: o.total }, { customerId: o.customerId });
          if (failOnce) {
            failOnce = false;
            throw new Error('after emitting');
          }
        });
      },
    });
    const received: Money[] = [];
    const listener = definePlugin({
      name: 'listener',
      version: '1.0.0',
      sdk: SDK_RANGE,
      configSchema: z.undefined(),
      setup(ctx) {
        ctx.on('test.thanked', (event) => void received.push(event.data.total));
      },
    });
    const host = await createTestHost({ plugins: [thanks(), listener()] });
    await host.crm.recordOrder(order('o1', 'c1', '12.30'));
    await host.advance(1000); // retry: emits again with the same derived key, so nothing new is published
    expect(host.eventsOf('test.thanked')).toHaveLength(1);
    expect(received.map(String)).toEqual(['12.3 EUR']); // Money survives the outbox
  });

  it('runs scheduled jobs on tick, once per interval, isolating failures', async () => {
    const runs: string[] = [];
    let ctx: PluginContext<undefined> | undefined;
    const nightly = definePlugin({
      name: 'nightly',
      version: '1.0.0',
      sdk: SDK_RANGE,
      capabilities: ['events:emit'],
      configSchema: z.undefined(),
      setup(c) {
        ctx = c;
        c.every('report', 86_400_000, async (now) => {
          runs.push(now.toISOString());
          await c.emit('test.nightly', { at: now });
        });
        c.every('broken', 3_600_000, () => {
          throw new Error('job bug');
        });
      },
    });
    const host = await createTestHost({ plugins: [nightly()] });
    await host.advance({ hours: 23 });
    expect(runs).toEqual([]);
    await host.advance({ hours: 1 });
    await host.advance({ days: 2, hours: 5 }); // one catch-up run, not two
    expect(runs).toEqual(['2026-01-02T00:00:00.000Z', '2026-01-04T05:00:00.000Z']);
    expect(host.eventsOf('test.nightly').map((e) => e.occurredAt.toISOString())).toEqual(runs);
    expect(host.logger.entries.filter((e) => e.message === 'scheduled job failed').length).toBe(3); // one per tick it was due
    expect(() => ctx?.every('late', 1000, () => {})).toThrow(ValidationError);

    const restarted = await host.restart();
    await restarted.advance({ hours: 18 }); // schedule persisted: next run 2026-01-05T00:00
    expect(runs).toHaveLength(2);
    await restarted.advance({ hours: 1 });
    expect(runs).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-04T05:00:00.000Z',
      '2026-01-05T00:00:00.000Z',
    ]);
  });

  it('refuses calls after close', async () => {
    const host = await createTestHost();
    await host.crm.close();
    const error = await host.crm.recordOrder(order('o1', 'c1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmError);
    expect((error as CrmError).code).toBe('CLOSED');
  });
});
