import { describe, expect, it } from 'vitest';
import { churnAlertPlugin, createTestHost, PluginConfigError } from '../src/index';
import { order } from './fixtures';

describe('churn-alert plugin', () => {
  it('evaluates on schedule and alerts when a customer changes level', async () => {
    const host = await createTestHost({
      plugins: [churnAlertPlugin({ populationAlertRate: 0.4 })],
      start: '2026-01-01T00:00:00Z',
    });
    await host.crm.recordOrder(order('o1', 'c1', '10.00', 0)); // 2026-01-01
    await host.crm.recordOrder(order('o2', 'c2', '10.00', 50)); // 2026-02-20
    await host.crm.recordOrder(order('o3', 'c3', '10.00', 85)); // 2026-03-27
    host.clock.set('2026-04-01T00:00:00Z'); // c1 at 90 days, c2 at 40, c3 at 5
    await host.crm.tick(); // first run is due one interval after start: long past
    expect(host.eventsOf('churn.alert').map((e) => e.data)).toEqual([
      {
        customerId: 'c1',
        level: 'high',
        previous: null,
        reasons: '✓ stats.daysSinceLastOrder gte 90 (was 90)',
      },
    ]);
    expect(host.eventsOf('churn.population-alert').map((e) => e.data)).toEqual([]); // 1 of 3 = 33 % <= 40 %

    await host.advance({ days: 21 }); // 2026-04-22: c2 at 61 days
    expect(host.eventsOf('churn.alert').map((e) => [e.data.customerId, e.data.level])).toEqual([
      ['c1', 'high'],
      ['c2', 'medium'],
    ]);
    await host.advance({ hours: 12 }); // not due: nothing new
    expect(host.eventsOf('churn.alert')).toHaveLength(2);

    await host.crm.recordOrder(order('o4', 'c1', '10.00', 111)); // 2026-04-22: c1 is back
    await host.advance({ hours: 12 });
    expect(host.eventsOf('churn.cleared').map((e) => e.data)).toEqual([
      { customerId: 'c1', previous: 'high' },
    ]);
    expect(await host.crm.api(churnAlertPlugin).levelOf('c2')).toBe('medium');
    expect(await host.crm.api(churnAlertPlugin).levelOf('c1')).toBeUndefined();
  });

  it('raises a population alert above the threshold', async () => {
    const host = await createTestHost({
      plugins: [churnAlertPlugin({ populationAlertRate: 0.05, everyMs: 3_600_000 })],
    });
    await host.crm.recordOrder(order('o1', 'c1', '10.00', 0));
    await host.crm.recordOrder(order('o2', 'c2', '10.00', 100));
    host.clock.set('2026-04-11T00:00:00Z');
    const summary = await host.crm.api(churnAlertPlugin).evaluate();
    expect(summary).toEqual({
      customers: 2,
      byLevel: { high: 1 },
      changes: 1,
      skipped: 0,
      winBacks: 0,
      suppressed: 0,
    });
    expect(host.eventsOf('churn.population-alert').map((e) => e.data)).toEqual([
      { level: 'high', rate: 0.5, threshold: 0.05, customers: 2, skipped: 0 },
    ]);
  });

  it('refuses a bad config, naming the field', async () => {
    const error = (await createTestHost({
      plugins: [
        churnAlertPlugin({
          levels: [{ level: 'x', when: { fact: 'stats.orderCount', op: 'bogus' } }],
        } as never),
      ],
    }).catch((e: unknown) => e)) as PluginConfigError;
    expect(error).toBeInstanceOf(PluginConfigError);
    expect(error.plugin).toBe('churn-alert');
    expect(error.issues[0]?.path).toEqual(['levels', 0, 'when']);
  });
});
