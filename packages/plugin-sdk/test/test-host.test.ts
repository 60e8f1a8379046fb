import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestHost, definePlugin } from '../src/index';
import { order, SDK_RANGE } from './fixtures';

declare module '@crmkit/core' {
  interface DomainEventMap {
    'welcome.sent': { bonus: number };
  }
}

// The example of the guide: a plugin unit-tested in a few lines.
const welcome = definePlugin({
  name: 'welcome',
  version: '1.0.0',
  sdk: SDK_RANGE,
  capabilities: ['events:emit'],
  configSchema: z.object({ bonus: z.number().int().positive() }),
  setup(ctx) {
    ctx.on('customer.created', async (event) => {
      await ctx.emit('welcome.sent', { bonus: ctx.config.bonus }, { customerId: event.data.customer.id });
    });
  },
});

describe('createTestHost', () => {
  it('tests a plugin in a few lines', async () => {
    const host = await createTestHost({ plugins: [welcome({ bonus: 10 })] });
    await host.crm.recordCustomer({ id: 'c1', createdAt: '2026-01-01' });
    expect(host.eventsOf('welcome.sent').map((e) => [e.customerId, e.data])).toEqual([['c1', { bonus: 10 }]]);
  });

  it('gives a manual clock, sequential ids, captured logs and restarts', async () => {
    const host = await createTestHost({ start: '2026-05-01T08:00:00Z' });
    await host.crm.recordOrder(order('o1', 'c1'));
    expect(host.events[0]).toMatchObject({ id: 'evt-1', occurredAt: new Date('2026-05-01T08:00:00Z') });
    await host.advance({ hours: 2 });
    expect(host.clock.now().toISOString()).toBe('2026-05-01T10:00:00.000Z');
    const again = await host.restart();
    await again.crm.recordOrder(order('o2', 'c1'));
    expect(again.events[0]?.id).toBe('evt-2'); // ids continue across the restart
    expect(await again.storage.orders.count()).toBe(2);
    expect(host.logger.entries).toEqual([]);
  });
});
