/**
 * Rank correlations as scipy computes them: `rankdata(method="average")`, `pearsonr` (centred, normalised
 * dot product clipped to [-1, 1]) and `spearmanr` (Pearson of average ranks, with its two-sided t-test
 * p-value, which the deprecated v1 SummEval score averages in).
 */

/** Average ranks (1-based), ties sharing the mean of their positions, as `scipy.stats.rankdata`. */
export function rankAverage(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number) || a - b,
  );
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    const v = values[order[i] as number] as number;
    while (j + 1 < n && values[order[j + 1] as number] === v) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = r;
    i = j + 1;
  }
  return ranks;
}

/**
 * Pearson correlation; NaN when either side is constant or shorter than 2 (scipy warns and returns NaN).
 * @example pearson([1, 2, 3], [2, 4, 7]) // ≈ 0.993
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`pearson: lengths differ (${n} vs ${y.length})`);
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += ((x[i] as number) - mx) ** 2;
    syy += ((y[i] as number) - my) ** 2;
  }
  const nx = Math.sqrt(sxx);
  const ny = Math.sqrt(syy);
  if (nx === 0 || ny === 0) return Number.NaN;
  let r = 0;
  for (let i = 0; i < n; i++) r += (((x[i] as number) - mx) / nx) * (((y[i] as number) - my) / ny);
  return Math.max(-1, Math.min(1, r));
}

/** Spearman's rho: Pearson correlation of average ranks. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(rankAverage(x), rankAverage(y));
}

/**
 * scipy's two-sided p-value for a correlation `r` over `n` pairs: `t = r·sqrt((n−2)/((r+1)(1−r)))`,
 * `p = I_{ν/(ν+t²)}(ν/2, 1/2)` with ν = n−2 (0 when |r| = 1).
 */
export function correlationPValue(r: number, n: number): number {
  const dof = n - 2;
  if (Number.isNaN(r) || dof <= 0) return Number.NaN;
  const denom = (r + 1) * (1 - r);
  if (denom <= 0) return 0;
  const t = r * Math.sqrt(dof / denom);
  return regularizedIncompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
}

/** I_x(a, b) by the continued fraction (modified Lentz), using the symmetry for x > (a+1)/(a+b+2). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  return (Math.exp(lnFront) / a) * betaContinuedFraction(x, a, b);
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-15). */
export function logGamma(x: number): number {
  const g = 7;
  const coef = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = coef[0] as number;
  for (let i = 1; i < g + 2; i++) s += (coef[i] as number) / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
