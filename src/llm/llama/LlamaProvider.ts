/**
 * The local provider: a GGUF model run in-process by node-llama-cpp. Exact log-probabilities come from the
 * model's own softmax; JSON is enforced by a grammar compiled from the schema. One context holds two
 * sequences (generation and scoring) so each keeps its evaluated prefix between calls; calls are serialised.
 */

import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Llama, LlamaContext, LlamaGrammar, LlamaModel, Token } from 'node-llama-cpp';
import { stableStringify } from '../../util/hash.js';
import type { Reporter } from '../../util/Reporter.js';
import { silentReporter } from '../../util/Reporter.js';
import { throwIfAborted } from '../abort.js';
import { DEFAULT_GENERATE } from '../defaults.js';
import { LlmError } from '../errors/LlmError.js';
import { checkJsonSchema, parseGeneration, retryOnBadJson } from '../jsonOutput.js';
import { SerialQueue } from '../serialQueue.js';
import type {
  ContinuationScore,
  GenerateOptions,
  Generation,
  JsonSchema,
  LanguageModel,
  LlmCapabilities,
  PromptInput,
  ScoreOptions,
  TokenUsage,
} from '../types.js';
import { createGgufContext, loadGgufModel } from './loadGgufModel.js';
import type { NodeLlamaCpp } from './loadNodeLlamaCpp.js';
import { PromptRenderer } from './renderPrompt.js';
import type { ResolveModelFileOptions } from './resolveModelFile.js';
import { scoreWithoutReuse, scoreWithPromptReuse } from './tokenScoring.js';

/** Options of {@link createLlamaProvider}. */
export interface LlamaProviderOptions extends Pick<ResolveModelFileOptions, 'cacheDir' | 'hfEndpoint'> {
  /** A .gguf path or an `hf:org/repo/file.gguf` reference. */
  model: string;
  /** Context size in tokens (prompt + output), capped at the model's training context. @default 4096 */
  contextSize?: number;
  /**
   * Threads per evaluation. Token-by-token decoding gets slower, not faster, when threads exceed the
   * free cores (llama.cpp's default oversubscribes small machines ~100x), so the default is half the CPUs.
   * @default max(1, floor(availableParallelism() / 2))
   */
  threads?: number;
  /** Evaluate a scoring prompt once for all its continuations (false: re-evaluate per continuation). @default true */
  reusePrompt?: boolean;
  /** Download progress and load messages. @default silentReporter */
  reporter?: Reporter;
  signal?: AbortSignal;
}

/** The defaults of {@link LlamaProviderOptions}. */
export const DEFAULT_LLAMA_OPTIONS = { contextSize: 4096, reusePrompt: true } as const;

/** Default decoding threads for this machine (see {@link LlamaProviderOptions.threads}). */
export function defaultLlamaThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/**
 * Loads a GGUF model (downloading `hf:` references once) and returns it as a {@link LanguageModel}.
 * @throws LlmError `LLM_DEPENDENCY` (node-llama-cpp missing), `LLM_MODEL` (file missing or unloadable),
 * `LLM_DOWNLOAD` (download failed / offline).
 * @example
 * const llm = await createLlamaProvider({ model: './models/gemma-2b.Q4_K_M.gguf' });
 */
export async function createLlamaProvider(options: LlamaProviderOptions): Promise<LanguageModel> {
  const reporter = options.reporter ?? silentReporter;
  const loaded = await loadGgufModel(options.model, options);
  const { lib, llama, model, path } = loaded;
  const threads = options.threads ?? defaultLlamaThreads();
  const contextSize = Math.min(
    options.contextSize ?? DEFAULT_LLAMA_OPTIONS.contextSize,
    model.trainContextSize,
  );
  // Flash attention is off because its results depend on how tokens are split into batches (measured
  // here: up to 5e-3 nats between prompt-reuse and whole-sequence scoring of a 75-token prompt; without
  // it the two agree within 1e-6), and exact, reproducible log-probabilities matter more than its speed.
  const context = await createGgufContext(loaded, `a ${contextSize}-token context`, (m) =>
    m.createContext({ contextSize, threads, sequences: 2, flashAttention: false }),
  );
  reporter.debug(`llama: loaded ${path} (context ${contextSize}, ${threads} threads)`);
  return new LlamaProvider(
    lib,
    llama,
    model,
    context,
    path,
    options.reusePrompt ?? DEFAULT_LLAMA_OPTIONS.reusePrompt,
    threads,
  );
}

class LlamaProvider implements LanguageModel {
  readonly id: string;
  private readonly queue = new SerialQueue();
  private readonly renderer: PromptRenderer;
  private readonly genSeq;
  private readonly scoreSeq;
  private readonly grammars = new Map<string, LlamaGrammar>();
  private readonly totals = { promptTokens: 0, completionTokens: 0, calls: 0 };

  constructor(
    private readonly lib: NodeLlamaCpp,
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    path: string,
    private readonly reusePrompt: boolean,
    private readonly threads: number,
  ) {
    // The file size stands in for a content hash (hashing gigabytes on every start is too slow).
    this.id = `llama:${path}#${statSync(path).size}`;
    this.renderer = new PromptRenderer(lib, model);
    this.genSeq = context.getSequence();
    this.scoreSeq = context.getSequence();
  }

  async capabilities(): Promise<LlmCapabilities> {
    return {
      logProbs: 'exact',
      json: 'grammar',
      notes: [
        'log-probabilities: exact, from the model softmax (node-llama-cpp controlledEvaluate)',
        `scoring: ${this.reusePrompt ? 'prompt evaluated once per call, reused for every continuation' : 'prompt re-evaluated per continuation'}`,
        'JSON: constrained by a grammar compiled from the schema',
        `chat template: ${this.renderer.templateName}; context ${this.context.contextSize} tokens; ${this.threads} threads`,
      ],
    };
  }

  usage(): TokenUsage & { calls: number } {
    return { ...this.totals };
  }

  generate(input: PromptInput, options: GenerateOptions = {}): Promise<Generation> {
    if (!options.jsonSchema) return this.queue.run(() => this.generateNow(input, options));
    checkJsonSchema(options.jsonSchema);
    // A grammar guarantees the JSON syntax, but a gibberish byte sequence can still break a schema rule
    // (e.g. maxLength counted over replacement characters); with sampling, a new seed gives a new try.
    const seed = options.seed ?? DEFAULT_GENERATE.seed;
    return retryOnBadJson(
      (i) => this.queue.run(() => this.generateNow(input, { ...options, seed: seed + i })),
      (options.temperature ?? DEFAULT_GENERATE.temperature) > 0,
    );
  }

  private async generateNow(input: PromptInput, options: GenerateOptions): Promise<Generation> {
    throwIfAborted(options.signal, 'llama generation');
    const rendered = this.renderer.render(input);
    // LlamaCompletion prepends BOS itself.
    const bos = this.model.tokens.bos;
    const tokens = rendered.tokens[0] === bos ? rendered.tokens.slice(1) : rendered.tokens;
    const completion = new this.lib.LlamaCompletion({ contextSequence: this.genSeq });
    const outBefore = this.genSeq.tokenMeter.usedOutputTokens;
    try {
      const res = await completion.generateCompletionWithMeta(tokens, {
        maxTokens: options.maxTokens ?? DEFAULT_GENERATE.maxTokens,
        temperature: options.temperature ?? DEFAULT_GENERATE.temperature,
        seed: options.seed ?? DEFAULT_GENERATE.seed,
        grammar: options.jsonSchema ? await this.grammarFor(options.jsonSchema) : undefined,
        customStopTriggers: [...rendered.stops, ...(options.stop ?? [])],
        signal: options.signal,
      });
      const finishReason = res.metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
      const usage = {
        promptTokens: rendered.tokens.length,
        completionTokens: this.genSeq.tokenMeter.usedOutputTokens - outBefore,
      };
      this.count(usage);
      const gen: Generation = { text: res.response, finishReason, usage };
      if (options.jsonSchema) {
        if (finishReason === 'length') {
          throw new LlmError(
            `${this.id}: JSON output was cut off at maxTokens=${options.maxTokens ?? DEFAULT_GENERATE.maxTokens}; raise maxTokens or bound strings with maxLength in the schema.`,
            { code: 'LLM_OUTPUT', usage, reason: 'truncated' },
          );
        }
        parseGeneration(gen, options.jsonSchema, this.id);
      }
      return gen;
    } finally {
      completion.dispose({ disposeSequence: false });
    }
  }

  private async grammarFor(schema: JsonSchema): Promise<LlamaGrammar> {
    const key = stableStringify(schema);
    let g = this.grammars.get(key);
    if (!g) {
      try {
        // biome-ignore lint/suspicious/noExplicitAny: node-llama-cpp types schemas as a literal type tree.
        g = await this.llama.createGrammarForJsonSchema(schema as any);
      } catch (e) {
        throw new LlmError(
          `${this.id}: cannot build a grammar from the JSON schema: ${(e as Error).message}`,
          {
            code: 'LLM_SPEC',
            cause: e,
          },
        );
      }
      this.grammars.set(key, g);
    }
    return g;
  }

  scoreContinuations(
    prompt: PromptInput,
    continuations: readonly string[],
    options: ScoreOptions = {},
  ): Promise<ContinuationScore[]> {
    if (continuations.length === 0) return Promise.resolve([]);
    return this.queue.run(async () => {
      throwIfAborted(options.signal, 'llama scoring');
      const rendered = this.renderer.render(prompt);
      if (rendered.tokens.length === 0) {
        throw new LlmError(`${this.id}: cannot score after an empty prompt (the model has no BOS token).`, {
          code: 'LLM_CAPABILITY',
        });
      }
      const conts: Token[][] = continuations.map((c) => this.renderer.continuationTokens(rendered, c));
      const need = rendered.tokens.length + Math.max(0, ...conts.map((c) => c.length));
      if (need > this.context.contextSize) {
        throw new LlmError(
          `${this.id}: prompt + continuation need ${need} tokens, more than the ${this.context.contextSize}-token context; raise contextSize.`,
          { code: 'LLM_CAPABILITY' },
        );
      }
      const scores = this.reusePrompt
        ? await scoreWithPromptReuse(this.scoreSeq, rendered.tokens, conts)
        : await scoreWithoutReuse(this.scoreSeq, rendered.tokens, conts);
      this.count({
        promptTokens: rendered.tokens.length + conts.reduce((a, c) => a + c.length, 0),
        completionTokens: 0,
      });
      return scores.map((s) => ({ ...s, exact: true, method: 'local' as const }));
    });
  }

  private count(u: TokenUsage): void {
    this.totals.promptTokens += u.promptTokens;
    this.totals.completionTokens += u.completionTokens;
    this.totals.calls++;
  }

  async close(): Promise<void> {
    await this.queue.run(async () => {
      await this.context.dispose();
      await this.model.dispose();
    });
  }
}
