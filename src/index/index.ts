/**
 * Vector search over embeddings: exact for small corpora, usearch HNSW (f32, f16, i8, binary) for large ones;
 * corpus indexes built with a model, and BM25 / dense / hybrid search over them.
 */

export {
  type CorpusHit,
  CorpusSearcher,
  type CorpusSearchOptions,
  RRF_K,
  SEARCH_MODES,
  type SearchMode,
} from './CorpusSearcher.js';
export {
  type BuildCorpusIndexOptions,
  type BuildReport,
  buildCorpusIndex,
  type CorpusIndex,
  DEFAULT_INDEX_DIR,
  loadCorpusIndex,
  saveCorpusIndex,
} from './corpusIndex.js';
export { exactSearch, recallAtK, type TopK } from './exactSearch.js';
export {
  DEFAULT_VECTOR_INDEX,
  type IndexKind,
  type IndexQuantization,
  QUANTIZATIONS,
  VectorIndex,
  type VectorIndexOptions,
} from './VectorIndex.js';
