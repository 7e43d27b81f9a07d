import { join } from 'node:path';
import { type Corpus, openCorpus } from '../../../corpus/Corpus.js';
import { isGeckoError } from '../../../errors/GeckoError.js';
import { type CorpusIndex, DEFAULT_INDEX_DIR, loadCorpusIndex } from '../../../index/corpusIndex.js';
import type { StaticModel } from '../../../model/StaticModel.js';
import type { Reporter } from '../../../util/Reporter.js';

/**
 * Opens the workspace's corpus and vector index for `POST /v1/search`, when there are any: a server started
 * without a corpus still serves embeddings. `indexDir` given explicitly must exist.
 */
export async function openSearchSources(
  work: string,
  indexDir: string | undefined,
  model: StaticModel,
  reporter: Reporter,
): Promise<{ corpus: Corpus; dense: CorpusIndex | null } | null> {
  let corpus: Corpus;
  try {
    corpus = openCorpus(work, { readonly: true });
  } catch (e) {
    if (!isGeckoError(e) || indexDir !== undefined) throw e;
    reporter.info(`no corpus in ${work}: /v1/search is off (${e.message})`);
    return null;
  }
  let dense: CorpusIndex | null = null;
  try {
    dense = await loadCorpusIndex(indexDir ?? join(work, DEFAULT_INDEX_DIR));
  } catch (e) {
    if (!isGeckoError(e) || indexDir !== undefined) {
      corpus.close();
      throw e;
    }
    reporter.info(
      'no vector index: /v1/search offers bm25 only (build one with "gecko index build --model DIR")',
    );
  }
  if (dense && dense.index.info.model !== undefined && dense.index.info.model !== model.id) {
    reporter.warn(
      `the vector index was built with ${String(dense.index.info.model)}, not the served model ${model.id}; dense scores will be meaningless until it is rebuilt`,
    );
  }
  return { corpus, dense };
}
