import { parseWith } from '@crmkit/core';
import { z } from 'zod';
import { ClvError } from './errors';
import { type FitSummary, fitOptionsSchema, maximizeLikelihood, paramsSchema } from './fit';
import { digamma, logGamma } from './math/gamma';
import { checkRow } from './model';
import {
  type Compressed,
  columnsOf,
  compressRowColumns,
  indexValues,
  type RowColumns,
  rowChecks,
  type SpendRow,
  SpendRowSchema,
  validateColumns,
  validateRows,
} from './rows';
import { modelJsonSchema, readModelJson, writeModelJson } from './serialize';

const NAMES = ['p', 'q', 'v'] as const;

/**
 * Gamma-Gamma parameters: each transaction's value ~ Gamma(shape `p`, rate
 * ν), the customer's ν ~ Gamma(shape `q`, rate `v`). The population's mean
 * transaction value is p·v / (q − 1) (defined for q > 1).
 *
 * @example
 * ```ts
 * GammaGammaParamsSchema.parse({ p: 6.25, q: 3.74, v: 15.44 });
 * ```
 */
export const GammaGammaParamsSchema = paramsSchema(NAMES);

/**
 * What {@link GammaGammaParamsSchema} accepts.
 *
 * @example
 * ```ts
 * const params: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };
 * ```
 */
export type GammaGammaParams = z.infer<typeof GammaGammaParamsSchema>;

/**
 * Options of {@link fitGammaGamma}: `penalizer` (L2, default 0),
 * `initialParams` (default p = q = 1, v = mean spend) and `maxIterations`.
 *
 * @example
 * ```ts
 * GammaGammaFitOptionsSchema.parse({ penalizer: 0 });
 * ```
 */
export const GammaGammaFitOptionsSchema = fitOptionsSchema(NAMES);

/**
 * What {@link GammaGammaFitOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: GammaGammaFitOptions = { initialParams: { q: 2 } };
 * ```
 */
export type GammaGammaFitOptions = z.input<typeof GammaGammaFitOptionsSchema>;

/**
 * The JSON form of a {@link GammaGammaModel}.
 *
 * @example
 * ```ts
 * GammaGammaModelJsonSchema.parse({ model: 'gamma-gamma', params: { p: 6.25, q: 3.74, v: 15.44 } });
 * ```
 */
export const GammaGammaModelJsonSchema = modelJsonSchema('gamma-gamma', GammaGammaParamsSchema);

/**
 * What {@link GammaGammaModelJsonSchema} accepts.
 *
 * @example
 * ```ts
 * const json: GammaGammaModelJson = fitGammaGamma(repeaters).toJSON();
 * ```
 */
export type GammaGammaModelJson = z.infer<typeof GammaGammaModelJsonSchema>;

/**
 * A customer's spend history for a prediction: `frequency` repeat purchases
 * (0 allowed: the prediction is then the population mean) and
 * `monetaryValue`, their mean value (ignored when frequency is 0).
 *
 * @example
 * ```ts
 * SpendHistorySchema.parse({ frequency: 0, monetaryValue: 0 });
 * ```
 */
export const SpendHistorySchema = z
  .object({
    frequency: z.number().int('must be a whole number').min(0, 'must be >= 0'),
    monetaryValue: z.number().min(0, 'must be >= 0').finite('must be finite'),
  })
  .refine((row) => row.frequency === 0 || row.monetaryValue > 0, {
    path: ['monetaryValue'],
    message: 'must be > 0 when frequency > 0',
  });

/**
 * What {@link SpendHistorySchema} accepts.
 *
 * @example
 * ```ts
 * const row: SpendHistory = { frequency: 2, monetaryValue: 22.35 };
 * ```
 */
export type SpendHistory = z.input<typeof SpendHistorySchema>;

const isSpendHistory = (row: unknown): boolean => {
  if (typeof row !== 'object' || row === null) return false;
  const { frequency, monetaryValue } = row as Record<string, unknown>;
  return (
    typeof frequency === 'number' &&
    Number.isInteger(frequency) &&
    frequency >= 0 &&
    typeof monetaryValue === 'number' &&
    Number.isFinite(monetaryValue) &&
    (frequency === 0 ? monetaryValue >= 0 : monetaryValue > 0)
  );
};

/**
 * A Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Fader & Hardie 2013)
 * with known parameters — fitted by {@link fitGammaGamma} or loaded with
 * {@link GammaGammaModel.fromJSON}. It assumes a customer's transaction values
 * do not depend on how often they buy (check the correlation first).
 *
 * @example
 * ```ts
 * const spend = GammaGammaModel.fromJSON({ model: 'gamma-gamma', params: { p: 6.25, q: 3.74, v: 15.44 } });
 * spend.expectedAverageSpend({ frequency: 2, monetaryValue: 22.35 }); // ≈ 24.66
 * ```
 */
export class GammaGammaModel {
  /** The parameters. */
  readonly params: GammaGammaParams;
  /** The maximised log-likelihood (absent for a model built from parameters only). */
  readonly logLikelihood: number | undefined;
  /** How the fit went (absent for a model built from parameters only). */
  readonly fit: FitSummary<GammaGammaParams> | undefined;

  /** Use {@link fitGammaGamma} or {@link GammaGammaModel.fromJSON}. */
  constructor(params: GammaGammaParams, logLikelihood?: number, fit?: FitSummary<GammaGammaParams>) {
    this.params = Object.freeze(parseWith(GammaGammaParamsSchema, 'Gamma-Gamma parameters', params));
    this.logLikelihood = logLikelihood;
    this.fit = fit;
    Object.freeze(this);
  }

  /**
   * Loads a model from its JSON form (an object or a JSON string); throws
   * `ValidationError` naming the bad field.
   *
   * @example
   * ```ts
   * const copy = GammaGammaModel.fromJSON(JSON.stringify(spend));
   * ```
   */
  static fromJSON(json: unknown): GammaGammaModel {
    const state = readModelJson(GammaGammaModelJsonSchema, 'Gamma-Gamma model', json);
    return new GammaGammaModel(state.params, state.logLikelihood, state.fit);
  }

  /**
   * The JSON form: `{ model: 'gamma-gamma', params, logLikelihood?, fit? }`.
   *
   * @example
   * ```ts
   * JSON.stringify(spend);
   * ```
   */
  toJSON(): GammaGammaModelJson {
    return writeModelJson('gamma-gamma', this);
  }

  /**
   * The population's mean transaction value, p·v / (q − 1). Throws
   * {@link ClvError} `CLV_UNDEFINED` when q ≤ 1 (the mean is infinite).
   *
   * @example
   * ```ts
   * spend.meanSpend(); // ≈ 35.17 on CDNOW
   * ```
   */
  meanSpend(): number {
    const { p, q, v } = this.params;
    this.requireMean();
    return (p * v) / (q - 1);
  }

  /**
   * The expected value of this customer's future transactions given their
   * history: p(v + x·m̄) / (p·x + q − 1), a weighted mean of the population
   * mean and the customer's own mean m̄. With frequency 0 it is the
   * population mean. Throws `CLV_UNDEFINED` when q ≤ 1.
   *
   * @example
   * ```ts
   * spend.expectedAverageSpend({ frequency: 2, monetaryValue: 22.35 }); // ≈ 24.66 on CDNOW
   * ```
   */
  expectedAverageSpend(row: SpendHistory): number {
    const { frequency: x, monetaryValue } = checkRow(
      SpendHistorySchema,
      isSpendHistory,
      'Gamma-Gamma row',
      row,
    );
    this.requireMean();
    const { p, q, v } = this.params;
    return x === 0 ? (p * v) / (q - 1) : (p * (v + x * monetaryValue)) / (p * x + q - 1);
  }

  private requireMean(): void {
    if (!(this.params.q > 1)) {
      throw new ClvError(
        'CLV_UNDEFINED',
        `Gamma-Gamma: the expected spend is infinite for q = ${this.params.q} (it needs q > 1)`,
        { params: this.params },
      );
    }
  }
}

/**
 * Fits the Gamma-Gamma spend model by maximum likelihood on repeat customers'
 * `{ frequency, monetaryValue, weight? }` rows (frequency ≥ 1, monetaryValue
 * the mean value of the repeat purchases): L-BFGS on log-parameters with
 * the analytic gradient over the distinct rows.
 *
 * Throws `ValidationError` for a bad row (with its index and field) or
 * option, and {@link ClvError} `CLV_NOT_IDENTIFIABLE` when every spend is
 * the same (nothing to learn about spread) or `CLV_NOT_CONVERGED`.
 *
 * @example
 * ```ts
 * const spend = fitGammaGamma(rows.filter((row) => row.frequency > 0)); // CDNOW: p ≈ 6.25, q ≈ 3.74, v ≈ 15.45
 * ```
 */
export function fitGammaGamma(rows: readonly SpendRow[], options?: GammaGammaFitOptions): GammaGammaModel {
  const parsed = parseWith(GammaGammaFitOptionsSchema, 'Gamma-Gamma options', options ?? {});
  validateRows(rows, SpendRowSchema, rowChecks.spend, 'Gamma-Gamma rows');
  return fitCompressed(columnsOf(rows, SPEND_FIELDS), parsed);
}

/**
 * {@link fitGammaGamma} over columns instead of one object per repeat
 * customer: `frequency`, `monetaryValue` and an optional `weight`, entry
 * `i` of each being customer `i` — the same model as `fitGammaGamma` on the
 * same rows. Bad entries throw `ValidationError` with paths
 * `[field, index]`; the other errors are `fitGammaGamma`'s.
 *
 * @example
 * ```ts
 * const spend = fitGammaGammaColumns({
 *   frequency: Float64Array.of(2, 1, 6),
 *   monetaryValue: Float64Array.of(22.35, 14.9, 41.2),
 * });
 * ```
 */
export function fitGammaGammaColumns(
  columns: RowColumns<'frequency' | 'monetaryValue'>,
  options?: GammaGammaFitOptions,
): GammaGammaModel {
  const parsed = parseWith(GammaGammaFitOptionsSchema, 'Gamma-Gamma options', options ?? {});
  validateColumns(columns, SPEND_FIELDS, SpendRowSchema, rowChecks.spend, 'Gamma-Gamma columns');
  return fitCompressed(compressRowColumns(columns, SPEND_FIELDS), parsed);
}

const SPEND_FIELDS = ['frequency', 'monetaryValue'] as const;

function fitCompressed(
  data: Compressed,
  parsed: z.output<typeof GammaGammaFitOptionsSchema>,
): GammaGammaModel {
  const ms = data.columns[1]!;
  if (ms.every((m) => m === ms[0])) {
    throw new ClvError(
      'CLV_NOT_IDENTIFIABLE',
      'Gamma-Gamma: every customer has the same mean spend; the data do not identify the model',
      { model: 'Gamma-Gamma' },
    );
  }
  const likelihood = gammaGammaLikelihood(data);
  const fit = maximizeLikelihood(likelihood, parsed, 'Gamma-Gamma');
  return new GammaGammaModel(
    fit.params as GammaGammaParams,
    fit.logLikelihood,
    fit.summary as FitSummary<GammaGammaParams>,
  );
}

/**
 * The Gamma-Gamma log-likelihood over compressed (frequency, monetaryValue) rows, with its analytic gradient.
 *
 * @internal
 */
export function gammaGammaLikelihood(data: Compressed) {
  const [xs, ms] = data.columns as [Float64Array, Float64Array];
  const { weights, size, total } = data;
  const xIndex = indexValues(xs);
  const ux = xIndex.unique;
  // log m per row and log x per distinct x, computed once.
  const logM = ms.map(Math.log);
  const logX = ux.map(Math.log);
  let meanSpend = 0;
  for (let i = 0; i < size; i++) meanSpend += weights[i]! * ms[i]!;
  meanSpend /= total;
  const lgPx = new Float64Array(ux.length);
  const lgPxq = new Float64Array(ux.length);
  const psiPx = new Float64Array(ux.length);
  const psiPxq = new Float64Array(ux.length);

  return {
    names: NAMES,
    start: [1, 1, meanSpend],
    total,
    size,
    analyticGradient: true,
    logLikelihood(theta: Float64Array, gradient?: Float64Array): number {
      const p = theta[0]!;
      const q = theta[1]!;
      const v = theta[2]!;
      const logV = Math.log(v);
      const lgQ = logGamma(q);
      for (let k = 0; k < ux.length; k++) {
        const px = p * ux[k]!;
        lgPx[k] = logGamma(px);
        lgPxq[k] = logGamma(px + q);
        if (gradient) {
          psiPx[k] = digamma(px);
          psiPxq[k] = digamma(px + q);
        }
      }
      const psiQ = gradient ? digamma(q) : 0;
      let ll = 0;
      let gp = 0;
      let gq = 0;
      let gv = 0;
      const index = xIndex.index;
      for (let i = 0; i < size; i++) {
        const w = weights[i]!;
        const k = index[i]!;
        const x = ux[k]!;
        const m = ms[i]!;
        const px = p * x;
        const total_ = x * m + v;
        const logTotal = Math.log(total_);
        ll +=
          w *
          (lgPxq[k]! - lgPx[k]! - lgQ + q * logV + (px - 1) * logM[i]! + px * logX[k]! - (px + q) * logTotal);
        if (gradient) {
          gp += w * x * (psiPxq[k]! - psiPx[k]! + logM[i]! + logX[k]! - logTotal);
          gq += w * (psiPxq[k]! - psiQ + logV - logTotal);
          gv += w * (q / v - (px + q) / total_);
        }
      }
      if (gradient) {
        gradient[0] = gp;
        gradient[1] = gq;
        gradient[2] = gv;
      }
      return ll;
    },
  };
}
