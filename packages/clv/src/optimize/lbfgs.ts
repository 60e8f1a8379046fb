// Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed.,
// algorithms 7.4 and 7.5) with a line search that enforces the strong Wolfe
// conditions (algorithms 3.5 and 3.6, cubic interpolation with safeguards).
// Unconstrained: the fitters optimise log-parameters.

/** Evaluates f at x and writes ∇f(x) into gradient. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface MinimizeOptions {
  /** Stop when every gradient component is at most this (default 1e-9). */
  readonly gradientTolerance?: number;
  /** Accept a stalled search when the gradient is at most this (default 1e-5). */
  readonly stalledTolerance?: number;
  /** Iteration cap (default 500). */
  readonly maxIterations?: number;
  /** Number of correction pairs kept (default 8). */
  readonly memory?: number;
}

/** What {@link minimizeLbfgs} found. */
export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  /** Why the search stopped. */
  readonly reason: 'gradient' | 'stalled' | 'max-iterations' | 'line-search' | 'not-finite';
}

const C1 = 1e-4;
const C2 = 0.9;

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

interface Point {
  alpha: number;
  value: number;
  slope: number;
}

/** The minimiser of the cubic through two points with slopes, kept inside the bracket. */
function interpolate(lo: Point, hi: Point): number {
  const width = hi.alpha - lo.alpha;
  if (Number.isFinite(hi.value) && Number.isFinite(hi.slope)) {
    const d1 = lo.slope + hi.slope - (3 * (lo.value - hi.value)) / (lo.alpha - hi.alpha);
    const radicand = d1 * d1 - lo.slope * hi.slope;
    if (radicand >= 0) {
      const d2 = Math.sign(width) * Math.sqrt(radicand);
      const alpha = hi.alpha - width * ((hi.slope + d2 - d1) / (hi.slope - lo.slope + 2 * d2));
      const lower = Math.min(lo.alpha, hi.alpha) + 0.1 * Math.abs(width);
      const upper = Math.max(lo.alpha, hi.alpha) - 0.1 * Math.abs(width);
      if (Number.isFinite(alpha) && alpha >= lower && alpha <= upper) return alpha;
    }
  }
  return lo.alpha + 0.5 * width;
}

/**
 * Minimises a smooth function of several variables from `start`. Returns the
 * best point found with `converged` telling whether the gradient test (or a
 * stall at a near-zero gradient) was met.
 */
export function minimizeLbfgs(
  objective: Objective,
  start: Float64Array,
  options: MinimizeOptions = {},
): MinimizeResult {
  const gradientTolerance = options.gradientTolerance ?? 1e-9;
  const stalledTolerance = options.stalledTolerance ?? 1e-5;
  const maxIterations = options.maxIterations ?? 500;
  const memory = options.memory ?? 8;
  const n = start.length;

  let x: Float64Array = Float64Array.from(start);
  let gradient: Float64Array = new Float64Array(n);
  let value = objective(x, gradient);
  let evaluations = 1;
  const result = (iterations: number, converged: boolean, reason: MinimizeResult['reason']) => ({
    x,
    value,
    gradient,
    iterations,
    evaluations,
    converged,
    reason,
  });
  if (!Number.isFinite(value) || !gradient.every(Number.isFinite)) return result(0, false, 'not-finite');

  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const direction = new Float64Array(n);
  const alphas = new Float64Array(memory);
  const trial = new Float64Array(n);
  let trialGradient: Float64Array = new Float64Array(n);
  let restarted = false;

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const gradientNorm = maxAbs(gradient);
    if (gradientNorm <= gradientTolerance) return result(iteration, true, 'gradient');

    // Two-loop recursion: direction = −H·g.
    for (let i = 0; i < n; i++) direction[i] = -gradient[i]!;
    const k = sHistory.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = rhoHistory[j]! * dot(sHistory[j]!, direction);
      alphas[j] = a;
      const y = yHistory[j]!;
      for (let i = 0; i < n; i++) direction[i] = direction[i]! - a * y[i]!;
    }
    if (k > 0) {
      const y = yHistory[k - 1]!;
      const scale = dot(sHistory[k - 1]!, y) / dot(y, y);
      for (let i = 0; i < n; i++) direction[i] = direction[i]! * scale;
    }
    for (let j = 0; j < k; j++) {
      const b = rhoHistory[j]! * dot(yHistory[j]!, direction);
      const s = sHistory[j]!;
      for (let i = 0; i < n; i++) direction[i] = direction[i]! + (alphas[j]! - b) * s[i]!;
    }
    let slope0 = dot(gradient, direction);
    if (!(slope0 < 0)) {
      for (let i = 0; i < n; i++) direction[i] = -gradient[i]!;
      slope0 = dot(gradient, direction);
      sHistory.length = 0;
      yHistory.length = 0;
      rhoHistory.length = 0;
    }

    // Strong Wolfe line search along direction.
    const evaluate = (alpha: number): Point => {
      for (let i = 0; i < n; i++) trial[i] = x[i]! + alpha * direction[i]!;
      const v = objective(trial, trialGradient);
      evaluations++;
      const ok = Number.isFinite(v) && trialGradient.every(Number.isFinite);
      return {
        alpha,
        value: ok ? v : Number.POSITIVE_INFINITY,
        slope: ok ? dot(trialGradient, direction) : Number.NaN,
      };
    };
    const origin: Point = { alpha: 0, value, slope: slope0 };
    const sufficient = (p: Point) => p.value <= value + C1 * p.alpha * slope0;
    const curvature = (p: Point) => Math.abs(p.slope) <= -C2 * slope0;
    let accepted: Point | undefined;
    let acceptedGradient: Float64Array | undefined;
    const accept = (p: Point) => {
      accepted = p;
      acceptedGradient = trialGradient;
      trialGradient = new Float64Array(n);
    };
    const zoom = (lo: Point, hi: Point) => {
      for (let j = 0; j < 60; j++) {
        const p = evaluate(interpolate(lo, hi));
        if (!sufficient(p) || p.value >= lo.value) hi = p;
        else {
          if (curvature(p)) return accept(p);
          if (p.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
          lo = p;
        }
        if (Math.abs(hi.alpha - lo.alpha) <= 1e-16 * Math.max(1, Math.abs(lo.alpha))) break;
      }
      // Fall back to the best sufficient-decrease point seen, if any.
      if (lo.alpha > 0) {
        const p = evaluate(lo.alpha);
        if (sufficient(p)) accept(p);
      }
    };
    let previous = origin;
    let alpha = k === 0 ? Math.min(1, 1 / maxAbs(gradient)) : 1;
    for (let j = 0; j < 40 && accepted === undefined; j++) {
      const p = evaluate(alpha);
      if (!sufficient(p) || (j > 0 && p.value >= previous.value)) {
        zoom(previous, p);
        break;
      }
      if (curvature(p)) {
        accept(p);
        break;
      }
      if (p.slope >= 0) {
        zoom(p, previous);
        break;
      }
      previous = p;
      alpha *= 4;
    }

    if (accepted === undefined || acceptedGradient === undefined) {
      if (gradientNorm <= stalledTolerance) return result(iteration, true, 'stalled');
      if (restarted || sHistory.length === 0) return result(iteration, false, 'line-search');
      restarted = true;
      sHistory.length = 0;
      yHistory.length = 0;
      rhoHistory.length = 0;
      continue;
    }
    restarted = false;

    const step = accepted.alpha;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = x[i]! + step * direction[i]!;
      s[i] = next[i]! - x[i]!;
      y[i] = acceptedGradient[i]! - gradient[i]!;
    }
    const previousValue = value;
    x = next;
    gradient = acceptedGradient;
    value = accepted.value;
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (sHistory.length === memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
    }
    if (
      previousValue - value <= 1e-16 * Math.max(1, Math.abs(value)) &&
      maxAbs(gradient) <= stalledTolerance
    ) {
      return result(iteration + 1, true, 'stalled');
    }
  }
  return result(maxIterations, maxAbs(gradient) <= gradientTolerance, 'max-iterations');
}
