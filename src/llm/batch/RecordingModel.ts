/**
 * A {@link LanguageModel} that answers nothing: it records each call it gets, so that running a job's own
 * code against it (behind the read-only LLM cache) lists exactly the calls the live job would still make.
 * This is how a batch export knows what to send: no second copy of the judges' prompt logic.
 */
import { LlmError } from '../errors/LlmError.js';
import type {
  ContinuationScore,
  GenerateOptions,
  Generation,
  LanguageModel,
  LlmCapabilities,
  PromptInput,
  ScoreOptions,
  TokenUsage,
} from '../types.js';

/** One call the live model would have received. */
export type RecordedCall =
  | { op: 'score'; prompt: string; continuations: string[] }
  | { op: 'generate'; input: PromptInput; options: Omit<GenerateOptions, 'signal'> };

/** The code of the error a recorded generation answers with (see {@link RecordingModel.generate}). */
export const DEFERRED = 'LLM_DEFERRED';

/** Options of {@link RecordingModel}. */
export interface RecordingModelOptions {
  /** Answers `capabilities()` (e.g. the live provider's probe, for `--judge auto`). @default throws LLM_OFFLINE */
  capabilities?: () => Promise<LlmCapabilities>;
}

/**
 * Records calls instead of answering them.
 * - `scoreContinuations` returns placeholder scores (0), so a caller that only ranks scores carries on and
 *   makes its other calls too (Gecko's judge asks for RC after QL).
 * - `generate` rejects with an `LlmError` of code {@link DEFERRED}: a caller parses and may retry a
 *   generation, so any placeholder would send it down a path the real answer may not take. Callers that
 *   start their generations together (the graded judge) still have every first call recorded.
 *
 * @example
 * const rec = new RecordingModel('openai:http://host/v1#m');
 * const planner = withLlmCache(rec, workspace, { readOnly: true });
 * await judge(planner).judge(item).catch(ignoreDeferred);
 * const missing = rec.take(); // the calls not yet in the cache
 */
export class RecordingModel implements LanguageModel {
  readonly id: string;
  #calls: RecordedCall[] = [];
  readonly #capabilities: (() => Promise<LlmCapabilities>) | undefined;

  constructor(id: string, options: RecordingModelOptions = {}) {
    this.id = id;
    this.#capabilities = options.capabilities;
  }

  /** The calls recorded since the last `take()`, in call order. */
  take(): RecordedCall[] {
    const calls = this.#calls;
    this.#calls = [];
    return calls;
  }

  async generate(input: PromptInput, options: GenerateOptions = {}): Promise<Generation> {
    const { signal: _signal, ...rest } = options;
    this.#calls.push({ op: 'generate', input, options: rest });
    throw new LlmError(`${this.id}: generation deferred to a batch`, { code: DEFERRED });
  }

  async scoreContinuations(
    prompt: PromptInput,
    continuations: readonly string[],
    _options: ScoreOptions = {},
  ): Promise<ContinuationScore[]> {
    if (typeof prompt !== 'string') {
      throw new LlmError(
        `${this.id}: batch scoring uses /v1/completions with echo, which needs a plain string prompt`,
        { code: 'LLM_CAPABILITY' },
      );
    }
    this.#calls.push({ op: 'score', prompt, continuations: [...continuations] });
    return continuations.map(() => ({ logProb: 0, tokenCount: 0, exact: true, method: 'prompt-logprobs' }));
  }

  capabilities(): Promise<LlmCapabilities> {
    if (this.#capabilities) return this.#capabilities();
    return Promise.reject(
      new LlmError(`${this.id}: capabilities cannot be probed here; name the judge (--judge llm or graded)`, {
        code: 'LLM_OFFLINE',
      }),
    );
  }

  usage(): TokenUsage & { calls: number } {
    return { promptTokens: 0, completionTokens: 0, calls: 0 };
  }

  async close(): Promise<void> {}
}
