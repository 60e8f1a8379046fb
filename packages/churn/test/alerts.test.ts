import { describe, expect, it } from 'vitest';
import {
  ChurnConfigError,
  createActionLog,
  inferChurnRecord,
  parseChurnRecord,
  parsePlaybook,
  planActions,
  populationAlert,
} from '../src/index';
import { interaction, order } from './fixtures';

describe('populationAlert', () => {
  const rows = [
    ...Array.from({ length: 100 }, (_, i) => ({ segment: 'retail', churned: i < 4 })), // 4 %
    ...Array.from({ length: 50 }, (_, i) => ({ segment: 'vip', churned: i < 3 })), // 6 %
    ...Array.from({ length: 10 }, (_, i) => ({ churned: i < 2 })), // no segment
  ];

  it('alerts where the churn rate is above 5 %, overall and per segment', () => {
    const report = populationAlert(rows, { threshold: 0.05 });
    expect(report.overall).toEqual({
      segment: null,
      customers: 160,
      churned: 9,
      rate: 9 / 160,
      threshold: 0.05,
      alert: true,
    });
    expect(report.segments).toEqual([
      { segment: 'retail', customers: 100, churned: 4, rate: 0.04, threshold: 0.05, alert: false },
      { segment: 'vip', customers: 50, churned: 3, rate: 0.06, threshold: 0.05, alert: true },
    ]);
    expect(report.alerts.map((s) => s.segment)).toEqual([null, 'vip']);
  });

  it('takes thresholds per segment and a minimum size', () => {
    const report = populationAlert(rows, { threshold: 0.1, segments: { retail: 0.03 }, minCustomers: 60 });
    expect(report.alerts.map((s) => s.segment)).toEqual(['retail']); // vip is too small to alert
  });

  it('rejects bad options with paths', () => {
    expect(() => populationAlert(rows, { threshold: 5 })).toThrow(/threshold: must be <= 1/);
    expect(() => populationAlert(rows, { segments: { vip: 0 } })).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: ['segments', 'vip'] })] }),
    );
  });
});

describe('churn records', () => {
  it('validates a record against the taxonomy', () => {
    const r = parseChurnRecord({
      customerId: 'c1',
      churnedAt: '2026-06-01',
      kind: 'active',
      reason: 'relocation',
    });
    expect(r).toMatchObject({ kind: 'active', reason: 'relocation', source: 'manual' });
    expect(() =>
      parseChurnRecord({ customerId: 'c1', churnedAt: '2026-06-01', kind: 'gone', reason: 'weather' }),
    ).toThrow(ChurnConfigError);
    try {
      parseChurnRecord({ customerId: 'c1', churnedAt: '2026-06-01', kind: 'gone', reason: 'weather' });
    } catch (e) {
      expect((e as ChurnConfigError).issues.map((i) => i.path[0])).toEqual(['kind', 'reason']);
      expect((e as ChurnConfigError).issues[1]?.message).toMatch(
        /unknown reason "weather"; use one of product/,
      );
    }
    const custom = { reasons: ['moved', 'unknown'] };
    expect(
      parseChurnRecord(
        { customerId: 'c1', churnedAt: '2026-06-01', kind: 'passive', reason: 'moved' },
        custom,
      ).reason,
    ).toBe('moved');
    expect(() => parseChurnRecord({}, { reasons: [] })).toThrow(/taxonomy needs at least one reason/);
  });

  it('infers active churn from a complaint and passive churn otherwise', () => {
    const asOf = new Date('2026-07-01');
    const orders = [order('c1', '2026-01-10', '10.00'), order('c1', '2026-02-10', '10.00')];
    const complained = inferChurnRecord(
      {
        customerId: 'c1',
        orders,
        interactions: [
          interaction({ customerId: 'c1', occurredAt: '2026-02-01', type: 'complaint', reason: 'service' }),
          interaction({ customerId: 'c1', occurredAt: '2026-03-01', type: 'complaint', reason: 'price' }),
        ],
      },
      { asOf },
    );
    expect(complained).toMatchObject({ kind: 'active', reason: 'price', source: 'complaint' });
    expect(complained.lastOrderAt?.toISOString()).toBe('2026-02-10T00:00:00.000Z');
    const silent = inferChurnRecord({ customerId: 'c1', orders, interactions: [] }, { asOf });
    expect(silent).toMatchObject({ kind: 'passive', reason: 'unknown', source: 'inferred' });
    expect(() =>
      inferChurnRecord({ customerId: 'c1', orders, interactions: [] }, { asOf, lookbackDays: 0 }),
    ).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: ['lookbackDays'] })] }));
  });
});

describe('playbooks', () => {
  const book = parsePlaybook({
    plays: [
      {
        id: 'nudge',
        levels: ['watch', 'warning'],
        actions: [{ type: 'email', assignee: 'system', params: { template: 'miss-you' } }],
      },
      {
        id: 'price-rebate',
        levels: ['warning', 'critical'],
        reasons: ['price'],
        actions: [
          { type: 'points_rebate', params: { points: 500 } },
          { type: 'coupon', params: { percentOff: 10 } },
        ],
        cooldownDays: 30,
      },
      {
        id: 'vip-call',
        levels: ['critical'],
        segments: ['vip'],
        actions: [{ type: 'call' }],
        cooldownDays: 7,
      },
      { id: 'critical-default', levels: ['critical'], actions: [{ type: 'task', assignee: 'team' }] },
    ],
  });
  const asOf = new Date('2026-07-01');

  it('picks the most specific play for (level, segment, reason)', () => {
    const pick = (level: string | null, segment?: string, reason?: string) =>
      planActions(book, { customerId: 'c1', level, segment, reason }, { asOf })?.playId;
    expect(pick('watch')).toBe('nudge');
    expect(pick('warning', undefined, 'price')).toBe('price-rebate');
    expect(pick('critical', 'vip')).toBe('vip-call');
    expect(pick('critical', 'retail', 'service')).toBe('critical-default');
    expect(pick('critical', 'vip', 'price')).toBe('price-rebate'); // tie: the earlier play
    expect(pick(null)).toBeUndefined();
  });

  it('holds a play back during its cooldown', () => {
    const log = createActionLog();
    const situation = { customerId: 'c1', level: 'critical', segment: 'vip' };
    const first = planActions(book, situation, { asOf, log, record: true });
    expect(first).toEqual({
      status: 'run',
      playId: 'vip-call',
      actions: [{ type: 'call', assignee: 'owner', params: {} }],
    });
    const again = planActions(book, situation, { asOf: new Date('2026-07-05'), log, record: true });
    expect(again).toEqual({ status: 'cooldown', playId: 'vip-call', until: new Date('2026-07-08') });
    expect(planActions(book, situation, { asOf: new Date('2026-07-08'), log })?.status).toBe('run');
    expect(planActions(book, { ...situation, customerId: 'c2' }, { asOf, log })?.status).toBe('run');
  });

  it('rejects bad playbooks with paths', () => {
    let error: unknown;
    try {
      parsePlaybook({
        plays: [
          { id: 'a', actions: [{ type: 'points_rebate', params: { points: 2.5 } }] },
          { id: 'a', cooldownDays: -1, actions: [{ type: 'coupon', params: {} }] },
          { id: 'b', actions: [] },
        ],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChurnConfigError);
    expect((error as ChurnConfigError).issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining([
        'plays.0.actions.0.params.points',
        'plays.1.cooldownDays',
        'plays.1.actions.0.params',
        'plays.2.actions',
      ]),
    );
    expect(() => planActions(book, { customerId: '', level: 'watch' }, { asOf })).toThrow(ChurnConfigError);
    expect(() => planActions(book, { customerId: 'c1', level: 'watch' }, { asOf: new Date('x') })).toThrow(
      /asOf/,
    );
  });
});
