import { parseWith } from '@crmkit/core';
import type { z } from 'zod';
import { ClvError } from './errors';
import { type FitSummary, fitOptionsSchema, maximizeLikelihood, paramsSchema } from './fit';
import { digamma, logGamma } from './math/gamma';
import { logHyp2f1AOne, logHyp2f1AOneWithGradient } from './math/hypergeometric';
import { expm1Ratio, logAddExp, logSubExp } from './math/log-space';
import { checkHorizon, checkRow, type PurchaseModel } from './model';
import {
  type Compressed,
  columnsOf,
  indexValues,
  type RfmRow,
  RfmRowSchema,
  rowChecks,
  validateRows,
} from './rows';
import { modelJsonSchema, readModelJson, writeModelJson } from './serialize';

const NAMES = ['r', 'alpha', 's', 'beta'] as const;

/**
 * Pareto/NBD parameters: while alive a customer buys at rate λ ~ Gamma(shape
 * `r`, rate `alpha`); their lifetime is exponential with rate μ ~ Gamma(shape
 * `s`, rate `beta`). `alpha` and `beta` are in the rows' time unit.
 *
 * @example
 * ```ts
 * ParetoNbdParamsSchema.parse({ r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 });
 * ```
 */
export const ParetoNbdParamsSchema = paramsSchema(NAMES);

/**
 * What {@link ParetoNbdParamsSchema} accepts.
 *
 * @example
 * ```ts
 * const params: ParetoNbdParams = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };
 * ```
 */
export type ParetoNbdParams = z.infer<typeof ParetoNbdParamsSchema>;

/**
 * Options of {@link fitParetoNbd}: `penalizer` (L2, default 0),
 * `initialParams` (default r = s = 1, alpha = beta = mean T) and `maxIterations`.
 *
 * @example
 * ```ts
 * ParetoNbdFitOptionsSchema.parse({ penalizer: 0.001 });
 * ```
 */
export const ParetoNbdFitOptionsSchema = fitOptionsSchema(NAMES);

/**
 * What {@link ParetoNbdFitOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: ParetoNbdFitOptions = { initialParams: { s: 0.5 } };
 * ```
 */
export type ParetoNbdFitOptions = z.input<typeof ParetoNbdFitOptionsSchema>;

/**
 * The JSON form of a {@link ParetoNbdModel}.
 *
 * @example
 * ```ts
 * ParetoNbdModelJsonSchema.parse({ model: 'pareto-nbd', params: { r: 0.55, alpha: 10.58, s: 0.61, beta: 11.66 } });
 * ```
 */
export const ParetoNbdModelJsonSchema = modelJsonSchema('pareto-nbd', ParetoNbdParamsSchema);

/**
 * What {@link ParetoNbdModelJsonSchema} accepts.
 *
 * @example
 * ```ts
 * const json: ParetoNbdModelJson = fitParetoNbd(rows).toJSON();
 * ```
 */
export type ParetoNbdModelJson = z.infer<typeof ParetoNbdModelJsonSchema>;

/**
 * log A₀ of Fader & Hardie (2005): A₀ = ∫ from tₓ to T of (α+τ)^−(r+x) (β+τ)^−(s+1) dτ · (r+s+x),
 * written with 2F1(r+s+x, ·; r+s+x+1; z) on whichever of α, β is larger so that 0 ≤ z < 1.
 */
function logA0(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  x: number,
  recency: number,
  T: number,
): number {
  if (recency === T) return Number.NEGATIVE_INFINITY;
  const a = r + s + x;
  const [big, small, b] = alpha >= beta ? [alpha, beta, s + 1] : [beta, alpha, r + x];
  const diff = big - small;
  const near = logHyp2f1AOne(a, b, diff / (big + recency)) - a * Math.log(big + recency);
  const far = logHyp2f1AOne(a, b, diff / (big + T)) - a * Math.log(big + T);
  return logSubExp(near, far);
}

/** log of the Pareto/NBD odds of being dead: (s/(r+s+x)) (α+T)^(r+x) (β+T)^s A₀. */
function logOddsDead(params: ParetoNbdParams, x: number, recency: number, T: number): number {
  const { r, alpha, s, beta } = params;
  return (
    Math.log(s / (r + s + x)) +
    (r + x) * Math.log(alpha + T) +
    s * Math.log(beta + T) +
    logA0(r, alpha, s, beta, x, recency, T)
  );
}

/**
 * A Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) with known
 * parameters — fitted by {@link fitParetoNbd} or loaded with
 * {@link ParetoNbdModel.fromJSON}.
 *
 * @example
 * ```ts
 * const model = ParetoNbdModel.fromJSON({ model: 'pareto-nbd', params: { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 } });
 * model.probabilityAlive({ frequency: 2, recency: 30.43, T: 38.86 });
 * ```
 */
export class ParetoNbdModel implements PurchaseModel {
  /** The parameters. */
  readonly params: ParetoNbdParams;
  /** The maximised log-likelihood (absent for a model built from parameters only). */
  readonly logLikelihood: number | undefined;
  /** How the fit went (absent for a model built from parameters only). */
  readonly fit: FitSummary<ParetoNbdParams> | undefined;

  /** Use {@link fitParetoNbd} or {@link ParetoNbdModel.fromJSON}. */
  constructor(params: ParetoNbdParams, logLikelihood?: number, fit?: FitSummary<ParetoNbdParams>) {
    this.params = Object.freeze(parseWith(ParetoNbdParamsSchema, 'Pareto/NBD parameters', params));
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
   * const copy = ParetoNbdModel.fromJSON(JSON.stringify(model));
   * ```
   */
  static fromJSON(json: unknown): ParetoNbdModel {
    const state = readModelJson(ParetoNbdModelJsonSchema, 'Pareto/NBD model', json);
    return new ParetoNbdModel(state.params, state.logLikelihood, state.fit);
  }

  /**
   * The JSON form: `{ model: 'pareto-nbd', params, logLikelihood?, fit? }`.
   *
   * @example
   * ```ts
   * JSON.stringify(model);
   * ```
   */
  toJSON(): ParetoNbdModelJson {
    return writeModelJson('pareto-nbd', this);
  }

  /**
   * The probability that the customer is still alive at T (Fader & Hardie
   * 2005, eq. 18).
   *
   * @example
   * ```ts
   * model.probabilityAlive({ frequency: 0, recency: 0, T: 38.86 });
   * ```
   */
  probabilityAlive(row: RfmRow): number {
    const { frequency, recency, T } = checkRow(RfmRowSchema, rowChecks.rfm, 'Pareto/NBD row', row);
    return paretoNbdProbabilityAlive(this.params, frequency, recency, T);
  }

  /**
   * Expected purchases of this customer in (T, T + t] (Fader & Hardie 2005,
   * eq. 20): P(alive) · (r + x)(β + T) / ((α + T)(s − 1)) · [1 − ((β + T)/(β + T + t))^(s − 1)],
   * continuous at s = 1.
   *
   * @example
   * ```ts
   * model.expectedPurchases(39, { frequency: 2, recency: 30.43, T: 38.86 });
   * ```
   */
  expectedPurchases(t: number, row: RfmRow): number {
    const horizon = checkHorizon(t, 'Pareto/NBD horizon');
    const { frequency, recency, T } = checkRow(RfmRowSchema, rowChecks.rfm, 'Pareto/NBD row', row);
    return paretoNbdExpectedPurchases(this.params, horizon, frequency, recency, T);
  }

  /**
   * Expected repeat purchases in (0, t] of a customer who has just made their
   * first purchase: r·β / (α(s − 1)) · [1 − (β/(β + t))^(s − 1)].
   *
   * @example
   * ```ts
   * model.expectedPurchasesNewCustomer(39);
   * ```
   */
  expectedPurchasesNewCustomer(t: number): number {
    const horizon = checkHorizon(t, 'Pareto/NBD horizon');
    return aliveExpectation(this.params, horizon, 0, 0);
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
    const starts = firstPurchaseTimes.map((s, i) => checkHorizon(s, `Pareto/NBD first purchase time ${i}`));
    return times.map((t) => {
      checkHorizon(t, 'Pareto/NBD curve time');
      let sum = 0;
      for (const s of starts) if (s < t) sum += aliveExpectation(this.params, t - s, 0, 0);
      return sum;
    });
  }
}

function aliveExpectation(params: ParetoNbdParams, t: number, x: number, T: number): number {
  const { r, alpha, s, beta } = params;
  const logU = Math.log((beta + T) / (beta + T + t));
  return (((r + x) * (beta + T)) / (alpha + T)) * -expm1Ratio(s - 1, logU);
}

/** P(alive) of a Pareto/NBD customer, arguments already validated. */
function paretoNbdProbabilityAlive(params: ParetoNbdParams, x: number, recency: number, T: number): number {
  const logOdds = logOddsDead(params, x, recency, T);
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

/** Conditional expected purchases of a Pareto/NBD customer, arguments already validated. */
function paretoNbdExpectedPurchases(
  params: ParetoNbdParams,
  t: number,
  x: number,
  recency: number,
  T: number,
): number {
  if (t === 0) return 0;
  return aliveExpectation(params, t, x, T) * paretoNbdProbabilityAlive(params, x, recency, T);
}

/**
 * Fits the Pareto/NBD model by maximum likelihood (Fader & Hardie 2005's
 * form of the likelihood, with 2F1 by a continued fraction that stays exact
 * for large x and z near 1): L-BFGS on log-parameters with central-difference
 * gradients over the distinct rows.
 *
 * Throws `ValidationError` for a bad row or option, and {@link ClvError}
 * `CLV_NOT_IDENTIFIABLE` (nobody repeats, a parameter runs off, a flat
 * optimum) or `CLV_NOT_CONVERGED`.
 *
 * @example
 * ```ts
 * const model = fitParetoNbd(rows); // CDNOW: r ≈ 0.5534, alpha ≈ 10.5802, s ≈ 0.6061, beta ≈ 11.6562
 * ```
 */
export function fitParetoNbd(rows: readonly RfmRow[], options?: ParetoNbdFitOptions): ParetoNbdModel {
  const parsed = parseWith(ParetoNbdFitOptionsSchema, 'Pareto/NBD options', options ?? {});
  validateRows(rows, RfmRowSchema, rowChecks.rfm, 'Pareto/NBD rows');
  const data = columnsOf(rows, ['frequency', 'recency', 'T']);
  if (!data.columns[0]!.some((x) => x > 0)) {
    throw new ClvError(
      'CLV_NOT_IDENTIFIABLE',
      'Pareto/NBD: nobody made a repeat purchase; the data do not identify the model',
      { model: 'Pareto/NBD' },
    );
  }
  const likelihood = paretoNbdLikelihood(data);
  const fit = maximizeLikelihood(likelihood, parsed, 'Pareto/NBD');
  return new ParetoNbdModel(
    fit.params as ParetoNbdParams,
    fit.logLikelihood,
    fit.summary as FitSummary<ParetoNbdParams>,
  );
}

/**
 * The Pareto/NBD log-likelihood of `rows` (weighted) under `params` — for
 * comparing parameter sets or models on the same data. Throws
 * `ValidationError` for a bad row or parameter.
 *
 * @example
 * ```ts
 * paretoNbdLogLikelihood({ r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 }, rows); // ≈ −9595 on CDNOW
 * ```
 */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, rows: readonly RfmRow[]): number {
  const { r, alpha, s, beta } = parseWith(ParetoNbdParamsSchema, 'Pareto/NBD parameters', params);
  validateRows(rows, RfmRowSchema, rowChecks.rfm, 'Pareto/NBD rows');
  return paretoNbdLikelihood(columnsOf(rows, ['frequency', 'recency', 'T'])).logLikelihood(
    Float64Array.of(r, alpha, s, beta),
  );
}

// One end of log A₀ (near: τ = tₓ, far: τ = T) with its gradient by (r, alpha, s, beta) written into `out`.
function logA0End(
  r: number,
  alpha: number,
  s: number,
  beta: number,
  x: number,
  tau: number,
  hyp: Float64Array,
  out: Float64Array,
): number {
  const a = r + s + x;
  const alphaBig = alpha >= beta;
  const big = alphaBig ? alpha : beta;
  const small = alphaBig ? beta : alpha;
  const base = big + tau;
  const z = (big - small) / base;
  const value = logHyp2f1AOneWithGradient(a, alphaBig ? s + 1 : r + x, z, hyp) - a * Math.log(base);
  const [fa, fb, fz] = hyp as unknown as [number, number, number];
  const logBase = Math.log(base);
  const dBig = (fz * (small + tau)) / (base * base) - a / base;
  const dSmall = -fz / base;
  out[0] = fa - logBase + (alphaBig ? 0 : fb);
  out[2] = fa - logBase + (alphaBig ? fb : 0);
  out[1] = alphaBig ? dBig : dSmall;
  out[3] = alphaBig ? dSmall : dBig;
  return value;
}

/**
 * The Pareto/NBD log-likelihood over compressed rows, with its analytic gradient.
 *
 * @internal
 */
export function paretoNbdLikelihood(data: Compressed) {
  const [xs, recencies, Ts] = data.columns as [Float64Array, Float64Array, Float64Array];
  const { weights, size, total } = data;
  const xIndex = indexValues(xs);
  const ux = xIndex.unique;
  const lgRx = new Float64Array(ux.length);
  const psiRx = new Float64Array(ux.length);
  const hyp = new Float64Array(3);
  const end = new Float64Array(4);
  // Each end of A₀ depends on (x, τ) only, τ = tₓ or T: evaluate every distinct pair once per call.
  const pairIds = new Map<string, number>();
  const pairX: number[] = [];
  const pairTau: number[] = [];
  const pairOf = (x: number, tau: number) => {
    const key = `${x}|${tau}`;
    let id = pairIds.get(key);
    if (id === undefined) {
      id = pairX.length;
      pairIds.set(key, id);
      pairX.push(x);
      pairTau.push(tau);
    }
    return id;
  };
  const nearPair = new Int32Array(size);
  const farPair = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    nearPair[i] = pairOf(xs[i]!, recencies[i]!);
    farPair[i] = pairOf(xs[i]!, Ts[i]!);
  }
  const pairValue = new Float64Array(pairX.length);
  const pairGradient = new Float64Array(4 * pairX.length);
  let meanT = 0;
  for (let i = 0; i < size; i++) meanT += weights[i]! * Ts[i]!;
  meanT = Math.max(meanT / total, 1e-6);
  return {
    names: NAMES,
    start: [1, meanT, 1, meanT],
    total,
    size,
    analyticGradient: true,
    logLikelihood(theta: Float64Array, gradient?: Float64Array): number {
      const r = theta[0]!;
      const alpha = theta[1]!;
      const s = theta[2]!;
      const beta = theta[3]!;
      const lgR = logGamma(r);
      const psiR = gradient ? digamma(r) : 0;
      for (let k = 0; k < ux.length; k++) {
        lgRx[k] = logGamma(r + ux[k]!) - lgR;
        if (gradient) psiRx[k] = digamma(r + ux[k]!) - psiR;
      }
      if (gradient) {
        for (let k = 0; k < pairX.length; k++) {
          pairValue[k] = logA0End(r, alpha, s, beta, pairX[k]!, pairTau[k]!, hyp, end);
          pairGradient.set(end, 4 * k);
        }
      }
      const logAlpha = Math.log(alpha);
      const logBeta_ = Math.log(beta);
      const constant = r * logAlpha + s * logBeta_;
      let ll = 0;
      let gr = 0;
      let gAlpha = 0;
      let gs = 0;
      let gBeta = 0;
      const index = xIndex.index;
      for (let i = 0; i < size; i++) {
        const w = weights[i]!;
        const k = index[i]!;
        const x = ux[k]!;
        const T = Ts[i]!;
        const recency = recencies[i]!;
        const logAlphaT = Math.log(alpha + T);
        const logBetaT = Math.log(beta + T);
        const alive = -(r + x) * logAlphaT - s * logBetaT;
        if (!gradient) {
          const dead = Math.log(s / (r + s + x)) + logA0(r, alpha, s, beta, x, recency, T);
          ll += w * (lgRx[k]! + constant + logAddExp(alive, dead));
          continue;
        }
        // d(alive) by (r, alpha, s, beta)
        const aliveR = -logAlphaT;
        const aliveAlpha = -(r + x) / (alpha + T);
        const aliveS = -logBetaT;
        const aliveBeta = -s / (beta + T);
        let value = alive;
        let gR = aliveR;
        let gA = aliveAlpha;
        let gS = aliveS;
        let gB = aliveBeta;
        if (recency < T) {
          const n = nearPair[i]!;
          const f = farPair[i]!;
          const n4 = 4 * n;
          const f4 = 4 * f;
          const logNear = pairValue[n]!;
          const rho = Math.exp(pairValue[f]! - logNear);
          const dead = Math.log(s / (r + s + x)) + logNear + Math.log1p(-rho);
          const inv = 1 / (1 - rho);
          const pg = pairGradient;
          const deadR = -1 / (r + s + x) + (pg[n4]! - rho * pg[f4]!) * inv;
          const deadAlpha = (pg[n4 + 1]! - rho * pg[f4 + 1]!) * inv;
          const deadS = 1 / s - 1 / (r + s + x) + (pg[n4 + 2]! - rho * pg[f4 + 2]!) * inv;
          const deadBeta = (pg[n4 + 3]! - rho * pg[f4 + 3]!) * inv;
          value = logAddExp(alive, dead);
          const shareDead = Math.exp(dead - value);
          const shareAlive = Math.exp(alive - value);
          gR = shareAlive * aliveR + shareDead * deadR;
          gA = shareAlive * aliveAlpha + shareDead * deadAlpha;
          gS = shareAlive * aliveS + shareDead * deadS;
          gB = shareAlive * aliveBeta + shareDead * deadBeta;
        }
        ll += w * (lgRx[k]! + constant + value);
        gr += w * (psiRx[k]! + logAlpha + gR);
        gAlpha += w * (r / alpha + gA);
        gs += w * (logBeta_ + gS);
        gBeta += w * (s / beta + gB);
      }
      if (gradient) {
        gradient[0] = gr;
        gradient[1] = gAlpha;
        gradient[2] = gs;
        gradient[3] = gBeta;
      }
      return ll;
    },
  };
}
