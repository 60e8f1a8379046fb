import { logGamma, stirlingCorrection } from './gamma';

const HALF_LOG_TWO_PI = 0.9189385332046727;

/**
 * log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b) for a, b > 0. When an
 * argument is large the three log Γ terms are huge and nearly cancel, so the
 * large parts are combined analytically first (with log1p) and only the small
 * Stirling corrections are subtracted.
 */
export function logBeta(a: number, b: number): number {
  if (!(a > 0 && b > 0)) return Number.NaN;
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  const sum = p + q;
  if (p >= 10) {
    const correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(sum);
    return (
      HALF_LOG_TWO_PI -
      0.5 * Math.log(q) +
      correction +
      (p - 0.5) * Math.log(p / sum) +
      q * Math.log1p(-p / sum)
    );
  }
  if (q >= 10) {
    const correction = stirlingCorrection(q) - stirlingCorrection(sum);
    return logGamma(p) + correction + p - p * Math.log(sum) + (q - 0.5) * Math.log1p(-p / sum);
  }
  return logGamma(p) + logGamma(q) - logGamma(sum);
}
