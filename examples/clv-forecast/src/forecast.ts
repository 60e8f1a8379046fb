import { fileURLToPath } from 'node:url';
import {
  type BgNbdModel,
  type CustomerValueSummary,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  type GammaGammaModel,
  summarizeTransactions,
} from '@crmkit/clv';
import { type Reject, readTransactions } from './load';

/** The sample shipped with the repository: 17,579 orders of 2025. */
export const SAMPLE_CSV = fileURLToPath(new URL('../../data/orders.csv', import.meta.url));

/** What {@link runForecast} reads. Times are in weeks. */
export interface ForecastOptions {
  /** The orders CSV (default: the bundled sample). */
  readonly csvPath?: string;
  /** Last day of the calibration period of the holdout check (default 2025-09-30: nine months). */
  readonly calibrationEnd?: string;
  /** Last day of the data: the end of the holdout and the start of the forecast (default 2025-12-31). */
  readonly observationEnd?: string;
  /** Weeks of purchases to forecast per customer (default 12). */
  readonly horizonWeeks?: number;
  /** Months of discounted CLV (default 12). */
  readonly months?: number;
  /** Monthly discount rate of the CLV (default 0.01, about 12.7 % a year). */
  readonly discountRate?: number;
  /** How many customers to list, best CLV first (default 10). */
  readonly top?: number;
}

/** A fitted model's parameters, their standard errors and its log-likelihood. */
export interface FittedModel {
  readonly params: Readonly<Record<string, number>>;
  readonly standardErrors: Readonly<Record<string, number>>;
  readonly logLikelihood: number;
  readonly customers: number;
}

/** One customer's forecast. */
export interface CustomerForecast {
  readonly customerId: string;
  /** Repeat purchase days, weeks from the first to the last, weeks since the first. */
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
  /** Mean value of the repeat purchase days (0 without repeats). */
  readonly monetaryValue: number;
  readonly probabilityAlive: number;
  /** Expected purchases in the next `horizonWeeks`. */
  readonly expectedPurchases: number;
  /** Expected value of each future purchase (Gamma-Gamma). */
  readonly expectedSpend: number;
  /** Discounted value of the next `months`. */
  readonly clv: number;
}

/** Everything the forecast computed, as plain data (amounts in the data's currency). */
export interface ForecastResult {
  readonly orders: number;
  readonly rejects: readonly Reject[];
  readonly customers: number;
  /** Fit on the calibration period, checked against what happened in the holdout. */
  readonly holdout: {
    readonly calibrationEnd: string;
    readonly observationEnd: string;
    readonly weeks: number;
    readonly bgnbd: FittedModel;
    readonly gammaGamma: FittedModel;
    /** Purchase days in the holdout, of the customers seen in calibration. */
    readonly predictedPurchases: number;
    readonly actualPurchases: number;
    /** (predicted − actual) / actual. */
    readonly purchasesError: number;
    /** Revenue of those customers in the holdout: Σ E[purchases] · E[spend] vs what they spent. */
    readonly predictedRevenue: number;
    readonly actualRevenue: number;
    readonly revenueError: number;
    /** Mean predicted vs actual holdout purchases, by purchases in calibration (the last row is "or more"). */
    readonly byFrequency: readonly {
      readonly frequency: number;
      readonly customers: number;
      readonly predicted: number;
      readonly actual: number;
    }[];
  };
  /** The models refitted on all the data, and what they forecast from observationEnd. */
  readonly forecast: {
    readonly asOf: string;
    readonly horizonWeeks: number;
    readonly months: number;
    readonly discountRate: number;
    readonly bgnbd: FittedModel;
    readonly gammaGamma: FittedModel;
    /** Correlation of frequency and mean spend among repeaters: Gamma-Gamma assumes it is near 0. */
    readonly spendFrequencyCorrelation: number;
    readonly expectedPurchases: number;
    readonly clv: number;
    /** Customers with P(alive) below 0.5. */
    readonly likelyGone: number;
    readonly top: readonly CustomerForecast[];
  };
}

const WEEK_MS = 7 * 86_400_000;

/**
 * Fits BG/NBD (purchases) and Gamma-Gamma (spend) to the orders: first on a
 * calibration period, comparing the predicted purchases and revenue of the
 * holdout period with what happened, then on all the data, forecasting each
 * customer's purchases, P(alive), spend and discounted CLV.
 */
export async function runForecast(options: ForecastOptions = {}): Promise<ForecastResult> {
  const calibrationEnd = options.calibrationEnd ?? '2025-09-30';
  const observationEnd = options.observationEnd ?? '2025-12-31';
  const horizonWeeks = options.horizonWeeks ?? 12;
  const months = options.months ?? 12;
  const discountRate = options.discountRate ?? 0.01;
  const { transactions, rejects } = await readTransactions(options.csvPath ?? SAMPLE_CSV);

  // 1. Calibrate on the first months, predict the holdout, compare with what happened.
  const split = summarizeTransactions(transactions, {
    calibrationEnd,
    observationEnd,
    timeUnit: 'weeks',
    monetary: 'mean',
  });
  const check = fitModels(split);
  let predictedPurchases = 0;
  let actualPurchases = 0;
  let predictedRevenue = 0;
  let actualRevenue = 0;
  const buckets = Array.from({ length: 8 }, (_, frequency) => ({ frequency, customers: 0, p: 0, a: 0 }));
  for (const row of split) {
    const predicted = check.bgnbd.expectedPurchases(row.holdoutDuration!, row);
    const actual = row.holdoutFrequency!;
    predictedPurchases += predicted;
    actualPurchases += actual;
    predictedRevenue += predicted * check.gammaGamma.expectedAverageSpend(row);
    actualRevenue += actual * row.holdoutMonetaryValue!;
    const bucket = buckets[Math.min(row.frequency, buckets.length - 1)]!;
    bucket.customers++;
    bucket.p += predicted;
    bucket.a += actual;
  }

  // 2. Refit on everything and forecast from the end of the data.
  const rows = summarizeTransactions(transactions, {
    calibrationEnd: observationEnd,
    timeUnit: 'weeks',
    monetary: 'mean',
  });
  const final = fitModels(rows);
  const forecasts = rows.map(
    (row): CustomerForecast => ({
      customerId: row.customerId,
      frequency: row.frequency,
      recency: row.recency,
      T: row.T,
      monetaryValue: row.monetaryValue,
      probabilityAlive: final.bgnbd.probabilityAlive(row),
      expectedPurchases: final.bgnbd.expectedPurchases(horizonWeeks, row),
      expectedSpend: final.gammaGamma.expectedAverageSpend(row),
      clv: customerLifetimeValue(final.bgnbd, final.gammaGamma, row, {
        months,
        discountRate,
        timeUnit: 'weeks',
      }),
    }),
  );
  const repeaters = rows.filter((r) => r.frequency > 0);
  const top = [...forecasts]
    .sort((a, b) => b.clv - a.clv || a.customerId.localeCompare(b.customerId))
    .slice(0, options.top ?? 10);

  return {
    orders: transactions.length,
    rejects,
    customers: rows.length,
    holdout: {
      calibrationEnd,
      observationEnd,
      weeks: (Date.parse(observationEnd) - Date.parse(calibrationEnd)) / WEEK_MS,
      bgnbd: describe(check.bgnbd),
      gammaGamma: describe(check.gammaGamma),
      predictedPurchases,
      actualPurchases,
      purchasesError: (predictedPurchases - actualPurchases) / actualPurchases,
      predictedRevenue,
      actualRevenue,
      revenueError: (predictedRevenue - actualRevenue) / actualRevenue,
      byFrequency: buckets.map((b) => ({
        frequency: b.frequency,
        customers: b.customers,
        predicted: b.p / b.customers,
        actual: b.a / b.customers,
      })),
    },
    forecast: {
      asOf: observationEnd,
      horizonWeeks,
      months,
      discountRate,
      bgnbd: describe(final.bgnbd),
      gammaGamma: describe(final.gammaGamma),
      spendFrequencyCorrelation: correlation(
        repeaters.map((r) => r.frequency),
        repeaters.map((r) => r.monetaryValue),
      ),
      expectedPurchases: sum(forecasts.map((f) => f.expectedPurchases)),
      clv: sum(forecasts.map((f) => f.clv)),
      likelyGone: forecasts.filter((f) => f.probabilityAlive < 0.5).length,
      top,
    },
  };
}

/** BG/NBD on every customer; Gamma-Gamma on those who repeated (one purchase says nothing about spread). */
function fitModels(rows: readonly CustomerValueSummary[]) {
  return {
    bgnbd: fitBgNbd(rows),
    gammaGamma: fitGammaGamma(rows.filter((row) => row.frequency > 0)),
  };
}

function describe(model: BgNbdModel | GammaGammaModel): FittedModel {
  return {
    params: { ...model.params },
    standardErrors: { ...model.fit!.standardErrors },
    logLikelihood: model.logLikelihood!,
    customers: model.fit!.customers,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

function correlation(x: readonly number[], y: readonly number[]): number {
  const mx = sum(x) / x.length;
  const my = sum(y) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
