import { UsageError } from '../errors/UsageError.js';
import type { Embedder } from '../model/Embedder.js';
import type { Reporter } from '../util/Reporter.js';
import { openWorkspace } from '../workspace/Workspace.js';
import { Bm25Retriever } from './embedders/Bm25Retriever.js';
import { CachedEmbedder } from './embedders/CachedEmbedder.js';
import { HashedBowEmbedder } from './embedders/HashedBowEmbedder.js';
import { HybridRetriever } from './embedders/HybridRetriever.js';
import { createLlamaEmbedder } from './embedders/LlamaEmbedder.js';
import { openEmbedder } from './embedders/openEmbedder.js';
import type { TextFormat } from './embedders/plainText.js';
import { loadTransformersEmbedder } from './embedders/TransformersEmbedder.js';
import type { EvalModel } from './evaluateTask.js';

/** Options of {@link openEvalModel}. */
export interface OpenEvalModelOptions {
  /** Workspace folder for the embedding cache; null disables the cache. @default null */
  cacheWorkspace?: string | null;
  /** Text format for external embedders (OpenAI, transformers.js). @default 'plain' */
  format?: TextFormat;
  reporter?: Reporter;
}

/**
 * Opens a model from a CLI spec:
 * - `bm25`: BM25 over gecko's corpus store (Retrieval tasks only);
 * - `openai:URL#model`: an OpenAI-compatible `/v1/embeddings` endpoint;
 * - `transformers:DIR`: a transformers.js model folder;
 * - `llama:FILE.gguf` or `llama:hf:org/repo/file.gguf`: a GGUF model's embeddings through node-llama-cpp
 *   (an embedding GGUF, or a generative LLM with last-token pooling); `close()` frees it;
 * - `hashed-bow[:DIMS]`: the feature-hashing bag-of-words baseline;
 * - `hybrid:SPEC`: BM25 fused with the embedder SPEC by reciprocal rank (Retrieval tasks only), what
 *   `/v1/search` serves by default;
 * - anything else: a gecko static model folder (or hub id) for `loadStaticModel`.
 * Embedders are wrapped in the workspace embedding cache when `cacheWorkspace` is set.
 *
 * @throws UsageError for a malformed spec; the loaders' errors for missing models.
 * @example const model = await openEvalModel('openai:http://localhost:8080#bge', { cacheWorkspace: './gecko-work' });
 */
export async function openEvalModel(
  spec: string,
  options: OpenEvalModelOptions = {},
): Promise<EvalModel & { close(): void | Promise<void> }> {
  if (spec === 'bm25') return { lexical: new Bm25Retriever({ reporter: options.reporter }), close() {} };
  if (spec.startsWith('hybrid:')) {
    const inner = await openEvalModel(spec.slice('hybrid:'.length), options);
    if (!('embedder' in inner)) {
      await inner.close();
      throw new UsageError(
        `--model ${spec}: the hybrid's dense side must be an embedder, e.g. hybrid:./model`,
      );
    }
    return {
      lexical: new HybridRetriever(inner.embedder, options.reporter ? { reporter: options.reporter } : {}),
      close: () => inner.close(),
    };
  }
  let embedder: Embedder;
  let dispose: (() => Promise<void>) | undefined;
  if (spec.startsWith('transformers:')) {
    embedder = await loadTransformersEmbedder(spec.slice('transformers:'.length), { format: options.format });
  } else if (spec.startsWith('llama:')) {
    const file = spec.slice('llama:'.length);
    if (!file)
      throw new UsageError(`--model ${spec}: expected llama:FILE.gguf or llama:hf:org/repo/file.gguf`);
    const llama = await createLlamaEmbedder(file, {
      format: options.format,
      ...(options.reporter ? { reporter: options.reporter } : {}),
    });
    embedder = llama;
    dispose = () => llama.dispose();
  } else if (spec === 'hashed-bow' || spec.startsWith('hashed-bow:')) {
    const d = spec.includes(':') ? Number(spec.split(':')[1]) : 256;
    embedder = new HashedBowEmbedder({ dimensions: d });
  } else {
    // openai:URL#model or a static model folder; mteb sends plain text unless told otherwise.
    embedder = await openEmbedder(spec, {
      format: options.format ?? 'plain',
      what: '--model',
      ...(options.reporter ? { reporter: options.reporter } : {}),
    });
  }
  if (!options.cacheWorkspace) return { embedder, close: async () => dispose?.() };
  const ws = openWorkspace(options.cacheWorkspace);
  return {
    embedder: new CachedEmbedder(embedder, ws),
    close: async () => {
      ws.close();
      await dispose?.();
    },
  };
}
