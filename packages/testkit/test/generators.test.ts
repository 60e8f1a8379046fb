import { Money, parseCampaign, parseCustomer, parseInteraction, parseOrder } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  customerId,
  generateCampaigns,
  generateDataset,
  resolveDatasetOptions,
  streamDataset,
} from '../src/index';

describe('generateDataset', () => {
  const data = generateDataset({ customers: 2000, seed: 42 });

  it('produces records that every core schema accepts', () => {
    for (const c of data.customers) parseCustomer(c);
    for (const o of data.orders) parseOrder(o);
    for (const i of data.interactions) parseInteraction(i);
    for (const c of data.campaigns) parseCampaign(c);
    expect(data.customers).toHaveLength(2000);
    expect(data.campaigns).toHaveLength(6 * 5);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(generateDataset({ customers: 50, seed: 42 })).toEqual(
      generateDataset({ customers: 50, seed: 42 }),
    );
    expect(generateDataset({ customers: 50, seed: 43 }).orders).not.toEqual(
      generateDataset({ customers: 50, seed: 42 }).orders,
    );
    // customer n does not depend on how many customers are generated
    expect(generateDataset({ customers: 10, seed: 42 }).orders).toEqual(
      data.orders.filter((o) => o.customerId <= customerId(10)),
    );
  });

  it('has a realistic shape: repeat buyers, order values, refunds, interactions', () => {
    const perCustomer = new Map<string, number>();
    for (const o of data.orders) perCustomer.set(o.customerId, (perCustomer.get(o.customerId) ?? 0) + 1);
    expect(perCustomer.size).toBe(2000);
    const oneTime = [...perCustomer.values()].filter((n) => n === 1).length / 2000;
    expect(oneTime).toBeGreaterThan(0.2);
    expect(oneTime).toBeLessThan(0.8);
    const parsed = data.orders.map(parseOrder);
    const mean = Money.sum(
      parsed.map((o) => o.total),
      'EUR',
    )
      .dividedBy(parsed.length)
      .amount.toNumber();
    // per-order mean is 60 × E[gamma(4,4)] × E[lognormal(-0.125, 0.5)] = 60; sampling error ≈ 1.5
    expect(mean).toBeGreaterThan(52);
    expect(mean).toBeLessThan(68);
    const refunded = parsed.filter((o) => o.refunds.length > 0).length / parsed.length;
    expect(refunded).toBeGreaterThan(0.02);
    expect(refunded).toBeLessThan(0.06);
    const types = new Set(data.interactions.map((i) => i.type));
    expect([...types].sort()).toEqual([
      'activity',
      'complaint',
      'marketing',
      'referral',
      'review',
      'survey',
      'ticket',
    ]);
    for (const o of data.orders) {
      const at = (o.placedAt as Date).getTime();
      expect(at >= Date.UTC(2025, 0, 1) && at < Date.UTC(2026, 0, 1)).toBe(true);
    }
  });

  it('streams customers in ascending id order with their orders in time order', () => {
    let previous = '';
    for (const { customer, orders } of streamDataset({ customers: 300, seed: 3, interactions: false })) {
      expect(customer.id > previous).toBe(true);
      previous = customer.id;
      for (let i = 1; i < orders.length; i++) {
        expect((orders[i]!.placedAt as Date) >= (orders[i - 1]!.placedAt as Date)).toBe(true);
      }
      expect((orders[0]!.placedAt as Date).getTime()).toBe((customer.createdAt as Date).getTime());
    }
  });

  it('rejects bad options naming the field', () => {
    expect(() => resolveDatasetOptions({ customers: 0 })).toThrow(/customers/);
    expect(() => resolveDatasetOptions({ customers: 1, start: '2026-01-01', end: '2025-01-01' })).toThrow(
      /end: must be after start/,
    );
    expect(() => resolveDatasetOptions({ customers: 1, currency: 'EURO' })).toThrow(/currency/);
    expect(() => [...streamDataset({ customers: 1.5 })]).toThrow(/customers/);
    expect(() => generateCampaigns(resolveDatasetOptions({ customers: 1, meanOrderValue: -1 }))).toThrow(
      /meanOrderValue/,
    );
  });
});
