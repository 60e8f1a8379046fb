// The baseline optimiser of the benchmarks: Nelder–Mead (standard coefficients, Gao & Han's
// adaptive ones are not needed for 3–4 parameters), as lifetimes used with scipy for years.

export function nelderMead(
  f: (x: number[]) => number,
  start: number[],
  tolerance = 1e-10,
  maxEvaluations = 20_000,
) {
  const n = start.length;
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + 0.1 : v)))];
  let values = simplex.map(f);
  let evaluations = n + 1;
  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    if (Math.abs(values[n]! - values[0]!) <= tolerance * (Math.abs(values[0]!) + 1e-12)) break;
    const centroid = Array.from(
      { length: n },
      (_, j) => simplex.slice(0, n).reduce((s, p) => s + p[j]!, 0) / n,
    );
    const along = (t: number) => centroid.map((c, j) => c + t * (simplex[n]![j]! - c));
    const reflected = along(-1);
    const fr = f(reflected);
    evaluations++;
    if (fr < values[0]!) {
      const expanded = along(-2);
      const fe = f(expanded);
      evaluations++;
      [simplex[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[n - 1]!) {
      [simplex[n], values[n]] = [reflected, fr];
    } else {
      const contracted = fr < values[n]! ? along(-0.5) : along(0.5);
      const fc = f(contracted);
      evaluations++;
      if (fc < Math.min(fr, values[n]!)) {
        [simplex[n], values[n]] = [contracted, fc];
      } else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i]!.map((v, j) => simplex[0]![j]! + 0.5 * (v - simplex[0]![j]!));
          values[i] = f(simplex[i]!);
          evaluations++;
        }
      }
    }
  }
  return { x: simplex[0]!, value: values[0]!, evaluations };
}
