/**
 * gecko for the browser: the static model's inference path (tokenizer, safetensors reading, pooling,
 * Matryoshka truncation) and the project's exact top-k search, with no Node.js dependency. Bundle it with `bundleBrowser()` (./bundle.ts).
 *
 * @example
 * import { loadModelFromUrl } from './gecko.browser.js';
 * const model = await loadModelFromUrl('/models/gecko/');
 * const [q] = await model.embed(['how do geckos climb'], { kind: 'query', dimensions: 128 });
 */
export { exactTopK, type TopK, topKIndices } from '../math/topK.js';
export type { Embedder, EmbedInput, EmbedKind, EmbedOptions } from '../model/Embedder.js';
export { isModelError, ModelError } from '../model/ModelError.js';
export { StaticModel, type StaticModelConfig } from '../model/StaticModel.js';
export { Tokenizer } from '../model/tokenizer/Tokenizer.js';
export { DEFAULT_QUERY_TASK, formatDocument, formatQuery } from '../model/unifiedFormat.js';
export { loadModelFromUrl, type ModelFiles, modelFromFiles } from './modelFromFiles.js';
