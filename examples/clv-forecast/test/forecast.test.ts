import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ForecastResult, runForecast, SAMPLE_CSV } from '../src/forecast';
import { formatForecast } from '../src/report';

// A naive recount from the raw CSV text: each customer's distinct purchase days.
const days = new Map<string, Set<string>>();
for (const line of readFileSync(SAMPLE_CSV, 'utf8').trim().split('\n').slice(1)) {
  const [, customer, date] = line.split(',');
  days.set(customer!, (days.get(customer!) ?? new Set()).add(date!));
}
const calibrated = [...days.values()].filter((d) => [...d].some((day) => day <= '2025-09-30'));

let result: ForecastResult;
beforeAll(async () => {
  result = await runForecast();
});

describe('CLV forecast on the sample data', () => {
  it('reads every order', () => {
    expect(result.orders).toBe(17_579);
    expect(result.rejects).toEqual([]);
    expect(result.customers).toBe(days.size);
    expect(result.customers).toBe(4961);
  });

  it('predicts the holdout quarter within a few per cent', () => {
    const h = result.holdout;
    expect(h.bgnbd.customers).toBe(calibrated.length); // customers who bought by 2025-09-30
    expect(h.bgnbd.customers).toBe(3713);
    expect(h.actualPurchases).toBe(
      calibrated.reduce((n, d) => n + [...d].filter((day) => day > '2025-09-30').length, 0),
    );
    expect(h.actualPurchases).toBe(3749);
    expect(h.weeks).toBeCloseTo(92 / 7, 10);
    expect(h.predictedPurchases).toBeCloseTo(3910.1, 0);
    expect(Math.abs(h.purchasesError)).toBeLessThan(0.1);
    expect(Math.abs(h.revenueError)).toBeLessThan(0.1);
    expect(h.byFrequency.reduce((n, b) => n + b.customers, 0)).toBe(3713);
    for (const b of h.byFrequency) expect(Math.abs(b.predicted - b.actual)).toBeLessThan(0.25);
    // frequent buyers are expected to buy more: the prediction rises from one repeat on
    const predicted = h.byFrequency.slice(1).map((b) => b.predicted);
    expect(predicted).toEqual([...predicted].sort((a, b) => a - b));
  });

  it('fits identifiable models with positive parameters', () => {
    for (const model of [
      result.holdout.bgnbd,
      result.holdout.gammaGamma,
      result.forecast.bgnbd,
      result.forecast.gammaGamma,
    ]) {
      for (const [name, value] of Object.entries(model.params)) {
        expect(value).toBeGreaterThan(0);
        const se = model.standardErrors[name]!;
        expect(se).toBeGreaterThan(0);
        expect(se).toBeLessThan(value / 2);
      }
      expect(model.logLikelihood).toBeLessThan(0);
    }
    const { r, alpha, a, b } = result.forecast.bgnbd.params;
    expect([r, alpha, a, b].map((x) => Number(x!.toFixed(2)))).toEqual([0.96, 6.38, 0.88, 4.6]);
    expect(result.forecast.gammaGamma.params.q).toBeGreaterThan(1); // a finite mean spend
    expect(result.forecast.gammaGamma.customers).toBe([...days.values()].filter((d) => d.size > 1).length);
    expect(Math.abs(result.forecast.spendFrequencyCorrelation)).toBeLessThan(0.1);
  });

  it('lists the top 10 customers by CLV with consistent forecasts', () => {
    const { top, gammaGamma } = result.forecast;
    expect(top).toHaveLength(10);
    expect(top.map((c) => c.clv)).toEqual(top.map((c) => c.clv).sort((a, b) => b - a));
    expect(top[0]!.customerId).toBe('c0000182');
    expect(top[0]!.frequency).toBe(days.get('c0000182')!.size - 1);
    expect(top[0]!.clv).toBeCloseTo(4751.6, 0);
    const { p, q, v } = gammaGamma.params;
    const populationMean = (p! * v!) / (q! - 1);
    for (const c of top) {
      expect(c.probabilityAlive).toBeGreaterThan(0);
      expect(c.probabilityAlive).toBeLessThanOrEqual(1);
      expect(c.expectedPurchases).toBeGreaterThan(0);
      // Gamma-Gamma shrinks a customer's own mean towards the population's
      expect(c.expectedSpend).toBeGreaterThanOrEqual(Math.min(c.monetaryValue, populationMean));
      expect(c.expectedSpend).toBeLessThanOrEqual(Math.max(c.monetaryValue, populationMean));
      // discounted value of a year is below the undiscounted spend of a year's expected purchases
      expect(c.clv).toBeLessThan((c.expectedSpend * c.expectedPurchases * 52) / 12);
    }
    expect(result.forecast.clv).toBeGreaterThan(0);
    expect(result.forecast.likelyGone).toBeGreaterThan(0);
    expect(result.forecast.likelyGone).toBeLessThan(result.customers);
  });

  it('prints the parameters, the holdout check and the table', () => {
    const text = formatForecast(result);
    expect(text).toContain('purchases: predicted 3910, actual 3749 (+4.3 %)');
    expect(text).toMatch(/BG\/NBD {5}: r 0\.96\d+ \(± 0\.03\d+\), alpha 6\.38/);
    expect(text).toMatch(/^c0000182 +46 +37\.3 +39\.1 +150\.66 +0\.889 +9\.98 +147\.82 +4,751\.58$/m);
  });
});
