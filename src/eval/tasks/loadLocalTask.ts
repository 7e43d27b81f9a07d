import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError } from '../../errors/InputError.js';
import type { JsonlLine } from '../../util/jsonl.js';
import { EvaluationError } from '../EvaluationError.js';
import { defineTask, type TaskDefinition } from './defineTask.js';
import { arr, findJsonl, num, readJsonl, readQrels, str } from './readFiles.js';
import type { TaskMetadata } from './schema.js';
import type { SplitData } from './taskData.js';

/**
 * A task from a folder in the layout of `shared/data/README.md` (which mirrors mteb's Hugging Face
 * datasets): `task.json` plus `<split>.jsonl[.gz]` files, or `corpus`, `queries` and `qrels/<split>.tsv` for
 * retrieval (and `top_ranked/<split>.jsonl` for reranking).
 *
 * @throws EvaluationError when the folder has no task.json; InputError for malformed metadata.
 * @example const task = loadLocalTask('../shared/data/mteb/SciFact');
 */
export function loadLocalTask(folder: string, metadataOverride?: unknown): TaskDefinition {
  const file = join(folder, 'task.json');
  let raw: unknown = metadataOverride;
  if (raw === undefined) {
    if (!existsSync(file))
      throw new EvaluationError(folder, 'not a task folder (no task.json)', { code: 'NO_TASK' });
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new InputError({ file }, `not valid JSON (${(e as Error).message})`);
    }
  }
  const labelCodes = new Map<string, number>();
  const task = defineTask({
    metadata: raw,
    source: file,
    // Called only after defineTask has returned, so `task` holds the validated metadata.
    load: (split) => loadSplit(folder, task.metadata, split, labelCodes),
    dataHash: async () => hashFolder(folder),
  });
  return task;
}

/** SHA-256 over every data file under `folder` (relative path and bytes, sorted by path), task.json excluded. */
export function hashFolder(folder: string): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name !== 'task.json' && !name.startsWith('.')) files.push(p);
    }
  };
  walk(folder);
  const h = createHash('sha256');
  for (const p of files.sort()) {
    h.update(`${relative(folder, p)}\0`);
    h.update(readFileSync(p));
  }
  return h.digest('hex');
}

async function loadSplit(
  folder: string,
  meta: TaskMetadata,
  split: string,
  labelCodes: Map<string, number>,
): Promise<SplitData> {
  const need = (base: string): string => {
    const p = findJsonl(join(folder, base));
    if (!p)
      throw new EvaluationError(meta.name, `missing ${base}.jsonl (or .jsonl.gz) in ${folder}`, {
        code: 'NO_SPLIT',
      });
    return p;
  };
  switch (meta.type) {
    case 'Retrieval':
    case 'Reranking': {
      const corpusFile = need('corpus');
      const corpus = (await readJsonl(corpusFile)).map((r) => ({
        id: str(r, corpusFile, '_id', 'id'),
        title: typeof r.value.title === 'string' ? r.value.title : '',
        text: str(r, corpusFile, 'text'),
      }));
      const queriesFile = need('queries');
      const queries = (await readJsonl(queriesFile)).map((r) => ({
        id: str(r, queriesFile, '_id', 'id'),
        text: str(r, queriesFile, 'text'),
      }));
      const qrelsFile = join(folder, 'qrels', `${split}.tsv`);
      if (!existsSync(qrelsFile))
        throw new EvaluationError(meta.name, `missing qrels/${split}.tsv in ${folder}`, { code: 'NO_SPLIT' });
      const qrels = await readQrels(qrelsFile);
      const topFile = findJsonl(join(folder, 'top_ranked', split));
      let topRanked: Record<string, string[]> | undefined;
      if (topFile) {
        topRanked = {};
        for (const r of await readJsonl(topFile))
          topRanked[str(r, topFile, 'query-id', 'query_id')] = arr(
            r,
            topFile,
            'corpus-ids',
            'corpus_ids',
          ).map(String);
      } else if (meta.type === 'Reranking')
        throw new EvaluationError(
          meta.name,
          `reranking needs top_ranked/${split}.jsonl (query-id, corpus-ids) in ${folder}`,
        );
      return { type: meta.type, corpus, queries, qrels, topRanked };
    }
    case 'STS': {
      const f = need(split);
      const rows = await readJsonl(f);
      return {
        type: 'STS',
        sentence1: rows.map((r) => str(r, f, 'sentence1')),
        sentence2: rows.map((r) => str(r, f, 'sentence2')),
        score: rows.map((r) => num(r, f, 'score')),
      };
    }
    case 'Classification': {
      const f = need(split);
      const rows = await readJsonl(f);
      const label = rows.map((r) => {
        const v = r.value.label;
        if (typeof v === 'number' && Number.isInteger(v)) return v;
        if (typeof v === 'string' || typeof v === 'boolean') {
          const key = String(v);
          if (!labelCodes.has(key)) labelCodes.set(key, labelCodes.size);
          return labelCodes.get(key) as number;
        }
        throw new InputError(
          { file: f, line: r.line, field: 'label' },
          'expected an integer or string label',
        );
      });
      return { type: 'Classification', text: rows.map((r) => str(r, f, 'text')), label };
    }
    case 'PairClassification': {
      const f = need(split);
      const rows = await readJsonl(f);
      // mteb v1 files hold one row of parallel arrays (sent1/sent2/labels); unpack them.
      if (rows.length > 0 && Array.isArray((rows[0] as JsonlLine).value.labels)) {
        const s1: string[] = [];
        const s2: string[] = [];
        const labels: number[] = [];
        for (const r of rows) {
          s1.push(...arr(r, f, 'sentence1', 'sent1').map(String));
          s2.push(...arr(r, f, 'sentence2', 'sent2').map(String));
          labels.push(...arr(r, f, 'labels').map(Number));
        }
        return { type: 'PairClassification', sentence1: s1, sentence2: s2, labels };
      }
      return {
        type: 'PairClassification',
        sentence1: rows.map((r) => str(r, f, 'sentence1', 'sent1')),
        sentence2: rows.map((r) => str(r, f, 'sentence2', 'sent2')),
        labels: rows.map((r) => num(r, f, 'label', 'labels')),
      };
    }
    case 'Clustering': {
      const f = need(split);
      const rows = await readJsonl(f);
      if (rows.length > 0 && Array.isArray((rows[0] as JsonlLine).value.sentences)) {
        return {
          type: 'Clustering',
          sets: rows.map((r) => ({
            sentences: arr(r, f, 'sentences').map(String),
            labels: arr(r, f, 'labels').map(String),
          })),
        };
      }
      return {
        type: 'Clustering',
        sets: [
          {
            sentences: rows.map((r) => str(r, f, 'sentences', 'text')),
            labels: rows.map((r) =>
              Array.isArray(r.value.labels) ? r.value.labels.map(String) : str(r, f, 'labels', 'label'),
            ),
          },
        ],
      };
    }
    case 'Summarization': {
      const f = need(split);
      const rows = await readJsonl(f);
      return {
        type: 'Summarization',
        rows: rows.map((r) => ({
          humanSummaries: arr(r, f, 'human_summaries').map(String),
          machineSummaries: arr(r, f, 'machine_summaries').map(String),
          relevance: arr(r, f, 'relevance').map(Number),
        })),
      };
    }
  }
}
