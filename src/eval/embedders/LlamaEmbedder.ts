import { statSync } from 'node:fs';
import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { defaultLlamaThreads } from '../../llm/llama/LlamaProvider.js';
import { createGgufContext, loadGgufModel } from '../../llm/llama/loadGgufModel.js';
import type { ResolveModelFileOptions } from '../../llm/llama/resolveModelFile.js';
import { normalizeInPlace } from '../../math/normalize.js';
import type { Embedder, EmbedInput, EmbedOptions } from '../../model/Embedder.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import { renderInput, type TextFormat } from './plainText.js';

/** Options of {@link createLlamaEmbedder}. */
export interface LlamaEmbedderOptions extends Pick<ResolveModelFileOptions, 'cacheDir' | 'hfEndpoint'> {
  /** Tokens per text (longer texts are cut), capped at the model's training context. @default 512 */
  contextSize?: number;
  /** Threads per evaluation. @default half the CPUs (see LlamaProviderOptions.threads) */
  threads?: number;
  /** @default 'plain' */
  format?: TextFormat;
  /** @default silentReporter */
  reporter?: Reporter;
  signal?: AbortSignal;
}

/** An embedder over a GGUF model; `dispose()` frees the model. */
export interface LlamaEmbedder extends Embedder {
  /**
   * How a text's vector is pooled: the GGUF's own `pooling_type` (`mean`, `cls`, `last` for embedding
   * models), or `last-token` for a generative LLM without one (its final hidden state, which has seen the
   * whole text under causal attention).
   */
  readonly pooling: string;
  dispose(): Promise<void>;
}

const POOLING_NAMES: Record<number, string> = { 0: 'last-token', 1: 'mean', 2: 'cls', 3: 'last', 4: 'rank' };

/**
 * An `Embedder` over a GGUF model run by node-llama-cpp's embedding context: an embedding GGUF (its own
 * mean/CLS pooling) or a teacher LLM itself (last-token pooling). Texts are embedded one at a time (the
 * embedding context holds one sequence), L2-normalised.
 *
 * @throws LlmError `LLM_DEPENDENCY` (node-llama-cpp missing), `LLM_MODEL` (file missing or unloadable,
 * or an encoder-decoder model), `LLM_DOWNLOAD` (an `hf:` reference that cannot be downloaded).
 * @example
 * const e = await createLlamaEmbedder('./models/nomic-embed-text-v1.5.Q8_0.gguf');
 * const [v] = await e.embed(['gecko']);
 * await e.dispose();
 */
export async function createLlamaEmbedder(
  model: string,
  options: LlamaEmbedderOptions = {},
): Promise<LlamaEmbedder> {
  const reporter = options.reporter ?? silentReporter;
  const loaded = await loadGgufModel(model, { ...options, reporter });
  const { model: m, path } = loaded;
  const contextSize = Math.min(options.contextSize ?? 512, m.trainContextSize);
  const ctx = await createGgufContext(loaded, 'an embedding context', (lm) =>
    lm.createEmbeddingContext({ contextSize, threads: options.threads ?? defaultLlamaThreads() }),
  );
  const meta = m.fileInfo.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
  const arch = String((meta.general as { architecture?: unknown } | undefined)?.architecture ?? '');
  const poolingType = Number(meta[arch]?.pooling_type ?? 0);
  const pooling = POOLING_NAMES[poolingType] ?? `type-${poolingType}`;
  reporter.debug(`llama embedder: loaded ${path} (${m.embeddingVectorSize} dims, ${pooling} pooling)`);
  return new GgufEmbedder(m, ctx, path, pooling, contextSize, options.format ?? 'plain');
}

class GgufEmbedder implements LlamaEmbedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #model: LlamaModel;
  readonly #ctx: LlamaEmbeddingContext;
  readonly #maxTokens: number;
  readonly #format: TextFormat;

  constructor(
    model: LlamaModel,
    ctx: LlamaEmbeddingContext,
    path: string,
    readonly pooling: string,
    contextSize: number,
    format: TextFormat,
  ) {
    this.#model = model;
    this.#ctx = ctx;
    // Room for the BOS/EOS tokens the context adds.
    this.#maxTokens = Math.max(1, contextSize - 3);
    this.#format = format;
    this.dimensions = model.embeddingVectorSize;
    // The file size stands in for a content hash, as for the llama LLM provider.
    this.id = `llama-embed:${path}#${statSync(path).size}#${pooling}${format === 'gecko' ? '+gecko-format' : ''}`;
  }

  async embed(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const input of inputs) {
      options.signal?.throwIfAborted();
      const text = renderInput(input, this.#format, options);
      const tokens = this.#model.tokenize(text).slice(0, this.#maxTokens);
      const v =
        tokens.length === 0
          ? new Float32Array(this.dimensions)
          : Float32Array.from((await this.#ctx.getEmbeddingFor(tokens)).vector);
      out.push(normalizeInPlace(options.dimensions ? v.slice(0, options.dimensions) : v));
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.#ctx.dispose();
    await this.#model.dispose();
  }
}
