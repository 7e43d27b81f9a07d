import { type LineSearchParams, lineSearchStart, lineSearchStep } from './moreThuente.js';

/** f(x) and its gradient, written into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link minimizeLbfgsb}; defaults are scipy's `minimize(method="L-BFGS-B")` ones. */
export interface LbfgsbOptions {
  /** Iterations (accepted steps). @default 15000 */
  maxiter?: number;
  /** Function evaluations. @default 15000 */
  maxfun?: number;
  /** Line-search evaluations per iteration before a restart. @default 20 */
  maxls?: number;
  /** Stop when max |g_i| ≤ gtol. @default 1e-5 */
  gtol?: number;
  /** Stop when the relative reduction of f is ≤ ftol. @default 2.220446049250313e-09 */
  ftol?: number;
  /** Stored correction pairs. @default 10 */
  maxcor?: number;
}

export interface LbfgsbResult {
  x: Float64Array;
  f: number;
  nit: number;
  nfev: number;
  /** Why it stopped: `pgtol`, `ftol`, `maxiter`, `maxfun` or `abnormal` (line search failed twice). */
  reason: 'pgtol' | 'ftol' | 'maxiter' | 'maxfun' | 'abnormal';
}

const EPS = 2.220446049250313e-16;
const LINE_SEARCH: LineSearchParams = { ftol: 1e-3, gtol: 0.9, xtol: 0.1, stpmin: 0, stpmax: 1e10 };

/**
 * Unconstrained L-BFGS-B (Byrd, Lu, Nocedal & Zhu; v3.0 as in scipy) — the optimiser behind scikit-learn's
 * default `LogisticRegression(solver="lbfgs")`. Without bounds, L-BFGS-B skips the Cauchy point once it has
 * corrections and its subspace step is the quasi-Newton step −H·g with H₀ = (sᵀy/yᵀy)·I; that is computed
 * here with the two-loop recursion (same step, different rounding). Kept exactly: the first step
 * `min(1/‖d‖, 1e10)` then 1, the Moré–Thuente search (ftol 1e-3, gtol 0.9, xtol 0.1), the update skip test
 * `sᵀy ≤ ε·(−gᵀs)`, the restart on a failed search, and the stopping tests and their order.
 *
 * @example
 * const r = minimizeLbfgsb((x, g) => { g[0] = 2 * (x[0]! - 3); return (x[0]! - 3) ** 2; }, new Float64Array(1));
 * r.x[0]; // ≈ 3
 */
export function minimizeLbfgsb(fun: Objective, x0: Float64Array, options: LbfgsbOptions = {}): LbfgsbResult {
  const maxiter = options.maxiter ?? 15000;
  const maxfun = options.maxfun ?? 15000;
  const maxls = options.maxls ?? 20;
  const pgtol = options.gtol ?? 1e-5;
  const tol = options.ftol ?? 1e7 * EPS;
  const m = options.maxcor ?? 10;
  const n = x0.length;
  const x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fun(x, g);
  let nfev = 1;
  let nit = 0;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  if (infNorm(g) <= pgtol) return { x, f, nit, nfev, reason: 'pgtol' };
  const d = new Float64Array(n);
  const t = new Float64Array(n);
  let gNew = new Float64Array(n);
  for (;;) {
    direction(g, S, Y, rho, d);
    const dnorm = Math.sqrt(dot(d, d));
    const stp0 = nit === 0 && S.length === 0 ? Math.min(1 / dnorm, LINE_SEARCH.stpmax) : 1;
    const fold = f;
    const gdold = dot(g, d);
    t.set(x);
    const { ok, stp, fTrial, gd, evals } = searchLine(fun, { x, t, d, gNew }, f, gdold, stp0, maxls);
    nfev += evals;
    if (!ok) {
      x.set(t);
      if (S.length === 0) return { x, f: fold, nit: nit + 1, nfev, reason: 'abnormal' };
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      continue; // restart from steepest descent, as L-BFGS-B does after a failed search
    }
    // Accepted: x holds t + stp·d evaluated last (dcsrch returns the step it was called with).
    nit++;
    const sVec = new Float64Array(n);
    const yVec = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sVec[i] = stp * (d[i] as number);
      yVec[i] = (gNew[i] as number) - (g[i] as number);
    }
    const swap = g;
    g = gNew;
    gNew = swap;
    f = fTrial;
    if (nit >= maxiter) return { x, f, nit, nfev, reason: 'maxiter' };
    if (nfev > maxfun) return { x, f, nit, nfev, reason: 'maxfun' };
    if (infNorm(g) <= pgtol) return { x, f, nit, nfev, reason: 'pgtol' };
    if (fold - f <= tol * Math.max(Math.abs(fold), Math.abs(f), 1))
      return { x, f, nit, nfev, reason: 'ftol' };
    const dr = (gd - gdold) * stp;
    const ddum = -gdold * stp;
    if (dr <= EPS * ddum) continue; // skip the update: curvature condition fails numerically
    if (S.length === m) {
      S.shift();
      Y.shift();
      rho.shift();
    }
    S.push(sVec);
    Y.push(yVec);
    rho.push(1 / dr);
  }
}

/**
 * The Moré–Thuente search from `t` along `d`, starting at step `stp`: each trial point is written into `x`
 * and its gradient into `gNew`. Not `ok` when `d` is not a descent direction or `maxls` evaluations did
 * not end the search; dcsrch's warnings still end it at an accepted step.
 */
function searchLine(
  fun: Objective,
  v: { x: Float64Array; t: Float64Array; d: Float64Array; gNew: Float64Array },
  f: number,
  gdold: number,
  stp0: number,
  maxls: number,
): { ok: boolean; stp: number; fTrial: number; gd: number; evals: number } {
  const { x, t, d, gNew } = v;
  let stp = stp0;
  let ok = gdold < 0;
  const ls = ok ? lineSearchStart(f, gdold, stp, LINE_SEARCH) : null;
  let fTrial = f;
  let gd = gdold;
  let evals = 0;
  while (ls && ls.task === 'FG') {
    for (let i = 0; i < x.length; i++) x[i] = (t[i] as number) + stp * (d[i] as number);
    fTrial = fun(x, gNew);
    evals++;
    gd = dot(gNew, d);
    stp = lineSearchStep(ls, fTrial, gd, stp, LINE_SEARCH);
    if (ls.task === 'FG' && evals >= maxls) {
      ok = false;
      break;
    }
  }
  if (ls && ls.task === 'WARNING') ok = true; // dcsrch's warnings still end the search at an accepted x
  return { ok, stp, fTrial, gd, evals };
}

/** d = −H·g by the two-loop recursion; with no corrections, d = −g (L-BFGS-B's Cauchy step with θ = 1). */
function direction(
  g: Float64Array,
  S: Float64Array[],
  Y: Float64Array[],
  rho: number[],
  d: Float64Array,
): void {
  const k = S.length;
  for (let i = 0; i < d.length; i++) d[i] = -(g[i] as number);
  if (k === 0) return;
  const alpha = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    const a = (rho[j] as number) * dot(S[j] as Float64Array, d);
    alpha[j] = a;
    axpy(-a, Y[j] as Float64Array, d);
  }
  const yl = Y[k - 1] as Float64Array;
  const gamma = 1 / ((rho[k - 1] as number) * dot(yl, yl)); // sᵀy / yᵀy
  for (let i = 0; i < d.length; i++) d[i] = (d[i] as number) * gamma;
  for (let j = 0; j < k; j++) {
    const b = (rho[j] as number) * dot(Y[j] as Float64Array, d);
    axpy((alpha[j] as number) - b, S[j] as Float64Array, d);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + a * (x[i] as number);
}
function infNorm(g: Float64Array): number {
  let m = 0;
  for (const v of g) m = Math.max(m, Math.abs(v));
  return m;
}
