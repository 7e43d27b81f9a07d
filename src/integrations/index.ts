/** The library API for application code: `loadModel` → embed, similarity, search; LangChain embeddings. */
export { GeckoEmbeddings, type GeckoEmbeddingsOptions } from './GeckoEmbeddings.js';
export {
  type DocumentIndex,
  GeckoModel,
  loadModel,
  type ModelSearchHit,
  type ModelSearchOptions,
  type SimilarityOptions,
} from './GeckoModel.js';
