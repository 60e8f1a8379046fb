import { ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestHost, definePlugin } from '../src/index';
import { order, SDK_RANGE } from './fixtures';

const rfm = definePlugin({
  name: 'rfm',
  version: '1.0.0',
  sdk: SDK_RANGE,
  configSchema: z.object({ bigSpender: z.number().positive() }),
  setup(ctx) {
    ctx.contribute('segment', {
      id: 'big-spenders',
      name: 'Big spenders',
      when: { fact: 'stats.netSpent', op: 'gte', value: ctx.config.bigSpender },
    });
    ctx.contribute('segment', {
      id: 'lapsed',
      name: 'Lapsed',
      when: { fact: 'stats.daysSinceLastOrder', op: 'gt', value: 30 },
    });
    ctx.contribute('earning-rule', {
      id: 'app',
      when: { fact: 'order.channel', op: 'eq', value: 'app' },
      points: 50,
    });
    ctx.contribute('lifecycle-machine', {
      id: 'b2b',
      initial: 'intent',
      states: ['intent', 'signed', 'churned'],
      transitions: [{ from: 'intent', to: 'signed', on: 'order.placed' }],
    });
    ctx.contribute('churn-playbook', { id: 'win-back', level: 'high', steps: [{ action: 'email' }] });
  },
});

describe('contributions', () => {
  it('keeps validated contributions in typed registries', async () => {
    const host = await createTestHost({ plugins: [rfm({ bigSpender: 100 })] });
    const { contributions } = host.crm;
    expect(contributions.list('segment').map((c) => c.value.id)).toEqual(['big-spenders', 'lapsed']);
    expect(contributions.get('earning-rule', 'app')).toMatchObject({
      plugin: 'rfm',
      value: { points: 50, priority: 0 },
    });
    expect(contributions.get('lifecycle-machine', 'b2b')?.value.initial).toBe('intent');
    expect(contributions.get('churn-playbook', 'win-back')?.value.steps).toEqual([
      { action: 'email', afterDays: 0 },
    ]);
  });

  it('evaluates contributed segments over the customer and order stats, with explanations', async () => {
    const host = await createTestHost({ plugins: [rfm({ bigSpender: 100 })] });
    await host.crm.recordCustomer({ id: 'c1', createdAt: '2026-01-01' });
    await host.crm.recordOrder(order('o1', 'c1', '80.00'));
    await host.crm.recordOrder(order('o2', 'c1', '30.00', 1));
    expect(await host.crm.segmentsOf('c1')).toEqual([
      { id: 'big-spenders', name: 'Big spenders', plugin: 'rfm' },
    ]);
    await host.crm.recordRefund('o1', { id: 'r1', refundedAt: '2026-01-03', amount: '20.00' });
    await host.advance({ days: 31 }); // now 2026-02-01: last order 2026-01-02 is 30 days ago
    expect((await host.crm.segmentsOf('c1')).map((s) => s.id)).toEqual([]);
    await host.advance({ days: 1 });
    const [lapsed] = await host.crm.segmentsOf('c1', { explain: true });
    expect(lapsed?.id).toBe('lapsed');
    expect(lapsed?.explanation).toMatchObject({ held: true, fact: 'stats.daysSinceLastOrder', actual: 31 });
    await expect(host.crm.segmentsOf('nobody')).rejects.toThrow('customer "nobody" does not exist');
    const stats = await host.crm.statsOf('c1');
    expect(stats).toMatchObject({
      orderCount: 2,
      refundedOrderCount: 1,
      daysSinceLastOrder: 31,
      daysSinceFirstOrder: 32,
    });
    expect(stats.netSpent?.toString()).toBe('90 EUR'); // 80 + 30 − 20 refunded
  });

  it('refuses a bad contribution with the plugin and field named', async () => {
    const bad = definePlugin({
      name: 'bad',
      version: '1.0.0',
      sdk: SDK_RANGE,
      configSchema: z.undefined(),
      setup(ctx) {
        ctx.contribute('lifecycle-machine', {
          id: 'm',
          initial: 'x',
          states: ['a'],
          transitions: [{ from: 'a', to: 'b' }],
        });
      },
    });
    const error = await createTestHost({ plugins: [bad()] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(
      /^invalid lifecycle-machine contribution of plugin "bad"/,
    );
    expect((error as ValidationError).issues.map((i) => i.path.join('.'))).toEqual([
      'initial',
      'transitions.0.to',
    ]);
  });
});
