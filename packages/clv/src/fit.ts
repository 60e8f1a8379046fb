import { z } from 'zod';
import { ClvError } from './errors';
import { hessianFromGradient, hessianFromValues, invertPositiveDefinite } from './optimize/hessian';
import { minimizeLbfgs } from './optimize/lbfgs';

const positive = z.number().positive('must be > 0').finite('must be finite');

/**
 * A schema for a model's parameter record: every named parameter a finite
 * number > 0, nothing else.
 *
 * @internal
 */
export function paramsSchema<const K extends string>(names: readonly K[]) {
  return z.strictObject(
    Object.fromEntries(names.map((name) => [name, positive])) as Record<K, typeof positive>,
  );
}

/**
 * Builds the options schema of a fitter whose parameters are `names`:
 *
 * - `penalizer` (default 0): an L2 penalty as in lifetimes — the optimiser
 *   minimises −log L / N + penalizer · Σ θ² over the natural parameters θ,
 *   N the number of customers (the sum of the weights).
 * - `initialParams`: starting values for some or all parameters, replacing
 *   the deterministic defaults each fitter documents.
 * - `maxIterations` (default 500): the optimiser's iteration cap.
 *
 * @internal
 */
export function fitOptionsSchema<const K extends string>(names: readonly K[]) {
  return z.strictObject({
    penalizer: z.number().min(0, 'must be >= 0').finite('must be finite').optional(),
    initialParams: paramsSchema(names).partial().optional(),
    maxIterations: z.number().int('must be a whole number').positive('must be > 0').optional(),
  });
}

/**
 * How a fit went: the standard errors of the parameters (square roots of the
 * diagonal of the inverse observed information, from the Hessian of the
 * penalised −log L in the natural parameters), the data size and the
 * optimiser's effort.
 *
 * @example
 * ```ts
 * const { standardErrors, customers } = fitBgNbd(rows).fit;
 * ```
 */
export interface FitSummary<P> {
  /** Standard error of each parameter. */
  readonly standardErrors: P;
  /** Sum of the weights: the number of customers fitted. */
  readonly customers: number;
  /** Distinct rows after merging identical ones. */
  readonly distinctRows: number;
  /** The penalty coefficient used. */
  readonly penalizer: number;
  /** Optimiser iterations. */
  readonly iterations: number;
}

/** A model's log-likelihood over compressed rows, for {@link maximizeLikelihood}. */
export interface Likelihood {
  readonly names: readonly string[];
  /** Deterministic default starting point (natural parameters). */
  readonly start: readonly number[];
  /** Sum of the weights. */
  readonly total: number;
  /** Distinct rows. */
  readonly size: number;
  /** Total weighted log-likelihood; fills ∂/∂θ when given a gradient (only called so when `analyticGradient`). */
  logLikelihood(theta: Float64Array, gradient?: Float64Array): number;
  readonly analyticGradient: boolean;
}

/** What {@link maximizeLikelihood} returns. */
export interface MaximumLikelihood {
  readonly params: Record<string, number>;
  readonly logLikelihood: number;
  readonly summary: FitSummary<Record<string, number>>;
}

/** What the shared driver reads from parsed fit options. */
export interface ParsedFitOptions {
  readonly penalizer?: number | undefined;
  readonly initialParams?: Readonly<Record<string, number | undefined>> | undefined;
  readonly maxIterations?: number | undefined;
}

// Parameters are optimised as logs; beyond e^±LOG_BOUND a parameter has run off.
const LOG_BOUND = 25;

/**
 * Maximises a likelihood over log-parameters with L-BFGS (analytic gradient,
 * or central differences when the model has none), then computes standard
 * errors. Throws `ClvError` when the optimum does not identify the
 * parameters or the optimiser fails.
 */
export function maximizeLikelihood(
  likelihood: Likelihood,
  options: ParsedFitOptions,
  model: string,
): MaximumLikelihood {
  const { names, total } = likelihood;
  const penalizer = options.penalizer ?? 0;
  const n = names.length;
  const theta = new Float64Array(n);
  const gradientTheta = new Float64Array(n);

  const toTheta = (phi: Float64Array): number | undefined => {
    let penalty = 0;
    for (let i = 0; i < n; i++) {
      if (!(Math.abs(phi[i]!) <= 2 * LOG_BOUND)) return undefined;
      theta[i] = Math.exp(phi[i]!);
      penalty += theta[i]! * theta[i]!;
    }
    return penalty;
  };
  const value = (phi: Float64Array): number => {
    const penalty = toTheta(phi);
    if (penalty === undefined) return Number.POSITIVE_INFINITY;
    return -likelihood.logLikelihood(theta) / total + penalizer * penalty;
  };
  const point = new Float64Array(n);
  const objective = (phi: Float64Array, gradient: Float64Array): number => {
    if (!likelihood.analyticGradient) {
      const f = value(phi);
      if (!Number.isFinite(f)) return f;
      point.set(phi);
      for (let i = 0; i < n; i++) {
        const h = 1e-6;
        point[i] = phi[i]! + h;
        const up = value(point);
        point[i] = phi[i]! - h;
        const down = value(point);
        point[i] = phi[i]!;
        gradient[i] = (up - down) / (2 * h);
      }
      return f;
    }
    const penalty = toTheta(phi);
    if (penalty === undefined) return Number.POSITIVE_INFINITY;
    const ll = likelihood.logLikelihood(theta, gradientTheta);
    for (let i = 0; i < n; i++) {
      gradient[i] = theta[i]! * (-gradientTheta[i]! / total + 2 * penalizer * theta[i]!);
    }
    return -ll / total + penalizer * penalty;
  };

  const start = Float64Array.from(names, (name, i) =>
    Math.log(options.initialParams?.[name] ?? likelihood.start[i]!),
  );
  const result = minimizeLbfgs(objective, start, {
    gradientTolerance: likelihood.analyticGradient ? 1e-9 : 1e-8,
    stalledTolerance: likelihood.analyticGradient ? 1e-5 : 1e-4,
    maxIterations: options.maxIterations ?? 500,
  });
  const params = Float64Array.from(result.x, Math.exp);
  const named = Object.fromEntries(names.map((name, i) => [name, params[i]!]));
  for (let i = 0; i < n; i++) {
    if (Math.abs(result.x[i]!) > LOG_BOUND) {
      throw new ClvError(
        'CLV_NOT_IDENTIFIABLE',
        `${model}: parameter ${names[i]} ran off to ${params[i]!.toExponential(2)}; the data do not identify the model`,
        { model, params: named },
      );
    }
  }
  if (!result.converged) {
    throw new ClvError(
      'CLV_NOT_CONVERGED',
      `${model}: the optimiser did not converge (${result.reason} after ${result.iterations} iterations)`,
      { model, reason: result.reason, iterations: result.iterations, params: named },
    );
  }

  // Observed information of the penalised −log L (total, not per customer).
  const penalized = (at: Float64Array): number => {
    let penalty = 0;
    for (let i = 0; i < n; i++) penalty += at[i]! * at[i]!;
    return -likelihood.logLikelihood(at) + total * penalizer * penalty;
  };
  const hessian = likelihood.analyticGradient
    ? hessianFromGradient((at, gradient) => {
        likelihood.logLikelihood(at, gradient);
        for (let i = 0; i < n; i++) gradient[i] = -gradient[i]! + 2 * total * penalizer * at[i]!;
      }, params)
    : hessianFromValues(penalized, params);
  const covariance = invertPositiveDefinite(hessian);
  if (covariance === undefined) {
    throw new ClvError(
      'CLV_NOT_IDENTIFIABLE',
      `${model}: the likelihood is flat at its maximum (the Hessian is not positive definite); the data do not identify the model`,
      { model, params: named },
    );
  }
  return {
    params: named,
    logLikelihood: likelihood.logLikelihood(params),
    summary: {
      standardErrors: Object.fromEntries(names.map((name, i) => [name, Math.sqrt(covariance[i]![i]!)])),
      customers: total,
      distinctRows: likelihood.size,
      penalizer,
      iterations: result.iterations,
    },
  };
}
