import { evaluateRetrieval, loadRetrievalSplit, type RetrievalData } from './retrieval.js';
import type { TaskTypeModule } from './taskType.js';

/**
 * Reranking (mteb v2): the retrieval layout with `top_ranked/<split>.jsonl` required; each query ranks only
 * its own candidates and is scored as Retrieval is (main score `map_at_1000`). Needs embeddings: a lexical
 * retriever ranks the whole corpus and cannot rerank.
 */
export const rerankingType: TaskTypeModule<'Reranking', RetrievalData> = {
  type: 'Reranking',
  geckoPrompt: 'search result',
  load: (files) => loadRetrievalSplit(files, 'Reranking'),
  evaluate: (data, run) => evaluateRetrieval(data, run.meta, run.model),
};
