import { createHash } from 'node:crypto';
import type { Run } from '../metrics/trecEval.js';
import type { TaskMetadata } from '../tasks/schema.js';
import type { LexicalRetriever, RetrievalDoc } from '../taskTypes/retrieval.js';

/**
 * A lexical retriever that answers a repeated request (same corpus, queries and k) from the run it
 * computed the first time. Distill's evaluation scores BM25 alone and inside the hybrid on each retrieval
 * task; with one remembering BM25 shared by both, the corpus is indexed and searched once. Requests are
 * told apart by a hash of their content, so a reloaded copy of the same task data still hits.
 *
 * @example const bm25 = rememberRuns(new Bm25Retriever()); new HybridRetriever(model, { lexical: bm25 });
 */
export function rememberRuns(inner: LexicalRetriever): LexicalRetriever {
  const runs = new Map<string, Promise<Run>>();
  return {
    id: inner.id,
    retrieve(
      corpus: readonly RetrievalDoc[],
      queries: { id: string; text: string }[],
      k: number,
      task?: TaskMetadata,
    ): Promise<Run> {
      const key = requestKey(corpus, queries, k);
      let run = runs.get(key);
      if (!run) {
        run = inner.retrieve(corpus, queries, k, task);
        runs.set(key, run);
        // A failed request is not remembered: a retry computes it again.
        run.catch(() => runs.delete(key));
      }
      // Each caller gets its own copy: the evaluator edits a run (ignore_identical_ids drops entries).
      return run.then((r) => structuredClone(r));
    },
  };
}

function requestKey(
  corpus: readonly RetrievalDoc[],
  queries: { id: string; text: string }[],
  k: number,
): string {
  const h = createHash('sha256');
  h.update(`${k}\0`);
  for (const d of corpus) h.update(`${d.id}\0${d.title ?? ''}\0${d.text}\0`);
  h.update('\u0001');
  for (const q of queries) h.update(`${q.id}\0${q.text}\0`);
  return h.digest('hex');
}
