import type { FittedModel, ForecastResult } from './forecast';
import { money, percent, table } from './table';

const fixed = (digits: number) => (x: number) => x.toFixed(digits);
const signed = (share: number) => `${share >= 0 ? '+' : ''}${percent(share)}`;

function params(name: string, model: FittedModel): string {
  const values = Object.entries(model.params)
    .map(([key, value]) => `${key} ${value.toFixed(4)} (± ${model.standardErrors[key]!.toFixed(4)})`)
    .join(', ');
  return `${name}: ${values}; log-likelihood ${model.logLikelihood.toFixed(2)}, ${model.customers} customers`;
}

/** The result as `npm start` prints it. */
export function formatForecast(result: ForecastResult): string {
  const { holdout: h, forecast: f } = result;
  const last = h.byFrequency.length - 1;
  return [
    `${result.orders} orders (${result.rejects.length} rejected) of ${result.customers} customers`,
    '',
    `Holdout check: calibrated up to ${h.calibrationEnd}, predicting the ${h.weeks.toFixed(1)} weeks up to ${h.observationEnd}`,
    params('  BG/NBD     ', h.bgnbd),
    params('  Gamma-Gamma', h.gammaGamma),
    `  purchases: predicted ${h.predictedPurchases.toFixed(0)}, actual ${h.actualPurchases} (${signed(h.purchasesError)})`,
    `  revenue:   predicted ${money(h.predictedRevenue)}, actual ${money(h.actualRevenue)} (${signed(h.revenueError)})`,
    '',
    table(
      ['purchases in calibration', 'customers', 'predicted / customer', 'actual / customer'],
      h.byFrequency.map((b) => [
        b.frequency === last ? `${last} or more` : String(b.frequency),
        b.customers,
        fixed(3)(b.predicted),
        fixed(3)(b.actual),
      ]),
    ),
    '',
    `Forecast from ${f.asOf}, fitted on all the data (times in weeks)`,
    params('  BG/NBD     ', f.bgnbd),
    params('  Gamma-Gamma', f.gammaGamma),
    `  correlation of frequency and mean spend among repeaters: ${f.spendFrequencyCorrelation.toFixed(3)} (Gamma-Gamma assumes ~0)`,
    `  all customers: ${f.expectedPurchases.toFixed(0)} purchases expected in ${f.horizonWeeks} weeks, ` +
      `CLV ${money(f.clv)} over ${f.months} months (${percent(f.discountRate)} a month discount), ` +
      `${f.likelyGone} with P(alive) < 0.5`,
    '',
    `Top ${f.top.length} customers by CLV`,
    table(
      [
        'customer',
        'repeat',
        'recency',
        'T',
        'mean spend',
        'P(alive)',
        `purchases ${f.horizonWeeks} wk`,
        'expected spend',
        `CLV ${f.months} mo`,
      ],
      f.top.map((c) => [
        c.customerId,
        c.frequency,
        fixed(1)(c.recency),
        fixed(1)(c.T),
        money(c.monetaryValue),
        fixed(3)(c.probabilityAlive),
        fixed(2)(c.expectedPurchases),
        money(c.expectedSpend),
        money(c.clv),
      ]),
    ),
    ...result.rejects.slice(0, 10).map((r) => `rejected line ${r.line}: ${r.reason}`),
  ].join('\n');
}
