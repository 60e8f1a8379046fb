// The Gaussian hypergeometric function 2F1 on [0, 1): the power series (with
// the connection formula in 1 − z near z = 1), and for the Pareto/NBD's
// 2F1(a, b; a + 1; z) a continued fraction, with its derivatives, that stays
// fast and exact where the series crawls (z near 1) or overflows (large b).

import { logGamma } from './gamma';

const TINY = 1e-300;
const EPSILON = 1e-16;

/**
 * 2F1(a, b; c; z) by the Gauss series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ for
 * |z| < 1 and any parameters but c a non-positive integer (the terms may
 * then change sign). Returned as `sign · exp(logAbs)`: the terms are
 * rescaled as they grow, so a huge value never overflows. About
 * 40 / (1 − z) terms are needed, so keep z away from 1 where speed matters.
 */
export function hyp2f1Series(
  a: number,
  b: number,
  c: number,
  z: number,
  maxTerms = 50_000_000,
): { logAbs: number; sign: number } {
  // `tail` is the sum without its leading 1 (kept apart so that log1p keeps small values exact)
  // until the sum is rescaled.
  let logScale = 0;
  let term = 1;
  let tail = 0;
  for (let n = 0; n < maxTerms; n++) {
    term *= (((a + n) / (c + n)) * (b + n) * z) / (n + 1);
    tail += term;
    const sum = logScale === 0 ? 1 + tail : tail;
    if (Math.abs(term) <= EPSILON * Math.abs(sum) || term === 0) {
      if (logScale === 0 && sum > 0) return { logAbs: Math.log1p(tail), sign: 1 };
      return { logAbs: logScale + Math.log(Math.abs(sum)), sign: Math.sign(sum) };
    }
    if (Math.abs(sum) > 1e250) {
      tail = sum * 1e-250;
      term *= 1e-250;
      logScale += 250 * Math.LN10;
    }
  }
  return { logAbs: Number.NaN, sign: Number.NaN };
}

/**
 * log 2F1(a, b; c; z) by the Gauss series, for 0 ≤ z < 1 and a, b, c > 0
 * (every term positive). See {@link hyp2f1Series}.
 */
export function logHyp2f1Series(a: number, b: number, c: number, z: number, maxTerms?: number): number {
  return hyp2f1Series(a, b, c, z, maxTerms).logAbs;
}

/**
 * log 2F1(a, b; a + 1; z) for a > 0, b > 0 and 0 ≤ z < 1 — the form the
 * Pareto/NBD likelihood needs (Fader & Hardie 2005). It equals
 * a z⁻ᵃ B_z(a, 1 − b), an incomplete beta function, so
 * 2F1 = (1 − z)^{1−b} · K(z) where K is the Gauss continued fraction of the
 * incomplete beta, evaluated with the modified Lentz method. It converges on
 * the whole of [0, 1) — in a few iterations for moderate z, in a few thousand
 * for 1 − z ≈ 1e−6 — and never overflows: the large factor (1 − z)^{1−b}
 * stays in log space.
 */
export function logHyp2f1AOne(a: number, b: number, z: number, maxIterations = 100_000): number {
  if (z === 0) return 0;
  const q = 1 - b;
  let d = 1 - ((a + q) * z) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let c = 1;
  let f = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let coefficient = (m * (q - m) * z) / ((a + m2 - 1) * (a + m2));
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    f *= d * c;
    coefficient = (-(a + m) * (a + q + m) * z) / ((a + m2) * (a + m2 + 1));
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < EPSILON) return q * Math.log1p(-z) + Math.log(f);
  }
  return Number.NaN;
}

/**
 * {@link logHyp2f1AOne} with its partial derivatives: returns log 2F1(a, b; a + 1; z)
 * and writes ∂/∂a, ∂/∂b, ∂/∂z of it into `gradient`, by differentiating
 * every step of the continued fraction alongside it (forward mode).
 */
export function logHyp2f1AOneWithGradient(
  a: number,
  b: number,
  z: number,
  gradient: Float64Array,
  maxIterations = 100_000,
): number {
  if (z === 0) {
    // 2F1 = 1 + ab/(a + 1) z + …: only ∂/∂z survives at z = 0.
    gradient[0] = 0;
    gradient[1] = 0;
    gradient[2] = (a * b) / (a + 1);
    return 0;
  }
  const q = 1 - b;
  // State: d, c and log h, each with its partials by (a, q, z).
  let coefficient = (-(a + q) * z) / (a + 1);
  let ca = (z * (q - 1)) / ((a + 1) * (a + 1));
  let cq = -z / (a + 1);
  let cz = -(a + q) / (a + 1);
  let d = 1 + coefficient;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let da = -d * d * ca;
  let dq = -d * d * cq;
  let dz = -d * d * cz;
  let c = 1;
  let cA = 0;
  let cQ = 0;
  let cZ = 0;
  let logH = Math.log(Math.abs(d));
  let sign = Math.sign(d);
  let ha = da / d;
  let hq = dq / d;
  let hz = dz / d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let delta = 1;
    // Two half-steps per m: the even coefficient, then the odd one.
    for (let half = 0; half < 2; half++) {
      if (half === 0) {
        const e1 = a + m2 - 1;
        const e2 = a + m2;
        const inv = 1 / (e1 * e2);
        coefficient = m * (q - m) * z * inv;
        ca = -coefficient * (1 / e1 + 1 / e2);
        cq = m * z * inv;
        cz = m * (q - m) * inv;
      } else {
        const e2 = a + m2;
        const e3 = a + m2 + 1;
        const ratio = z / (e2 * e3);
        coefficient = -(a + m) * (a + q + m) * ratio;
        ca = -(2 * a + q + m2) * ratio - coefficient * (1 / e2 + 1 / e3);
        cq = -(a + m) * ratio;
        cz = (-(a + m) * (a + q + m)) / (e2 * e3);
      }
      let dNew = 1 + coefficient * d;
      if (Math.abs(dNew) < TINY) dNew = TINY;
      dNew = 1 / dNew;
      const k = -dNew * dNew;
      da = k * (ca * d + coefficient * da);
      dq = k * (cq * d + coefficient * dq);
      dz = k * (cz * d + coefficient * dz);
      d = dNew;
      let cNew = 1 + coefficient / c;
      if (Math.abs(cNew) < TINY) cNew = TINY;
      const inv2 = 1 / (c * c);
      cA = ca / c - coefficient * cA * inv2;
      cQ = cq / c - coefficient * cQ * inv2;
      cZ = cz / c - coefficient * cZ * inv2;
      c = cNew;
      delta = d * c;
      logH += Math.log(Math.abs(delta));
      sign *= Math.sign(delta);
      const invD = 1 / d;
      const invC = 1 / c;
      ha += da * invD + cA * invC;
      hq += dq * invD + cQ * invC;
      hz += dz * invD + cZ * invC;
    }
    if (Math.abs(delta - 1) < EPSILON) {
      if (sign < 0) return Number.NaN;
      gradient[0] = ha;
      gradient[1] = -(hq + Math.log1p(-z));
      gradient[2] = hz - q / (1 - z);
      return q * Math.log1p(-z) + logH;
    }
  }
  return Number.NaN;
}

interface Signed {
  logAbs: number;
  sign: number;
}

/** log |Γ(x)| and the sign of Γ(x) for any real x (reflection below ½; poles give +∞). */
function logGammaSigned(x: number): Signed {
  if (x > 0) return { logAbs: logGamma(x), sign: 1 };
  if (Number.isInteger(x)) return { logAbs: Number.POSITIVE_INFINITY, sign: 1 };
  const s = Math.sin(Math.PI * x);
  return { logAbs: Math.log(Math.PI) - Math.log(Math.abs(s)) - logGamma(1 - x), sign: Math.sign(s) };
}

function signedSum(x: Signed, y: Signed): Signed {
  if (x.logAbs === Number.NEGATIVE_INFINITY || x.sign === 0) return y;
  if (y.logAbs === Number.NEGATIVE_INFINITY || y.sign === 0) return x;
  const m = Math.max(x.logAbs, y.logAbs);
  const v = x.sign * Math.exp(x.logAbs - m) + y.sign * Math.exp(y.logAbs - m);
  return { logAbs: m + Math.log(Math.abs(v)), sign: Math.sign(v) };
}

// Γ(c)Γ(p)/(Γ(q)Γ(u)) as a signed log; a pole in the denominator makes it 0.
function gammaRatio(c: number, p: number, q: number, u: number): Signed {
  const gc = logGammaSigned(c);
  const gp = logGammaSigned(p);
  const gq = logGammaSigned(q);
  const gu = logGammaSigned(u);
  if (gq.logAbs === Number.POSITIVE_INFINITY || gu.logAbs === Number.POSITIVE_INFINITY) {
    return { logAbs: Number.NEGATIVE_INFINITY, sign: 0 };
  }
  return {
    logAbs: gc.logAbs + gp.logAbs - gq.logAbs - gu.logAbs,
    sign: gc.sign * gp.sign * gq.sign * gu.sign,
  };
}

/**
 * 2F1(a, b; c; z) for 0 ≤ z < 1, a, b > 0 and c > −1 (c ≠ 0), as
 * `sign · exp(logAbs)`. When c − a and c − b are smaller than a and b it sums
 * the series of Euler's transformation instead. Near z = 1, where the Gauss series needs about
 * max(a, b)/(1 − z) terms, it switches to the connection formula in 1 − z
 * (Abramowitz & Stegun 15.3.6), whose two series converge fast there; when
 * c − a − b is an integer (the formula's removable singularity) it averages
 * c ± 1e−6.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): { logAbs: number; sign: number } {
  const w = 1 - z;
  // Euler's transformation 2F1(a, b; c; z) = (1 − z)^(c−a−b) 2F1(c − a, c − b; c; z) can swap large
  // a, b for small c − a, c − b — the BG/NBD case, where c = a + b − r + … — and its series then needs
  // a few hundred terms where the direct one needs tens of thousands. The terms first grow by about
  // |pq/c| each, so the pair with the smaller |pq/c| converges sooner.
  const euler = Math.abs(((c - a) * (c - b)) / c) < Math.abs((a * b) / c);
  const p = euler ? c - a : a;
  const q = euler ? c - b : b;
  // About max(|p|, |q|)/(1 − z) terms, fewer when one of p, q nearly cancels c (a BG/NBD fit with a
  // huge b): the terms then grow like those of 1F0(p; z).
  const size = Math.min(
    Math.max(Math.abs(p), Math.abs(q)),
    Math.abs((p * q) / c) + Math.min(Math.abs(p), Math.abs(q)),
  );
  const directCost = (size + 50) / w;
  if (z <= 0.5 || directCost < 20_000) {
    const series = hyp2f1Series(p, q, c, z);
    return euler ? { logAbs: series.logAbs + (c - a - b) * Math.log1p(-z), sign: series.sign } : series;
  }
  const gap = c - a - b;
  if (Math.abs(gap - Math.round(gap)) < 1e-7) {
    const low = hyp2f1(a, b, c - 1e-6, z);
    const high = hyp2f1(a, b, c + 1e-6, z);
    const sum = signedSum(low, high);
    return { logAbs: sum.logAbs - Math.LN2, sign: sum.sign };
  }
  const first = hyp2f1Series(a, b, 1 - gap, w);
  const second = hyp2f1Series(c - a, c - b, 1 + gap, w);
  const g1 = gammaRatio(c, gap, c - a, c - b);
  const g2 = gammaRatio(c, -gap, a, b);
  return signedSum(
    { logAbs: g1.logAbs + first.logAbs, sign: g1.sign * first.sign },
    { logAbs: g2.logAbs + gap * Math.log(w) + second.logAbs, sign: g2.sign * second.sign },
  );
}
