import { atomicWriteFile } from '../util/atomicWrite.js';
import { escapeHtml } from '../util/markdownTable.js';

/** One logged point of a training run. */
export interface CurvePoint {
  step: number;
  epoch: number;
  lr: number;
  loss: number;
  /** Dev score at this step, when evaluated. */
  dev?: number;
  stepsPerSec: number;
  /** Extra named losses (per Matryoshka dimension). */
  parts?: Record<string, number>;
}

/** The curves as CSV: one row per logged step, a column per loss part. */
export function curvesCsv(points: readonly CurvePoint[]): string {
  const partNames = [...new Set(points.flatMap((p) => Object.keys(p.parts ?? {})))].sort(
    (a, b) => (Number(b.split('@')[1]) || 0) - (Number(a.split('@')[1]) || 0) || a.localeCompare(b),
  );
  const head = ['step', 'epoch', 'lr', 'loss', ...partNames, 'dev', 'steps_per_s'];
  const rows = points.map((p) =>
    [
      p.step,
      p.epoch.toFixed(4),
      p.lr.toExponential(4),
      p.loss.toFixed(6),
      ...partNames.map((n) => (p.parts?.[n] !== undefined ? p.parts[n]!.toFixed(6) : '')),
      p.dev !== undefined ? p.dev.toFixed(6) : '',
      p.stepsPerSec.toFixed(2),
    ].join(','),
  );
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

/**
 * A self-contained SVG plot: training loss (left axis) and dev score (right axis) against steps. Written
 * by hand (no plotting dependency) since two polylines and axis labels are all it needs.
 */
export function curvesSvg(points: readonly CurvePoint[], title = 'training curves'): string {
  const w = 720;
  const h = 360;
  const m = { l: 60, r: 60, t: 30, b: 40 };
  const pw = w - m.l - m.r;
  const ph = h - m.t - m.b;
  const steps = points.map((p) => p.step);
  const maxStep = Math.max(1, ...steps);
  const losses = points.map((p) => p.loss).filter(Number.isFinite);
  const lo = Math.min(...losses, 0);
  const hi = Math.max(...losses, 1e-9);
  const devs = points.filter((p) => p.dev !== undefined);
  const dLo = Math.min(...devs.map((p) => p.dev!), 1);
  const dHi = Math.max(...devs.map((p) => p.dev!), 0);
  const x = (s: number): number => m.l + (s / maxStep) * pw;
  const yL = (v: number): number => m.t + ph - ((v - lo) / (hi - lo || 1)) * ph;
  const yD = (v: number): number => m.t + ph - ((v - dLo) / (dHi - dLo || 1)) * ph;
  const line = (pts: [number, number][], color: string): string =>
    pts.length === 0
      ? ''
      : `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">
<rect width="${w}" height="${h}" fill="white"/>
<text x="${w / 2}" y="18" text-anchor="middle" font-size="13">${escapeHtml(title)}</text>
<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>
${line(
  points.filter((p) => Number.isFinite(p.loss)).map((p) => [x(p.step), yL(p.loss)]),
  '#1f77b4',
)}
${line(
  devs.map((p) => [x(p.step), yD(p.dev!)]),
  '#d62728',
)}
<text x="${m.l - 6}" y="${m.t + 4}" text-anchor="end" fill="#1f77b4">${hi.toFixed(3)}</text>
<text x="${m.l - 6}" y="${m.t + ph}" text-anchor="end" fill="#1f77b4">${lo.toFixed(3)}</text>
<text x="14" y="${m.t + ph / 2}" fill="#1f77b4" transform="rotate(-90 14 ${m.t + ph / 2})" text-anchor="middle">loss</text>
${devs.length > 0 ? `<text x="${m.l + pw + 6}" y="${m.t + 4}" fill="#d62728">${dHi.toFixed(4)}</text><text x="${m.l + pw + 6}" y="${m.t + ph}" fill="#d62728">${dLo.toFixed(4)}</text><text x="${w - 10}" y="${m.t + ph / 2}" fill="#d62728" transform="rotate(90 ${w - 10} ${m.t + ph / 2})" text-anchor="middle">dev score</text>` : ''}
<text x="${m.l}" y="${h - 12}">0</text>
<text x="${m.l + pw}" y="${h - 12}" text-anchor="end">${maxStep} steps</text>
</svg>
`;
}

/** Writes curves.csv and curves.svg into `dir` atomically. */
export async function writeCurves(dir: string, points: readonly CurvePoint[], title?: string): Promise<void> {
  await atomicWriteFile(`${dir}/curves.csv`, curvesCsv(points));
  await atomicWriteFile(`${dir}/curves.svg`, curvesSvg(points, title));
}
