import { parseWith } from '@crmkit/core';
import type { z } from 'zod';
import { ClvError } from './errors';
import { type FitSummary, fitOptionsSchema, maximizeLikelihood, paramsSchema } from './fit';
import { logBeta } from './math/beta';
import { digamma, logGamma } from './math/gamma';
import { hyp2f1 } from './math/hypergeometric';
import { checkHorizon, checkRow, type PurchaseModel } from './model';
import {
  type Compressed,
  columnsOf,
  compressRowColumns,
  indexValues,
  type RfmRow,
  RfmRowSchema,
  type RowColumns,
  rowChecks,
  validateColumns,
  validateRows,
} from './rows';
import { modelJsonSchema, readModelJson, writeModelJson } from './serialize';

const NAMES = ['r', 'alpha', 'a', 'b'] as const;

/**
 * BG/NBD parameters: while alive a customer buys at rate λ ~ Gamma(shape
 * `r`, rate `alpha`); after each purchase they drop out with probability
 * p ~ Beta(`a`, `b`). `alpha` is in the rows' time unit.
 *
 * @example
 * ```ts
 * BgNbdParamsSchema.parse({ r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 });
 * ```
 */
export const BgNbdParamsSchema = paramsSchema(NAMES);

/**
 * What {@link BgNbdParamsSchema} accepts.
 *
 * @example
 * ```ts
 * const params: BgNbdParams = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };
 * ```
 */
export type BgNbdParams = z.infer<typeof BgNbdParamsSchema>;

/**
 * Options of {@link fitBgNbd}: `penalizer` (L2, default 0), `initialParams`
 * (default r = 1, alpha = r · mean T / mean frequency, a = b = 1) and
 * `maxIterations` (default 500).
 *
 * @example
 * ```ts
 * BgNbdFitOptionsSchema.parse({ penalizer: 0.001 });
 * ```
 */
export const BgNbdFitOptionsSchema = fitOptionsSchema(NAMES);

/**
 * What {@link BgNbdFitOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: BgNbdFitOptions = { initialParams: { r: 0.5 } };
 * ```
 */
export type BgNbdFitOptions = z.input<typeof BgNbdFitOptionsSchema>;

/**
 * The JSON form of a {@link BgNbdModel} (what `toJSON` writes and `fromJSON` reads).
 *
 * @example
 * ```ts
 * BgNbdModelJsonSchema.parse({ model: 'bg-nbd', params: { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 } });
 * ```
 */
export const BgNbdModelJsonSchema = modelJsonSchema('bg-nbd', BgNbdParamsSchema);

/**
 * What {@link BgNbdModelJsonSchema} accepts.
 *
 * @example
 * ```ts
 * const json: BgNbdModelJson = fitBgNbd(rows).toJSON();
 * ```
 */
export type BgNbdModelJson = z.infer<typeof BgNbdModelJsonSchema>;

/**
 * A BG/NBD model (Fader, Hardie & Lee 2005) with known parameters — fitted
 * by {@link fitBgNbd} or loaded with {@link BgNbdModel.fromJSON}. Rows are
 * in the time unit the model was fitted in.
 *
 * @example
 * ```ts
 * const model = BgNbdModel.fromJSON({ model: 'bg-nbd', params: { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 } });
 * model.expectedPurchases(39, { frequency: 2, recency: 30.43, T: 38.86 }); // ≈ 1.226
 * ```
 */
export class BgNbdModel implements PurchaseModel {
  /** The parameters. */
  readonly params: BgNbdParams;
  /** The maximised log-likelihood (absent for a model built from parameters only). */
  readonly logLikelihood: number | undefined;
  /** How the fit went (absent for a model built from parameters only). */
  readonly fit: FitSummary<BgNbdParams> | undefined;

  /** Use {@link fitBgNbd} or {@link BgNbdModel.fromJSON}. */
  constructor(params: BgNbdParams, logLikelihood?: number, fit?: FitSummary<BgNbdParams>) {
    this.params = Object.freeze(parseWith(BgNbdParamsSchema, 'BG/NBD parameters', params));
    this.logLikelihood = logLikelihood;
    this.fit = fit;
    Object.freeze(this);
  }

  /**
   * Loads a model from its {@link BgNbdModel.toJSON} form (an object or a
   * JSON string); throws `ValidationError` naming the bad field.
   *
   * @example
   * ```ts
   * const copy = BgNbdModel.fromJSON(JSON.stringify(model));
   * ```
   */
  static fromJSON(json: unknown): BgNbdModel {
    const state = readModelJson(BgNbdModelJsonSchema, 'BG/NBD model', json);
    return new BgNbdModel(state.params, state.logLikelihood, state.fit);
  }

  /**
   * The JSON form: `{ model: 'bg-nbd', params, logLikelihood?, fit? }`.
   *
   * @example
   * ```ts
   * JSON.stringify(model); // calls toJSON
   * ```
   */
  toJSON(): BgNbdModelJson {
    return writeModelJson('bg-nbd', this);
  }

  /**
   * The probability that the customer is still alive at T:
   * 1 / (1 + [x > 0] · a / (b + x − 1) · ((α + T) / (α + tₓ))^(r + x)).
   *
   * @example
   * ```ts
   * model.probabilityAlive({ frequency: 2, recency: 30.43, T: 38.86 });
   * ```
   */
  probabilityAlive(row: RfmRow): number {
    const { frequency: x, recency, T } = checkRow(RfmRowSchema, rowChecks.rfm, 'BG/NBD row', row);
    return bgNbdProbabilityAlive(this.params, x, recency, T);
  }

  /**
   * Expected purchases of this customer in (T, T + t] (Fader, Hardie & Lee
   * 2005, eq. 10), with the Gauss hypergeometric series.
   *
   * @example
   * ```ts
   * model.expectedPurchases(39, { frequency: 2, recency: 30.43, T: 38.86 }); // ≈ 1.226 on CDNOW
   * ```
   */
  expectedPurchases(t: number, row: RfmRow): number {
    const horizon = checkHorizon(t, 'BG/NBD horizon');
    const { frequency: x, recency, T } = checkRow(RfmRowSchema, rowChecks.rfm, 'BG/NBD row', row);
    return bgNbdExpectedPurchases(this.params, horizon, x, recency, T);
  }

  /**
   * Expected repeat purchases in (0, t] of a customer who has just made their
   * first purchase: (a + b − 1)/(a − 1) · [1 − (α/(α + t))^r · 2F1(r, b; a + b − 1; t/(α + t))].
   * Summed over a cohort's first-purchase times it gives the population's
   * expected cumulative repeat purchases curve ({@link BgNbdModel.expectedRepeatPurchasesCurve}).
   *
   * @example
   * ```ts
   * model.expectedPurchasesNewCustomer(78); // ≈ 1.8576 on CDNOW
   * ```
   */
  expectedPurchasesNewCustomer(t: number): number {
    const horizon = checkHorizon(t, 'BG/NBD horizon');
    const { r, alpha, a, b } = this.params;
    return expectationTerm(a, b, 0, r, alpha, horizon);
  }

  /**
   * The population's expected cumulative repeat purchases at each time in
   * `times`, for customers whose first purchases happened at
   * `firstPurchaseTimes` (on the same clock): Σᵢ E[X(t − sᵢ)] over the
   * customers with sᵢ < t.
   *
   * @example
   * ```ts
   * model.expectedRepeatPurchasesCurve([13, 26, 39], [0, 0.5, 3]);
   * ```
   */
  expectedRepeatPurchasesCurve(times: readonly number[], firstPurchaseTimes: readonly number[]): number[] {
    const starts = firstPurchaseTimes.map((s, i) => checkHorizon(s, `BG/NBD first purchase time ${i}`));
    return times.map((t) => {
      checkHorizon(t, 'BG/NBD curve time');
      let sum = 0;
      for (const s of starts) if (s < t) sum += this.expectedPurchasesNewCustomer(t - s);
      return sum;
    });
  }
}

/** P(alive) of a BG/NBD customer, arguments already validated. */
export function bgNbdProbabilityAlive(params: BgNbdParams, x: number, recency: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds = Math.log(a / (b + x - 1)) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + recency));
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

// (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r + x) · 2F1(r + x, b + x; a + b + x − 1; t/(α + T + t))],
// the expected purchases in the next t of a customer alive at T with x purchases; a = 1 is a removable
// singularity, bridged by averaging the two sides.
function expectationTerm(a: number, b: number, x: number, r: number, alpha: number, t: number): number {
  if (t === 0) return 0;
  if (Math.abs(a - 1) < 1e-7) {
    return (
      0.5 * (expectationTerm(1 - 2e-7, b, x, r, alpha, t) + expectationTerm(1 + 2e-7, b, x, r, alpha, t))
    );
  }
  const c = a + b + x - 1;
  if (Math.abs(c) < 1e-9) return expectationTerm(a + 2e-9, b, x, r, alpha, t);
  const z = t / (alpha + t);
  const f = hyp2f1(r + x, b + x, c, z);
  const logTerm = f.logAbs - (r + x) * Math.log1p(t / alpha);
  const oneMinus = f.sign > 0 ? -Math.expm1(logTerm) : 1 + Math.exp(logTerm);
  // Both factors change sign together at a = 1; rounding can only leave a tiny negative for t ≈ 0.
  return Math.max(0, (c / (a - 1)) * oneMinus);
}

/**
 * The part of a BG/NBD customer's conditional expected purchases in the next
 * `t` that depends on x and T only (times P(alive) it is the expectation),
 * arguments already validated.
 */
export function bgNbdConditionalTerm(params: BgNbdParams, t: number, x: number, T: number): number {
  const { r, alpha, a, b } = params;
  return expectationTerm(a, b, x, r, alpha + T, t);
}

/** Conditional expected purchases of a BG/NBD customer, arguments already validated. */
function bgNbdExpectedPurchases(
  params: BgNbdParams,
  t: number,
  x: number,
  recency: number,
  T: number,
): number {
  return bgNbdConditionalTerm(params, t, x, T) * bgNbdProbabilityAlive(params, x, recency, T);
}

/**
 * The BG/NBD log-likelihood over compressed rows, with its analytic gradient.
 *
 * @internal
 */
export function bgNbdLikelihood(data: Compressed) {
  const [xs, recencies, Ts] = data.columns as [Float64Array, Float64Array, Float64Array];
  const { weights, size } = data;
  const xIndex = indexValues(xs);
  const tIndex = indexValues(Ts);
  const rIndex = indexValues(recencies);
  const ux = xIndex.unique;
  const nx = ux.length;
  // Per distinct x: the part of the log-likelihood that depends on x only, its gradient, and log(a/(b + x − 1)).
  const base = new Float64Array(nx);
  const dBase = [
    new Float64Array(nx),
    new Float64Array(nx),
    new Float64Array(nx),
    new Float64Array(nx),
  ] as const;
  const logRatio = new Float64Array(nx);
  const logT = new Float64Array(tIndex.unique.length);
  const invT = new Float64Array(tIndex.unique.length);
  const logR = new Float64Array(rIndex.unique.length);
  const invR = new Float64Array(rIndex.unique.length);
  // Means of x and T for the default start (alpha = r · mean T / mean x).
  let meanX = 0;
  let meanT = 0;
  for (let i = 0; i < size; i++) {
    meanX += weights[i]! * xs[i]!;
    meanT += weights[i]! * Ts[i]!;
  }
  meanX /= data.total;
  meanT /= data.total;

  return {
    names: NAMES,
    start: [1, Math.max(meanT, 1e-6) / Math.max(meanX, 1e-3), 1, 1],
    total: data.total,
    size,
    analyticGradient: true,
    logLikelihood(theta: Float64Array, gradient?: Float64Array): number {
      const r = theta[0]!;
      const alpha = theta[1]!;
      const a = theta[2]!;
      const b = theta[3]!;
      const withGradient = gradient !== undefined;
      const logAlpha = Math.log(alpha);
      const lgR = logGamma(r);
      const lbAB = logBeta(a, b);
      const psiR = withGradient ? digamma(r) : 0;
      const psiAB = withGradient ? digamma(a + b) : 0;
      const psiB = withGradient ? digamma(b) : 0;
      for (let k = 0; k < nx; k++) {
        const x = ux[k]!;
        base[k] = logGamma(r + x) - lgR + r * logAlpha + logBeta(a, b + x) - lbAB;
        logRatio[k] = x > 0 ? Math.log(a / (b + x - 1)) : 0;
        if (withGradient) {
          const psiABX = digamma(a + b + x);
          dBase[0][k] = digamma(r + x) - psiR + logAlpha;
          dBase[1][k] = r / alpha;
          dBase[2][k] = psiAB - psiABX;
          dBase[3][k] = psiAB - psiABX + (x > 0 ? digamma(b + x) - psiB : 0);
        }
      }
      for (let k = 0; k < logT.length; k++) {
        logT[k] = Math.log(alpha + tIndex.unique[k]!);
        invT[k] = 1 / (alpha + tIndex.unique[k]!);
      }
      for (let k = 0; k < logR.length; k++) {
        logR[k] = Math.log(alpha + rIndex.unique[k]!);
        invR[k] = 1 / (alpha + rIndex.unique[k]!);
      }
      let ll = 0;
      let gr = 0;
      let gAlpha = 0;
      let ga = 0;
      let gb = 0;
      const xi = xIndex.index;
      const ti = tIndex.index;
      const ri = rIndex.index;
      for (let i = 0; i < size; i++) {
        const w = weights[i]!;
        const k = xi[i]!;
        const x = ux[k]!;
        const rx = r + x;
        const lt = logT[ti[i]!]!;
        const a3 = -rx * lt;
        let value: number;
        // share: the weight of the "dropped out after the last purchase" term in the mixture.
        let share = 0;
        if (x > 0) {
          const lr = logR[ri[i]!]!;
          const a4 = logRatio[k]! - rx * lr;
          if (a4 > a3) {
            const e = Math.exp(a3 - a4);
            value = a4 + Math.log1p(e);
            share = 1 / (1 + e);
          } else {
            const e = Math.exp(a4 - a3);
            value = a3 + Math.log1p(e);
            share = e / (1 + e);
          }
          if (withGradient) {
            const keep = 1 - share;
            gr += w * (dBase[0][k]! - keep * lt - share * lr);
            gAlpha += w * (dBase[1][k]! - rx * (keep * invT[ti[i]!]! + share * invR[ri[i]!]!));
            ga += w * (dBase[2][k]! + share / a);
            gb += w * (dBase[3][k]! - share / (b + x - 1));
          }
        } else {
          value = a3;
          if (withGradient) {
            gr += w * (dBase[0][k]! - lt);
            gAlpha += w * (dBase[1][k]! - rx * invT[ti[i]!]!);
            ga += w * dBase[2][k]!;
            gb += w * dBase[3][k]!;
          }
        }
        ll += w * (base[k]! + value);
      }
      if (gradient) {
        gradient[0] = gr;
        gradient[1] = gAlpha;
        gradient[2] = ga;
        gradient[3] = gb;
      }
      return ll;
    },
  };
}

/**
 * Fits the BG/NBD model (Fader, Hardie & Lee 2005) by maximum likelihood:
 * L-BFGS on log-parameters with the analytic gradient, over the distinct
 * rows (identical rows are merged, their weights added). Rows are
 * `{ frequency, recency, T, weight? }` in one time unit (see
 * {@link summarizeTransactions}).
 *
 * Throws core's `ValidationError` naming the row and field of a bad row or
 * option, and {@link ClvError} `CLV_NOT_IDENTIFIABLE` (nobody repeats, a
 * parameter runs off, a flat optimum) or `CLV_NOT_CONVERGED`.
 *
 * @example
 * ```ts
 * const model = fitBgNbd(rows); // CDNOW: r ≈ 0.2426, alpha ≈ 4.4136, a ≈ 0.7929, b ≈ 2.4259
 * model.probabilityAlive({ frequency: 2, recency: 30.43, T: 38.86 });
 * ```
 */
export function fitBgNbd(rows: readonly RfmRow[], options?: BgNbdFitOptions): BgNbdModel {
  const parsed = parseWith(BgNbdFitOptionsSchema, 'BG/NBD options', options ?? {});
  validateRows(rows, RfmRowSchema, rowChecks.rfm, 'BG/NBD rows');
  const data = columnsOf(rows as readonly Required<Pick<RfmRow, 'frequency' | 'recency' | 'T'>>[], [
    'frequency',
    'recency',
    'T',
  ]);
  return fitCompressed(data, parsed);
}

/**
 * {@link fitBgNbd} over columns instead of one object per customer:
 * `frequency`, `recency`, `T` and an optional `weight`, entry `i` of each
 * being customer `i` — the same model as `fitBgNbd` on the same rows. Bad
 * entries throw `ValidationError` with paths `[field, index]`; the other
 * errors are `fitBgNbd`'s.
 *
 * @example
 * ```ts
 * const model = fitBgNbdColumns({
 *   frequency: Float64Array.of(2, 0, 5),
 *   recency: Float64Array.of(30.43, 0, 20),
 *   T: Float64Array.of(38.86, 12, 40),
 * });
 * ```
 */
export function fitBgNbdColumns(
  columns: RowColumns<'frequency' | 'recency' | 'T'>,
  options?: BgNbdFitOptions,
): BgNbdModel {
  const parsed = parseWith(BgNbdFitOptionsSchema, 'BG/NBD options', options ?? {});
  validateColumns(columns, RFM_FIELDS, RfmRowSchema, rowChecks.rfm, 'BG/NBD columns');
  return fitCompressed(compressRowColumns(columns, RFM_FIELDS), parsed);
}

const RFM_FIELDS = ['frequency', 'recency', 'T'] as const;

function fitCompressed(data: Compressed, parsed: z.output<typeof BgNbdFitOptionsSchema>): BgNbdModel {
  if (!data.columns[0]!.some((x) => x > 0)) {
    throw new ClvError(
      'CLV_NOT_IDENTIFIABLE',
      'BG/NBD: nobody made a repeat purchase; the data do not identify the model',
      {
        model: 'BG/NBD',
      },
    );
  }
  const fit = maximizeLikelihood(bgNbdLikelihood(data), parsed, 'BG/NBD');
  return new BgNbdModel(fit.params as BgNbdParams, fit.logLikelihood, fit.summary as FitSummary<BgNbdParams>);
}
