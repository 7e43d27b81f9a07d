import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCorpus } from '../../corpus/Corpus.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import type { Run } from '../metrics/trecEval.js';
import type { LexicalRetriever, RetrievalDoc } from '../taskTypes/retrieval.js';

/**
 * BM25 over gecko's corpus store (SQLite FTS5): the task's corpus is indexed in a scratch workspace and each
 * query takes its top k. A lexical baseline for Retrieval tasks (mteb's "BM25s" rows play the same role).
 *
 * @example const bm25 = new Bm25Retriever(); await bm25.retrieve(corpus, queries, 1000);
 */
export class Bm25Retriever implements LexicalRetriever {
  readonly id = 'bm25';
  readonly #reporter: Reporter;

  constructor(options: { reporter?: Reporter } = {}) {
    this.#reporter = options.reporter ?? silentReporter;
  }

  async retrieve(
    corpus: readonly RetrievalDoc[],
    queries: { id: string; text: string }[],
    k: number,
  ): Promise<Run> {
    const dir = mkdtempSync(join(tmpdir(), 'gecko-bm25-'));
    const store = openCorpus(dir);
    try {
      await store.addPassages(
        corpus.map((d) => ({ id: d.id, title: d.title || null, text: d.text })),
        { skipInvalid: true, source: 'eval-corpus', reporter: this.#reporter },
      );
      const progress = this.#reporter.progress('bm25 search', { total: queries.length, unit: 'queries' });
      const run: Run = {};
      for (const q of queries) {
        const row: Record<string, number> = {};
        for (const hit of store.search(q.text, k)) row[hit.id] = hit.score;
        run[q.id] = row;
        progress.tick();
      }
      progress.done();
      return run;
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
