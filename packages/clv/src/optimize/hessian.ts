// The observed information matrix (the Hessian of the negative log-likelihood
// at the optimum) by finite differences, and its inverse by Cholesky.

/** Writes the gradient of a function of `x` into `gradient`. */
export type GradientFn = (x: Float64Array, gradient: Float64Array) => void;

/**
 * The Hessian by central differences of an analytic gradient, step h·|xᵢ| in
 * coordinate i, symmetrised.
 */
export function hessianFromGradient(
  gradientAt: GradientFn,
  x: Float64Array,
  relativeStep = 1e-5,
): Float64Array[] {
  const n = x.length;
  const rows: Float64Array[] = [];
  const plus = new Float64Array(n);
  const minus = new Float64Array(n);
  const point = Float64Array.from(x);
  for (let j = 0; j < n; j++) {
    const h = relativeStep * Math.max(Math.abs(x[j]!), 1e-8);
    point[j] = x[j]! + h;
    gradientAt(point, plus);
    point[j] = x[j]! - h;
    gradientAt(point, minus);
    point[j] = x[j]!;
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = (plus[i]! - minus[i]!) / (2 * h);
    rows.push(column);
  }
  return symmetrise(rows);
}

/** The Hessian by second central differences of function values, step h·|xᵢ|. */
export function hessianFromValues(
  value: (x: Float64Array) => number,
  x: Float64Array,
  relativeStep = 1e-4,
): Float64Array[] {
  const n = x.length;
  const steps = Array.from(x, (xi) => relativeStep * Math.max(Math.abs(xi), 1e-8));
  const point = Float64Array.from(x);
  const at = (i: number, di: number, j: number, dj: number) => {
    point.set(x);
    point[i] = point[i]! + di * steps[i]!;
    point[j] = point[j]! + dj * steps[j]!;
    return value(point);
  };
  const center = value(x);
  const rows = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const hi = steps[i]!;
    rows[i]![i] = (at(i, 1, i, 1) - 2 * center + at(i, -1, i, -1)) / (4 * hi * hi);
    for (let j = 0; j < i; j++) {
      const hij =
        (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * hi * steps[j]!);
      rows[i]![j] = hij;
      rows[j]![i] = hij;
    }
  }
  return rows;
}

function symmetrise(rows: Float64Array[]): Float64Array[] {
  const n = rows.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (rows[i]![j]! + rows[j]![i]!);
      rows[i]![j] = mean;
      rows[j]![i] = mean;
    }
  }
  return rows;
}

/**
 * The inverse of a symmetric positive-definite matrix by Cholesky, or
 * `undefined` when the matrix is not positive definite (the data do not
 * identify the parameters).
 */
export function invertPositiveDefinite(matrix: readonly Float64Array[]): Float64Array[] | undefined {
  const n = matrix.length;
  const l = Array.from({ length: n }, () => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    let diagonal = matrix[j]![j]!;
    for (let k = 0; k < j; k++) diagonal -= l[j]![k]! ** 2;
    if (!(diagonal > 0) || !Number.isFinite(diagonal)) return undefined;
    const ljj = Math.sqrt(diagonal);
    l[j]![j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let sum = matrix[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = sum / ljj;
    }
  }
  // inverse = L⁻ᵀ L⁻¹: invert L column by column, then multiply.
  const inverseL = Array.from({ length: n }, () => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    inverseL[j]![j] = 1 / l[j]![j]!;
    for (let i = j + 1; i < n; i++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= l[i]![k]! * inverseL[k]![j]!;
      inverseL[i]![j] = sum / l[i]![i]!;
    }
  }
  const inverse = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < n; k++) sum += inverseL[k]![i]! * inverseL[k]![j]!;
      inverse[i]![j] = sum;
      inverse[j]![i] = sum;
    }
  }
  return inverse;
}
