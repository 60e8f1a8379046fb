/** log(eᵃ + eᵇ) without overflow; −∞ terms are allowed. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log(eᵃ − eᵇ) for a ≥ b (−∞ when a = b). */
export function logSubExp(a: number, b: number): number {
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a + Math.log(-Math.expm1(b - a));
}

/**
 * (e^{k·l} − 1) / k, continuous at k = 0 (where it is l): the integral of
 * e^{k·s} over s in [0, l], without the cancellation of the naive formula.
 */
export function expm1Ratio(k: number, l: number): number {
  return k === 0 ? l : Math.expm1(k * l) / k;
}
