import { parseInteraction, ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customerEffortScore, customerSatisfaction, netPromoterScore, surveyScores } from '../src/index';
import { MARCH } from './fixtures';

const issuePath = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues[0]?.path;
  }
  throw new Error('did not throw');
};

describe('NPS', () => {
  it('counts promoters, passives and detractors', () => {
    expect(netPromoterScore([10, 9, 8, 6, 3])).toEqual({
      score: 0,
      promoters: 2,
      passives: 1,
      detractors: 2,
      responses: 5,
    });
    expect(netPromoterScore([10, 10, 9, 7]).score).toBe(75);
    expect(netPromoterScore([]).score).toBeNull();
  });

  it('rejects out-of-range and fractional scores naming the index', () => {
    expect(issuePath(() => netPromoterScore([5, 11]))).toEqual([1]);
    expect(issuePath(() => netPromoterScore([7.5]))).toEqual([0]);
    expect(issuePath(() => netPromoterScore([-1]))).toEqual([0]);
  });

  it('stays within −100…100 and its counts add up', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 })), (scores) => {
        const r = netPromoterScore(scores);
        expect(r.promoters + r.passives + r.detractors).toBe(scores.length);
        if (r.score !== null) {
          expect(r.score).toBeGreaterThanOrEqual(-100);
          expect(r.score).toBeLessThanOrEqual(100);
        }
      }),
    );
  });
});

describe('CSAT and CES', () => {
  it('CSAT is the share of 4–5 on a 1–5 scale by default', () => {
    expect(customerSatisfaction([5, 4, 3, 5])).toEqual({ numerator: 3, denominator: 4, value: 0.75 });
    expect(customerSatisfaction([]).value).toBeNull();
    expect(customerSatisfaction([9, 6], { scale: { min: 0, max: 10 }, satisfiedFrom: 8 }).value).toBe(0.5);
  });

  it('CSAT rejects scores outside the scale and bad options', () => {
    expect(issuePath(() => customerSatisfaction([5, 0]))).toEqual([1]);
    expect(issuePath(() => customerSatisfaction([5], { scale: { min: 5, max: 1 } }))).toEqual([
      'scale',
      'max',
    ]);
    expect(issuePath(() => customerSatisfaction([5], { satisfiedFrom: 9 }))).toEqual(['satisfiedFrom']);
  });

  it('CES is the mean on a 1–7 scale by default', () => {
    expect(customerEffortScore([2, 3, 7])).toEqual({ sum: 12, responses: 3, mean: 4 });
    expect(customerEffortScore([1, 5], { scale: { min: 1, max: 5 } }).mean).toBe(3);
    expect(customerEffortScore([]).mean).toBeNull();
    expect(issuePath(() => customerEffortScore([1, 8]))).toEqual([1]);
  });

  it('collects survey answers of a period from interactions', async () => {
    const interactions = [
      parseInteraction({
        type: 'survey',
        id: 's1',
        customerId: 'A',
        occurredAt: '2026-03-02',
        nps: 9,
        csat: 5,
      }),
      parseInteraction({
        type: 'survey',
        id: 's2',
        customerId: 'B',
        occurredAt: '2026-03-03',
        nps: 3,
        ces: 2,
      }),
      parseInteraction({ type: 'survey', id: 's3', customerId: 'C', occurredAt: '2026-04-01', nps: 10 }),
      parseInteraction({ type: 'review', id: 'r1', customerId: 'C', occurredAt: '2026-03-04', rating: 5 }),
    ];
    const scores = await surveyScores(interactions, { period: MARCH });
    expect(scores).toEqual({ nps: [9, 3], csat: [5], ces: [2] });
    expect(netPromoterScore(scores.nps).score).toBe(0);
  });
});
