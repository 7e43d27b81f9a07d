import {
  type ColumnAlign,
  escapeHtml,
  markdownTable,
  markdownTableToHtml,
} from '../../util/markdownTable.js';
import { dimLabel, type TaskResult, taskScore } from '../results.js';
import { REFERENCE_MODELS, REFERENCE_SCORES } from './anchors.js';
import { scoreGrid } from './table.js';

/** The evaluation report in two forms. */
export interface Report {
  /** Markdown; the chart is referenced as `chart.svg` (Markdown renderers drop inline SVG). */
  markdown: string;
  /** Self-contained HTML with the chart inline. */
  html: string;
  /** The chart alone, to save beside the Markdown as `chart.svg`. */
  svg: string;
}

const COLORS = ['#1b6ca8', '#d1495b', '#2e933c', '#edae49', '#6a4c93', '#00798c', '#8d6a9f', '#c8553d'];

/**
 * Renders a report of a run: the task × size table, an inline SVG chart of main score against Matryoshka
 * dimension (one line per task), and a comparison of the best size with the published reference models
 * (`anchors.ts`). `title` names the model.
 * @example const { markdown, html } = renderReport(results, 'gecko-student');
 */
export function renderReport(results: readonly TaskResult[], title: string): Report {
  const { tasks, dims, cell } = scoreGrid(results);
  const models = [...new Set(results.map((r) => r.gecko.model))];
  const numeric = (n: number): ColumnAlign[] => Array.from({ length: n }, () => 'right');
  const table = markdownTable(
    ['task', 'metric', ...dims],
    tasks.map((t) => {
      const metric = results.find((r) => r.task_name === t)?.gecko.main_score_name ?? '';
      return [t, metric, ...dims.map((d) => fmt(cell.get(`${t}\0${d}`)))];
    }),
    ['left', 'left', ...numeric(dims.length)],
  );
  const best = new Map<string, number>();
  for (const r of results)
    best.set(r.task_name, Math.max(best.get(r.task_name) ?? -Infinity, taskScore(r) * 100));
  const comparison = markdownTable(
    ['task', 'this model (best size)', ...REFERENCE_MODELS],
    tasks.map((t) => {
      const ref = REFERENCE_SCORES[t];
      return [t, fmt(best.get(t)), ...REFERENCE_MODELS.map((m) => fmt(ref?.[m] ?? undefined))];
    }),
    ['left', ...numeric(1 + REFERENCE_MODELS.length)],
  );
  const svg = chart(results);
  const notes = [
    'Scores are MTEB main scores ×100. Reference numbers are published results on the official MTEB splits; local task copies',
    'may use other splits (see each task.json), so compare trends rather than exact values.',
  ].join(' ');
  const markdown = [
    `# Evaluation report: ${title}`,
    '',
    `Models: ${models.join(', ')}`,
    '',
    '## Scores by task and size',
    '',
    table,
    '',
    '## Score against Matryoshka dimension',
    '',
    svg.startsWith('<svg') ? '![main score against Matryoshka dimension](chart.svg)' : svg,
    '',
    '## Comparison with reference models',
    '',
    comparison,
    '',
    notes,
    '',
  ].join('\n');
  const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px}td:nth-child(n+2){text-align:right}</style>
</head><body>\n<h1>Evaluation report: ${escapeHtml(title)}</h1>\n<p>Models: ${escapeHtml(models.join(', '))}</p>
<h2>Scores by task and size</h2>\n${markdownTableToHtml(table)}\n<h2>Score against Matryoshka dimension</h2>\n${svg}
<h2>Comparison with reference models</h2>\n${markdownTableToHtml(comparison)}\n<p>${escapeHtml(notes)}</p>\n</body></html>\n`;
  return { markdown, html, svg };
}

/** Inline SVG: x = dimension (log scale), y = main score ×100; one polyline per task. */
export function chart(results: readonly TaskResult[]): string {
  const W = 640;
  const H = 320;
  const pad = { l: 48, r: 180, t: 16, b: 36 };
  const series = new Map<string, { d: number; s: number }[]>();
  for (const r of results) {
    if (r.gecko.dimensions === null) continue;
    const list = series.get(r.task_name) ?? [];
    list.push({ d: r.gecko.dimensions, s: taskScore(r) * 100 });
    series.set(r.task_name, list);
  }
  const points = [...series.values()].flat();
  if (points.length === 0) return '<p>(no Matryoshka sizes were evaluated: pass --dims)</p>';
  const dMin = Math.min(...points.map((p) => p.d));
  const dMax = Math.max(...points.map((p) => p.d));
  const sMin = Math.max(0, Math.floor(Math.min(...points.map((p) => p.s)) / 10) * 10);
  const sMax = Math.min(100, Math.ceil(Math.max(...points.map((p) => p.s)) / 10) * 10 || 10);
  const x = (d: number): number =>
    pad.l + (dMax === dMin ? 0.5 : Math.log(d / dMin) / Math.log(dMax / dMin)) * (W - pad.l - pad.r);
  const y = (s: number): number =>
    H - pad.b - ((s - sMin) / Math.max(1e-9, sMax - sMin)) * (H - pad.t - pad.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-size="11" font-family="sans-serif">`,
  ];
  parts.push(
    `<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="#333"/><line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${H - pad.b}" stroke="#333"/>`,
  );
  for (const d of [...new Set(points.map((p) => p.d))].sort((a, b) => a - b))
    parts.push(`<text x="${x(d).toFixed(1)}" y="${H - pad.b + 14}" text-anchor="middle">${d}</text>`);
  for (let s = sMin; s <= sMax; s += 10)
    parts.push(
      `<text x="${pad.l - 6}" y="${(y(s) + 4).toFixed(1)}" text-anchor="end">${s}</text><line x1="${pad.l}" y1="${y(s).toFixed(1)}" x2="${W - pad.r}" y2="${y(s).toFixed(1)}" stroke="#eee"/>`,
    );
  parts.push(`<text x="${(pad.l + (W - pad.r)) / 2}" y="${H - 6}" text-anchor="middle">dimensions</text>`);
  [...series.entries()].forEach(([task, list], i) => {
    const c = COLORS[i % COLORS.length];
    const sorted = [...list].sort((a, b) => a.d - b.d);
    parts.push(
      `<polyline fill="none" stroke="${c}" stroke-width="2" points="${sorted.map((p) => `${x(p.d).toFixed(1)},${y(p.s).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const p of sorted)
      parts.push(
        `<circle cx="${x(p.d).toFixed(1)}" cy="${y(p.s).toFixed(1)}" r="3" fill="${c}"><title>${escapeHtml(task)} ${dimLabel(p.d)}: ${p.s.toFixed(2)}</title></circle>`,
      );
    parts.push(
      `<text x="${W - pad.r + 10}" y="${pad.t + 14 * i + 8}" fill="${c}">${escapeHtml(task)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function fmt(v: number | undefined | null): string {
  return v === undefined || v === null || Number.isNaN(v) ? '–' : v.toFixed(2);
}
