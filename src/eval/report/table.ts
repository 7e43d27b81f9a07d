import { dimLabel, type TaskResult, taskScore } from '../results.js';

/** Results grouped as task → size → score×100, in first-seen order. */
export function scoreGrid(results: readonly TaskResult[]): {
  tasks: string[];
  dims: string[];
  cell: Map<string, number>;
} {
  const tasks: string[] = [];
  const dims: string[] = [];
  const cell = new Map<string, number>();
  for (const r of results) {
    const d = dimLabel(r.gecko.dimensions);
    if (!tasks.includes(r.task_name)) tasks.push(r.task_name);
    if (!dims.includes(d)) dims.push(d);
    cell.set(`${r.task_name}\0${d}`, taskScore(r) * 100);
  }
  return { tasks, dims, cell };
}

/**
 * A task × size table of main scores (×100, as the leaderboard shows them), with each task's metric and
 * a mean row, as aligned plain text for the terminal.
 * @example console.log(formatScoreTable(results));
 */
export function formatScoreTable(results: readonly TaskResult[]): string {
  const { tasks, dims, cell } = scoreGrid(results);
  const metric = new Map(results.map((r) => [r.task_name, r.gecko.main_score_name]));
  const rows = tasks.map((t) => [t, metric.get(t) ?? '', ...dims.map((d) => fmt(cell.get(`${t}\0${d}`)))]);
  const means = dims.map((d) => {
    const v = tasks.map((t) => cell.get(`${t}\0${d}`)).filter((x): x is number => x !== undefined);
    return v.length === tasks.length ? fmt(v.reduce((a, b) => a + b, 0) / v.length) : '–';
  });
  const all = [['task', 'metric', ...dims], ...rows, ['mean', '', ...means]];
  const widths = all[0]?.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length))) ?? [];
  const line = (r: string[]): string =>
    r.map((v, c) => (c < 2 ? v.padEnd(widths[c] ?? 0) : v.padStart(widths[c] ?? 0))).join('  ');
  return [
    line(all[0] as string[]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    line(all[all.length - 1] as string[]),
  ].join('\n');
}

function fmt(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '–' : v.toFixed(2);
}
