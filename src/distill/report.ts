import { existsSync, readFileSync } from 'node:fs';
import { REFERENCE_MODELS, REFERENCE_SCORES } from '../eval/report/anchors.js';
import { taskScore } from '../eval/results.js';
import type { DatasetManifest } from '../fret/dataset.js';
import type { FretExample } from '../fret/mine.js';
import { readJsonlValues } from '../util/jsonl.js';
import { escapeHtml, markdownTable, markdownTableToHtml } from '../util/markdownTable.js';
import type { DistillConfig } from './config.js';
import type { EvalResults } from './evaluate.js';
import { type DistillPlan, formatPlan } from './plan.js';

/** Everything the report is assembled from: the parts' own outputs, read from disk. */
export interface ReportInputs {
  config: DistillConfig;
  plan: DistillPlan;
  manifest: DatasetManifest | null;
  fretJsonl: string;
  /** Training curves: SVG text for the HTML page, and the file path relative to the report for Markdown. */
  curves: { title: string; svg: string; file: string }[];
  /** The Matryoshka chart: its SVG for the HTML page, and the file path relative to the report for Markdown. */
  chart: { svg: string; file: string };
  /** The BEIR corpus the seed passages are looked up in. */
  corpusJsonl: string;
  eval: EvalResults;
}

/** How many examples of each kind the report shows. */
const EXAMPLES = 5;

/**
 * Assembles the distillation report as Markdown and HTML: the plan, dataset statistics (task families,
 * relabel rate, failures), examples of relabelled positives and of hard negatives, training curves, the
 * evaluation table against BM25 and the reference models, and the Matryoshka dimension curve.
 */
export async function renderDistillReport(inputs: ReportInputs): Promise<{ markdown: string; html: string }> {
  const sections: { title: string; md: string; html: string }[] = [];
  const add = (title: string, md: string, html?: string): void => {
    sections.push({ title, md, html: html ?? mdToHtml(md) });
  };
  add('Plan', `\`\`\`\n${formatPlan(inputs.plan)}\n\`\`\``);
  add('Dataset', datasetSection(inputs.manifest));
  const { relabeled, negatives } = await pickExamples(inputs.fretJsonl);
  const seeds = await lookup(
    inputs.corpusJsonl,
    new Set(relabeled.flatMap((e) => (e.seed_id ? [e.seed_id] : []))),
  );
  add(
    'Relabelled positives',
    relabeled.length
      ? markdownTable(
          ['query', 'seed passage', 'positive chosen by the LLM'],
          relabeled.map((e) => {
            const seed = e.seed_id ? seeds.get(e.seed_id) : undefined;
            return [`${e.task}: ${e.query}`, seed ? passage(seed) : (e.seed_id ?? '–'), passage(e.positive)];
          }),
        )
      : '_No example was relabelled (the positive is the seed passage in every example)._',
  );
  add(
    'Hard negatives',
    negatives.length
      ? markdownTable(
          ['query', 'positive', 'hard negative'],
          negatives.map((e) => [
            `${e.task}: ${e.query}`,
            passage(e.positive),
            e.negative ? passage(e.negative) : '–',
          ]),
        )
      : '_No example has a hard negative._',
  );
  const curveMd = inputs.curves.map((c) => `### ${c.title}\n\n![${c.title}](${c.file})`).join('\n\n');
  add(
    'Training curves',
    curveMd || '_No training ran._',
    inputs.curves.map((c) => `<h3>${escapeHtml(c.title)}</h3>\n${c.svg}`).join('\n') ||
      '<p>No training ran.</p>',
  );
  const evalMd = evaluationTable(inputs.eval);
  add('Evaluation', evalMd);
  add(
    'Matryoshka dimension curve',
    `![score against Matryoshka dimension](${inputs.chart.file})`,
    inputs.chart.svg,
  );
  add(
    'Configuration',
    `\`\`\`json\n${JSON.stringify(inputs.config, null, 2)}\n\`\`\``,
    `<pre>${escapeHtml(JSON.stringify(inputs.config, null, 2))}</pre>`,
  );
  const title = 'gecko distill report';
  const markdown = [`# ${title}`, '', ...sections.flatMap((s) => [`## ${s.title}`, '', s.md, ''])].join('\n');
  const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;vertical-align:top}pre{background:#f6f6f6;padding:8px;overflow:auto}</style>
</head><body>\n<h1>${title}</h1>\n${sections.map((s) => `<h2>${escapeHtml(s.title)}</h2>\n${s.html}`).join('\n')}\n</body></html>\n`;
  return { markdown, html };
}

function datasetSection(m: DatasetManifest | null): string {
  if (!m) return '_No FRet dataset._';
  const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  const kv = (o: Record<string, number>): string =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  return [
    markdownTable(
      ['statistic', 'value'],
      [
        ['seed passages', String(m.counts.seeds)],
        ['queries generated', String(m.counts.queries)],
        ['generation failures', `${m.counts.generation_failed} (${kv(m.failures.generate)})`],
        ['mining failures', `${m.counts.mining_failed} (${kv(m.failures.mine)})`],
        ['examples', String(m.counts.examples)],
        ['with hard negative', String(m.counts.with_negative)],
        ['relabel rate', `${pct(m.relabel.rate)} (${m.relabel.relabeled} of ${m.relabel.with_seed})`],
        ['scoring', m.scoring],
        [
          'tokens',
          `generate ${m.tokens.generate.prompt} prompt + ${m.tokens.generate.completion} completion; mine ${m.tokens.mine.prompt} prompt + ${m.tokens.mine.scored} scored`,
        ],
      ],
    ),
    '',
    '**Task families**',
    '',
    markdownTable(
      ['family', 'examples'],
      Object.entries(m.task_families).map(([k, v]) => [k, String(v)]),
    ),
  ].join('\n');
}

async function pickExamples(path: string): Promise<{ relabeled: FretExample[]; negatives: FretExample[] }> {
  const relabeled: FretExample[] = [];
  const negatives: FretExample[] = [];
  if (!existsSync(path)) return { relabeled, negatives };
  for await (const e of readJsonlValues<FretExample>(path)) {
    if (e.relabeled && relabeled.length < EXAMPLES) relabeled.push(e);
    if (e.negative && negatives.length < EXAMPLES) negatives.push(e);
    if (relabeled.length >= EXAMPLES && negatives.length >= EXAMPLES) break;
  }
  return { relabeled, negatives };
}

/** Student at each size, BM25, hybrid BM25 + student, and the published reference models on tasks they were evaluated on. */
function evaluationTable(r: EvalResults): string {
  if (r.student.length === 0) return '_No evaluation tasks._';
  const tasks = [...new Set(r.student.map((x) => x.task_name))];
  const dims = [...new Set(r.student.map((x) => x.gecko.dimensions))].sort(
    (a, b) => (b ?? Infinity) - (a ?? Infinity),
  );
  const score = (list: EvalResults['student'], t: string, d?: number | null): string => {
    const hit = list.find((x) => x.task_name === t && (d === undefined || x.gecko.dimensions === d));
    return hit ? (taskScore(hit) * 100).toFixed(2) : '–';
  };
  const refs = REFERENCE_MODELS.filter((m) => tasks.some((t) => REFERENCE_SCORES[t]?.[m] != null));
  return [
    markdownTable(
      ['task', 'metric', ...dims.map((d) => `student ${d ?? 'full'}d`), 'BM25', 'hybrid', ...refs],
      tasks.map((t) => [
        t,
        r.student.find((x) => x.task_name === t)?.gecko.main_score_name ?? '',
        ...dims.map((d) => score(r.student, t, d)),
        score(r.bm25, t),
        score(r.hybrid ?? [], t),
        ...refs.map((m) => {
          const v = REFERENCE_SCORES[t]?.[m];
          return v == null ? '–' : v.toFixed(2);
        }),
      ]),
    ),
    '',
    'Scores are MTEB main scores ×100. Held-out tasks contain only queries of passages that were kept out of',
    'training. Reference models are published numbers on the official MTEB splits (shown for tasks they have).',
  ].join('\n');
}

/** The passages of `ids` from a BEIR corpus file (one pass; only the few shown are kept). */
async function lookup(
  corpusJsonl: string,
  ids: ReadonlySet<string>,
): Promise<Map<string, { id: string; title: string | null; text: string }>> {
  const out = new Map<string, { id: string; title: string | null; text: string }>();
  if (ids.size === 0) return out;
  for await (const d of readJsonlValues<{ _id: string; title: string; text: string }>(corpusJsonl)) {
    if (ids.has(d._id)) out.set(d._id, { id: d._id, title: d.title || null, text: d.text });
    if (out.size === ids.size) break;
  }
  return out;
}

function passage(p: { id: string; title: string | null; text: string }): string {
  const text = p.text.length > 160 ? `${p.text.slice(0, 160)}…` : p.text;
  return `[${p.id}] ${p.title ? `${p.title}: ` : ''}${text}`;
}

/** Minimal Markdown → HTML for what this report writes: tables, fenced code, bold lines and paragraphs. */
function mdToHtml(md: string): string {
  if (md.startsWith('```')) {
    const body = md.replace(/^```[a-z]*\n/, '').replace(/\n```$/, '');
    return `<pre>${escapeHtml(body)}</pre>`;
  }
  const out: string[] = [];
  const blocks = md.split(/\n\n+/);
  for (const b of blocks) {
    if (b.startsWith('|')) out.push(markdownTableToHtml(b));
    else if (b.startsWith('**') && b.endsWith('**')) out.push(`<h3>${escapeHtml(b.slice(2, -2))}</h3>`);
    else if (b.startsWith('_') && b.endsWith('_')) out.push(`<p><em>${escapeHtml(b.slice(1, -1))}</em></p>`);
    else out.push(`<p>${escapeHtml(b)}</p>`);
  }
  return out.join('\n');
}

/** Reads an SVG file for inlining, or null when the phase wrote none. */
export function readSvg(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}
