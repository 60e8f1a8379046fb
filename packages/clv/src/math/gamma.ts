// log Γ and ψ for x > 0: shift the argument up to x ≥ 10 with the recurrence
// (Γ(x + 1) = xΓ(x)), then use the Stirling / de Moivre asymptotic series, whose
// truncation error at x ≥ 10 is below 1e-17 relative. The shift multiplies at
// most ten factors, so no precision is lost for small x.

const HALF_LOG_TWO_PI = 0.9189385332046727;
const SHIFT_TO = 10;

// B₂ₖ / (2k(2k − 1)), k = 1..8.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

// B₂ₖ / 2k, k = 1..8.
const DIGAMMA = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12, -3617 / 8160];

/**
 * The Stirling correction δ(x) = log Γ(x) − [(x − ½) log x − x + ½ log 2π],
 * for x ≥ 10.
 */
export function stirlingCorrection(x: number): number {
  const inv2 = 1 / (x * x);
  let series = STIRLING[7]!;
  for (let k = 6; k >= 0; k--) series = series * inv2 + STIRLING[k]!;
  return series / x;
}

/** log Γ(x) for x > 0 (NaN for x ≤ 0 or NaN, +∞ for x = +∞). */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x >= SHIFT_TO) return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + stirlingCorrection(x);
  let product = 1;
  let y = x;
  while (y < SHIFT_TO) {
    product *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + HALF_LOG_TWO_PI + stirlingCorrection(y) - Math.log(product);
}

/** The digamma function ψ(x) = d/dx log Γ(x), for x > 0. */
export function digamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  let shift = 0;
  let y = x;
  while (y < SHIFT_TO) {
    shift += 1 / y;
    y += 1;
  }
  const inv2 = 1 / (y * y);
  let series = DIGAMMA[7]!;
  for (let k = 6; k >= 0; k--) series = series * inv2 + DIGAMMA[k]!;
  return Math.log(y) - 0.5 / y - series * inv2 - shift;
}
