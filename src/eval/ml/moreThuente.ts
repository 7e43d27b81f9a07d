/**
 * The Moré–Thuente line search (`dcsrch` and `dcstep` of MINPACK-2, as shipped inside L-BFGS-B v3.0 and so
 * in scipy). scikit-learn's logistic regression stops after a handful of L-BFGS iterations, so its result
 * depends on the exact trial steps; this is a line-by-line port of the reverse-communication routine, not a
 * generic Wolfe search.
 */

/** The routine's saved state between calls (`isave`/`dsave` in Fortran). */
export interface LineSearchState {
  task: 'FG' | 'CONVERGENCE' | 'WARNING';
  brackt: boolean;
  stage: number;
  ginit: number;
  gtest: number;
  gx: number;
  gy: number;
  finit: number;
  fx: number;
  fy: number;
  stx: number;
  sty: number;
  stmin: number;
  stmax: number;
  width: number;
  width1: number;
}

export interface LineSearchParams {
  ftol: number;
  gtol: number;
  xtol: number;
  stpmin: number;
  stpmax: number;
}

const XTRAPL = 1.1;
const XTRAPU = 4.0;

/** `dcsrch` with task = 'START': records f(0), g(0) and the initial interval. The first trial is `stp`. */
export function lineSearchStart(f: number, g: number, stp: number, p: LineSearchParams): LineSearchState {
  const width = p.stpmax - p.stpmin;
  return {
    task: 'FG',
    brackt: false,
    stage: 1,
    finit: f,
    ginit: g,
    gtest: p.ftol * g,
    width,
    width1: width / 0.5,
    stx: 0,
    fx: f,
    gx: g,
    sty: 0,
    fy: f,
    gy: g,
    stmin: 0,
    stmax: stp + XTRAPU * stp,
  };
}

/** One `dcsrch` call with the function value `f` and directional derivative `g` at `stp`; returns the next stp. */
export function lineSearchStep(
  s: LineSearchState,
  f: number,
  g: number,
  stp: number,
  p: LineSearchParams,
): number {
  const ftest = s.finit + stp * s.gtest;
  if (s.stage === 1 && f <= ftest && g >= 0) s.stage = 2;
  let task: LineSearchState['task'] = 'FG';
  if (s.brackt && (stp <= s.stmin || stp >= s.stmax)) task = 'WARNING';
  if (s.brackt && s.stmax - s.stmin <= p.xtol * s.stmax) task = 'WARNING';
  if (stp === p.stpmax && f <= ftest && g <= s.gtest) task = 'WARNING';
  if (stp === p.stpmin && (f > ftest || g >= s.gtest)) task = 'WARNING';
  if (f <= ftest && Math.abs(g) <= p.gtol * -s.ginit) task = 'CONVERGENCE';
  if (task !== 'FG') {
    s.task = task;
    return stp;
  }
  let next: number;
  if (s.stage === 1 && f <= s.fx && f > ftest) {
    // Stage 1 with a lower function value but no sufficient decrease: step on the modified function ψ.
    const st: StepState = {
      stx: s.stx,
      fx: s.fx - s.stx * s.gtest,
      dx: s.gx - s.gtest,
      sty: s.sty,
      fy: s.fy - s.sty * s.gtest,
      dy: s.gy - s.gtest,
      brackt: s.brackt,
    };
    next = dcstep(st, stp, f - stp * s.gtest, g - s.gtest, s.stmin, s.stmax);
    s.stx = st.stx;
    s.sty = st.sty;
    s.brackt = st.brackt;
    s.fx = st.fx + st.stx * s.gtest;
    s.fy = st.fy + st.sty * s.gtest;
    s.gx = st.dx + s.gtest;
    s.gy = st.dy + s.gtest;
  } else {
    const st: StepState = {
      stx: s.stx,
      fx: s.fx,
      dx: s.gx,
      sty: s.sty,
      fy: s.fy,
      dy: s.gy,
      brackt: s.brackt,
    };
    next = dcstep(st, stp, f, g, s.stmin, s.stmax);
    s.stx = st.stx;
    s.fx = st.fx;
    s.gx = st.dx;
    s.sty = st.sty;
    s.fy = st.fy;
    s.gy = st.dy;
    s.brackt = st.brackt;
  }
  if (s.brackt) {
    if (Math.abs(s.sty - s.stx) >= 0.66 * s.width1) next = s.stx + 0.5 * (s.sty - s.stx);
    s.width1 = s.width;
    s.width = Math.abs(s.sty - s.stx);
  }
  if (s.brackt) {
    s.stmin = Math.min(s.stx, s.sty);
    s.stmax = Math.max(s.stx, s.sty);
  } else {
    s.stmin = next + XTRAPL * (next - s.stx);
    s.stmax = next + XTRAPU * (next - s.stx);
  }
  next = Math.min(Math.max(next, p.stpmin), p.stpmax);
  if (
    (s.brackt && (next <= s.stmin || next >= s.stmax)) ||
    (s.brackt && s.stmax - s.stmin <= p.xtol * s.stmax)
  )
    next = s.stx;
  s.task = 'FG';
  return next;
}

interface StepState {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  brackt: boolean;
}

/** `dcstep`: a safeguarded cubic/quadratic step and the update of the interval of uncertainty. */
function dcstep(st: StepState, stp: number, fp: number, dp: number, stpmin: number, stpmax: number): number {
  const { stx, fx, dx, sty, fy, dy } = st;
  const sgnd = dp * (dx / Math.abs(dx));
  let stpf: number;
  if (fp > fx) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp < stx) gamma = -gamma;
    const p = gamma - dx + theta;
    const q = gamma - dx + gamma + dp;
    const r = p / q;
    const stpc = stx + r * (stp - stx);
    const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
    stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
    st.brackt = true;
  } else if (sgnd < 0) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dx / s) * (dp / s));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dx;
    const r = p / q;
    const stpc = stp + r * (stx - stp);
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    st.brackt = true;
  } else if (Math.abs(dp) < Math.abs(dx)) {
    const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (dx / s) * (dp / s)));
    if (stp > stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
    else if (stp > stx) stpc = stpmax;
    else stpc = stpmin;
    const stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (st.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      if (stp > stx) stpf = Math.min(stp + 0.66 * (sty - stp), stpf);
      else stpf = Math.max(stp + 0.66 * (sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.min(stpmax, stpf);
      stpf = Math.max(stpmin, stpf);
    }
  } else if (st.brackt) {
    const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
    const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (dy / s) * (dp / s));
    if (stp > sty) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + dy;
    const r = p / q;
    stpf = stp + r * (sty - stp);
  } else stpf = stp > stx ? stpmax : stpmin;

  if (fp > fx) {
    st.sty = stp;
    st.fy = fp;
    st.dy = dp;
  } else {
    if (sgnd < 0) {
      st.sty = stx;
      st.fy = fx;
      st.dy = dx;
    }
    st.stx = stp;
    st.fx = fp;
    st.dx = dp;
  }
  return stpf;
}
