import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EvaluationError } from '../EvaluationError.js';
import type { Encoder } from '../encoder.js';
import { normalizedRows } from '../encoder.js';
import { type Qrels, type Run, scoreRun } from '../metrics/trecEval.js';
import { denseTopK } from '../ml/denseSearch.js';
import { arr, findJsonl, readJsonl, readQrels, str } from '../tasks/readFiles.js';
import type { TaskMetadata } from '../tasks/schema.js';
import { requireJsonl, type SplitFiles, type TaskTypeModule } from './taskType.js';

/** A corpus document of a retrieval task. */
export interface RetrievalDoc {
  id: string;
  title: string;
  text: string;
}

/** One Retrieval (or Reranking) split. */
export interface RetrievalData {
  type: 'Retrieval' | 'Reranking';
  corpus: RetrievalDoc[];
  queries: { id: string; text: string }[];
  qrels: Qrels;
  /** Reranking: the candidate documents of each query (mteb v2 `top_ranked`). */
  topRanked?: Record<string, string[]>;
}

/**
 * Retrieval: BEIR's layout, `corpus.jsonl` (`_id`, `title`, `text`), `queries.jsonl` (`_id`, `text`) and
 * `qrels/<split>.tsv`, plus `top_ranked/<split>.jsonl` when the task reranks given candidates.
 */
export const retrievalType: TaskTypeModule<'Retrieval', RetrievalData> = {
  type: 'Retrieval',
  geckoPrompt: 'search result',
  lexical: true,
  load: (files) => loadRetrievalSplit(files, 'Retrieval'),
  evaluate: (data, run) => evaluateRetrieval(data, run.meta, run.model),
};

/**
 * Reads a split in the retrieval layout of {@link retrievalType}; Reranking (`type`) requires `top_ranked`.
 * @throws EvaluationError (NO_SPLIT) for a missing corpus, queries or qrels file; InputError for a bad record.
 */
export async function loadRetrievalSplit(
  files: SplitFiles,
  type: RetrievalData['type'],
): Promise<RetrievalData> {
  const { folder, split, meta } = files;
  const corpusFile = requireJsonl(files, 'corpus');
  const corpus = (await readJsonl(corpusFile)).map((r) => ({
    id: str(r, corpusFile, '_id', 'id'),
    title: typeof r.value.title === 'string' ? r.value.title : '',
    text: str(r, corpusFile, 'text'),
  }));
  const queriesFile = requireJsonl(files, 'queries');
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
      topRanked[str(r, topFile, 'query-id', 'query_id')] = arr(r, topFile, 'corpus-ids', 'corpus_ids').map(
        String,
      );
  } else if (type === 'Reranking')
    throw new EvaluationError(
      meta.name,
      `reranking needs top_ranked/${split}.jsonl (query-id, corpus-ids) in ${folder}`,
    );
  return { type, corpus, queries, qrels, topRanked };
}

/**
 * A retriever that ranks the corpus itself, such as BM25 or the BM25 + dense hybrid: returns the top `k`
 * docs per query, higher = better. `task` is the task being evaluated (for its query prompt).
 */
export interface LexicalRetriever {
  readonly id: string;
  retrieve(
    corpus: readonly RetrievalDoc[],
    queries: { id: string; text: string }[],
    k: number,
    task?: TaskMetadata,
  ): Promise<Run>;
}

/** mteb's top_k: max of its k values. */
export const RETRIEVAL_TOP_K = 1000;

/**
 * Retrieval and Reranking as mteb v2 scores them: queries without qrels are dropped; each kept query gets
 * its top 1000 by cosine (or all of its `top_ranked` candidates when reranking); with
 * `ignore_identical_ids` a query's own id is removed after the cut; trec_eval measures are averaged and
 * rounded to 5 places. Main scores `ndcg_at_10` (Retrieval), `map_at_1000` (Reranking), and the
 * `max_over_subqueries_*` variant (MindSmall) merges sub-queries `<base>_<i>` by their max score.
 */
export async function evaluateRetrieval(
  data: RetrievalData,
  meta: TaskMetadata,
  model: { encoder: Encoder } | { lexical: LexicalRetriever },
): Promise<Record<string, number>> {
  const queries = data.queries.filter((q) => Object.keys(data.qrels[q.id] ?? {}).length > 0);
  let run: Run;
  if ('lexical' in model) {
    if (data.topRanked)
      throw new EvaluationError(
        meta.name,
        `${model.lexical.id} cannot rerank candidate lists (top_ranked); use an embedding model`,
        { code: 'UNSUPPORTED' },
      );
    run = await model.lexical.retrieve(data.corpus, queries, RETRIEVAL_TOP_K, meta);
  } else {
    run = await denseRun(data, queries, model.encoder);
  }
  if (meta.ignore_identical_ids)
    for (const q of Object.keys(run)) delete (run[q] as Record<string, number>)[q];
  if (meta.main_score.startsWith('max_over_subqueries_')) {
    const merged = mergeSubqueries(run, data.qrels);
    const scores = scoreRun(merged.qrels, merged.run);
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(scores)) out[`max_over_subqueries_${k}`] = v;
    return { ...scoreRun(data.qrels, run), ...out };
  }
  return scoreRun(data.qrels, run);
}

async function denseRun(
  data: RetrievalData,
  queries: { id: string; text: string }[],
  encoder: Encoder,
): Promise<Run> {
  const q = await encoder.encode(
    queries.map((x) => x.text),
    'query',
  );
  let docs = data.corpus;
  let candidates: (Int32Array | null)[] | undefined;
  if (data.topRanked) {
    // Reranking embeds only documents some query can rank.
    const needed = new Set(queries.flatMap((x) => data.topRanked?.[x.id] ?? []));
    docs = data.corpus.filter((d) => needed.has(d.id));
    const index = new Map(docs.map((d, i) => [d.id, i]));
    candidates = queries.map((x) => {
      const ids = data.topRanked?.[x.id];
      return ids
        ? Int32Array.from(ids.filter((id) => index.has(id)).map((id) => index.get(id) as number))
        : null;
    });
  }
  const d = await encoder.encode(
    docs.map((x) => ({ title: x.title, text: x.text })),
    'document',
  );
  const hits = denseTopK(
    normalizedRows(q),
    normalizedRows(d),
    encoder.dims,
    docs.map((x) => x.id),
    RETRIEVAL_TOP_K,
    candidates,
  );
  const run: Run = {};
  queries.forEach((query, i) => {
    const h = hits[i];
    const row: Record<string, number> = {};
    if (h)
      for (let r = 0; r < h.docs.length; r++)
        row[(docs[h.docs[r] as number] as { id: string }).id] = h.scores[r] as number;
    run[query.id] = row;
  });
  return run;
}

function mergeSubqueries(run: Run, qrels: Qrels): { run: Run; qrels: Qrels } {
  const merged: Run = {};
  const mergedQrels: Qrels = {};
  for (const [qid, docs] of Object.entries(run)) {
    const base = qid.includes('_') ? qid.slice(0, qid.lastIndexOf('_')) : qid;
    const target = merged[base] ?? {};
    merged[base] = target;
    for (const [doc, s] of Object.entries(docs))
      target[doc] = Math.max(target[doc] ?? Number.NEGATIVE_INFINITY, s);
    if (qrels[qid]) mergedQrels[base] = qrels[qid] as Record<string, number>;
  }
  return { run: merged, qrels: mergedQrels };
}
