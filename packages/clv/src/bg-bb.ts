import { parseWith } from '@crmkit/core';
import type { z } from 'zod';
import { ClvError } from './errors';
import { type FitSummary, fitOptionsSchema, maximizeLikelihood, paramsSchema } from './fit';
import { logBeta } from './math/beta';
import { logAddExp } from './math/log-space';
import { checkHorizon, checkRow, type PurchaseModel } from './model';
import { type BgBbRow, BgBbRowSchema, columnsOf, rowChecks, validateRows } from './rows';
import { modelJsonSchema, readModelJson, writeModelJson } from './serialize';

const NAMES = ['alpha', 'beta', 'gamma', 'delta'] as const;

/**
 * BG/BB parameters: while alive a customer transacts at each opportunity
 * with probability p ~ Beta(`alpha`, `beta`) and drops out before each
 * opportunity with probability θ ~ Beta(`gamma`, `delta`).
 *
 * @example
 * ```ts
 * BgBbParamsSchema.parse({ alpha: 1.2035, beta: 0.7497, gamma: 0.6567, delta: 2.7834 });
 * ```
 */
export const BgBbParamsSchema = paramsSchema(NAMES);

/**
 * What {@link BgBbParamsSchema} accepts.
 *
 * @example
 * ```ts
 * const params: BgBbParams = { alpha: 1.2035, beta: 0.7497, gamma: 0.6567, delta: 2.7834 };
 * ```
 */
export type BgBbParams = z.infer<typeof BgBbParamsSchema>;

/**
 * Options of {@link fitBgBb}: `penalizer` (L2, default 0), `initialParams`
 * (default all 1) and `maxIterations`.
 *
 * @example
 * ```ts
 * BgBbFitOptionsSchema.parse({ penalizer: 0 });
 * ```
 */
export const BgBbFitOptionsSchema = fitOptionsSchema(NAMES);

/**
 * What {@link BgBbFitOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: BgBbFitOptions = { maxIterations: 200 };
 * ```
 */
export type BgBbFitOptions = z.input<typeof BgBbFitOptionsSchema>;

/**
 * The JSON form of a {@link BgBbModel}.
 *
 * @example
 * ```ts
 * BgBbModelJsonSchema.parse({ model: 'bg-bb', params: { alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.78 } });
 * ```
 */
export const BgBbModelJsonSchema = modelJsonSchema('bg-bb', BgBbParamsSchema);

/**
 * What {@link BgBbModelJsonSchema} accepts.
 *
 * @example
 * ```ts
 * const json: BgBbModelJson = fitBgBb(rows).toJSON();
 * ```
 */
export type BgBbModelJson = z.infer<typeof BgBbModelJsonSchema>;

// log of the BG/BB likelihood of (x, tₓ, n) (Fader, Hardie & Shang 2010, eq. 5).
function logLikelihoodOf(params: BgBbParams, x: number, recency: number, n: number): number {
  const { alpha, beta, gamma, delta } = params;
  const lbAB = logBeta(alpha, beta);
  const lbGD = logBeta(gamma, delta);
  let ll = logBeta(alpha + x, beta + n - x) - lbAB + logBeta(gamma, delta + n) - lbGD;
  for (let i = 0; i < n - recency; i++) {
    ll = logAddExp(
      ll,
      logBeta(alpha + x, beta + recency - x + i) - lbAB + logBeta(gamma + 1, delta + recency + i) - lbGD,
    );
  }
  return ll;
}

/**
 * A BG/BB model (Fader, Hardie & Shang 2010) for discrete transaction
 * opportunities — fitted by {@link fitBgBb} or loaded with
 * {@link BgBbModel.fromJSON}.
 *
 * @example
 * ```ts
 * const model = BgBbModel.fromJSON({ model: 'bg-bb', params: { alpha: 1.2035, beta: 0.7497, gamma: 0.6567, delta: 2.7834 } });
 * model.probabilityAlive({ frequency: 6, recency: 6, n: 6 });
 * ```
 */
export class BgBbModel implements PurchaseModel<BgBbRow> {
  /** The parameters. */
  readonly params: BgBbParams;
  /** The maximised log-likelihood (absent for a model built from parameters only). */
  readonly logLikelihood: number | undefined;
  /** How the fit went (absent for a model built from parameters only). */
  readonly fit: FitSummary<BgBbParams> | undefined;

  /** Use {@link fitBgBb} or {@link BgBbModel.fromJSON}. */
  constructor(params: BgBbParams, logLikelihood?: number, fit?: FitSummary<BgBbParams>) {
    this.params = Object.freeze(parseWith(BgBbParamsSchema, 'BG/BB parameters', params));
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
   * const copy = BgBbModel.fromJSON(JSON.stringify(model));
   * ```
   */
  static fromJSON(json: unknown): BgBbModel {
    const state = readModelJson(BgBbModelJsonSchema, 'BG/BB model', json);
    return new BgBbModel(state.params, state.logLikelihood, state.fit);
  }

  /**
   * The JSON form: `{ model: 'bg-bb', params, logLikelihood?, fit? }`.
   *
   * @example
   * ```ts
   * JSON.stringify(model);
   * ```
   */
  toJSON(): BgBbModelJson {
    return writeModelJson('bg-bb', this);
  }

  /**
   * The probability that the customer is alive at the next opportunity, n + 1
   * (Fader, Hardie & Shang 2010, eq. 11).
   *
   * @example
   * ```ts
   * model.probabilityAlive({ frequency: 3, recency: 4, n: 6 });
   * ```
   */
  probabilityAlive(row: BgBbRow): number {
    const { frequency: x, recency, n } = checkRow(BgBbRowSchema, rowChecks.bgbb, 'BG/BB row', row);
    const { alpha, beta, gamma, delta } = this.params;
    return Math.exp(
      logBeta(alpha + x, beta + n - x) -
        logBeta(alpha, beta) +
        logBeta(gamma, delta + n + 1) -
        logBeta(gamma, delta) -
        logLikelihoodOf(this.params, x, recency, n),
    );
  }

  /**
   * Expected transactions in the next `t` opportunities, n + 1 … n + t
   * (Fader, Hardie & Shang 2010, eq. 13, summed term by term so it holds
   * for every gamma, including 1). `t` must be a whole number.
   *
   * @example
   * ```ts
   * model.expectedPurchases(5, { frequency: 3, recency: 4, n: 6 });
   * ```
   */
  expectedPurchases(t: number, row: BgBbRow): number {
    const horizon = checkHorizon(t, 'BG/BB horizon', true);
    const { frequency: x, recency, n } = checkRow(BgBbRowSchema, rowChecks.bgbb, 'BG/BB row', row);
    const { alpha, beta, gamma, delta } = this.params;
    const head =
      logBeta(alpha + x + 1, beta + n - x) -
      logBeta(alpha, beta) -
      logBeta(gamma, delta) -
      logLikelihoodOf(this.params, x, recency, n);
    let sum = 0;
    for (let k = 1; k <= horizon; k++) sum += Math.exp(head + logBeta(gamma, delta + n + k));
    return sum;
  }

  /**
   * Expected transactions in the first `n` opportunities of a new customer:
   * Σ over opportunities i = 1 … n of E[p] · E[(1 − θ)^i].
   *
   * @example
   * ```ts
   * model.expectedPurchasesNewCustomer(6);
   * ```
   */
  expectedPurchasesNewCustomer(n: number): number {
    const horizon = checkHorizon(n, 'BG/BB horizon', true);
    const { alpha, beta, gamma, delta } = this.params;
    const lbGD = logBeta(gamma, delta);
    let sum = 0;
    for (let i = 1; i <= horizon; i++) sum += Math.exp(logBeta(gamma, delta + i) - lbGD);
    return (alpha / (alpha + beta)) * sum;
  }
}

/**
 * Fits the BG/BB model by maximum likelihood on `{ frequency, recency, n,
 * weight? }` rows (discrete opportunities; donations data come as a
 * weighted table): L-BFGS on log-parameters over the distinct rows.
 *
 * Throws `ValidationError` for a bad row or option, and {@link ClvError}
 * `CLV_NOT_IDENTIFIABLE` (nobody transacts after the first, a parameter
 * runs off) or `CLV_NOT_CONVERGED`.
 *
 * @example
 * ```ts
 * const model = fitBgBb(donations); // alpha ≈ 1.2035, beta ≈ 0.7497, gamma ≈ 0.6567, delta ≈ 2.7834
 * ```
 */
export function fitBgBb(rows: readonly BgBbRow[], options?: BgBbFitOptions): BgBbModel {
  const parsed = parseWith(BgBbFitOptionsSchema, 'BG/BB options', options ?? {});
  validateRows(rows, BgBbRowSchema, rowChecks.bgbb, 'BG/BB rows');
  const data = columnsOf(rows, ['frequency', 'recency', 'n']);
  const [xs, recencies, ns] = data.columns as [Float64Array, Float64Array, Float64Array];
  const { weights, size, total } = data;
  if (!xs.some((x) => x > 0)) {
    throw new ClvError(
      'CLV_NOT_IDENTIFIABLE',
      'BG/BB: nobody transacted; the data do not identify the model',
      {
        model: 'BG/BB',
      },
    );
  }
  const likelihood = {
    names: NAMES,
    start: [1, 1, 1, 1],
    total,
    size,
    analyticGradient: false,
    logLikelihood(theta: Float64Array): number {
      const params = { alpha: theta[0]!, beta: theta[1]!, gamma: theta[2]!, delta: theta[3]! };
      let ll = 0;
      for (let i = 0; i < size; i++)
        ll += weights[i]! * logLikelihoodOf(params, xs[i]!, recencies[i]!, ns[i]!);
      return ll;
    },
  };
  const fit = maximizeLikelihood(likelihood, parsed, 'BG/BB');
  return new BgBbModel(fit.params as BgBbParams, fit.logLikelihood, fit.summary as FitSummary<BgBbParams>);
}
