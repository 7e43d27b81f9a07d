import { fuseRankedIds } from '../../index/CorpusSearcher.js';
import { exactTopK } from '../../math/topK.js';
import type { Embedder } from '../../model/Embedder.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import type { Run } from '../metrics/trecEval.js';
import { promptsFor } from '../prompts.js';
import type { TaskMetadata } from '../tasks/schema.js';
import type { LexicalRetriever, RetrievalDoc } from '../taskTypes/retrieval.js';
import { Bm25Retriever } from './Bm25Retriever.js';

export interface HybridRetrieverOptions {
  /** Query task string for Gecko's unified format. @default the evaluated task's query prompt, else 'search result' */
  task?: string;
  /** Matryoshka size of the dense side. @default the embedder's full size */
  dimensions?: number;
  reporter?: Reporter;
  /** The BM25 side; a caller that scores BM25 alone too can share one `rememberRuns` BM25. @default a new Bm25Retriever */
  lexical?: LexicalRetriever;
}

/**
 * Hybrid BM25 + dense retrieval for the MTEB evaluator: each query's BM25 top k and the embedder's top k
 * (cosine, unified format) fused by reciprocal rank, the same fusion `/v1/search` uses in its default
 * `hybrid` mode, so eval reports score what the server serves.
 *
 * @example
 * const [r] = await evaluateTask(task, { lexical: new HybridRetriever(model, { task: 'fact checking' }) });
 */
export class HybridRetriever implements LexicalRetriever {
  readonly id: string;
  readonly #embedder: Embedder;
  readonly #options: HybridRetrieverOptions;

  constructor(embedder: Embedder, options: HybridRetrieverOptions = {}) {
    this.#embedder = embedder;
    this.#options = options;
    this.id = `hybrid(${options.lexical?.id ?? 'bm25'},${embedder.id})`;
  }

  async retrieve(
    corpus: readonly RetrievalDoc[],
    queries: { id: string; text: string }[],
    k: number,
    task?: TaskMetadata,
  ): Promise<Run> {
    const reporter = this.#options.reporter ?? silentReporter;
    const bm25 = this.#options.lexical ?? new Bm25Retriever({ reporter });
    const lexical = await bm25.retrieve(corpus, queries, k, task);
    const dims = this.#options.dimensions;
    const docs = await this.#embedder.embed(
      corpus.map((d) => ({ text: d.text, title: d.title || null })),
      { kind: 'document', ...(dims ? { dimensions: dims } : {}) },
    );
    const qs = await this.#embedder.embed(
      queries.map((q) => q.text),
      {
        kind: 'query',
        task: this.#options.task ?? (task ? promptsFor(task).query : undefined) ?? 'search result',
        ...(dims ? { dimensions: dims } : {}),
      },
    );
    const d = docs[0]?.length ?? 0;
    const table = new Float32Array(docs.length * d);
    for (const [i, v] of docs.entries()) table.set(v, i * d);
    const qm = new Float32Array(qs.length * d);
    for (const [i, v] of qs.entries()) qm.set(v, i * d);
    const dense = exactTopK(qm, qs.length, table, docs.length, d, k);
    const run: Run = {};
    queries.forEach((q, qi) => {
      const bm25 = Object.entries(lexical[q.id] ?? {})
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([id]) => ({ id }));
      const denseList = Array.from(dense[qi]!.keys, (i) => ({ id: corpus[i]!.id }));
      const fused = fuseRankedIds([denseList, bm25]).slice(0, k);
      run[q.id] = Object.fromEntries(fused.map((h) => [h.id, h.score]));
    });
    return run;
  }
}
