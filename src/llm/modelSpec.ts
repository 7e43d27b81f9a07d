/**
 * Model spec strings, shared by the CLI (`--llm`) and the library:
 * - `llama:./model.gguf` or `llama:hf:org/repo/file.gguf`: a local GGUF run by node-llama-cpp;
 * - `openai:http://127.0.0.1:8000/v1#model-name`: an OpenAI-compatible endpoint (key from `--llm-key-env`).
 */
import { UsageError } from '../errors/UsageError.js';
import type { Reporter } from '../util/Reporter.js';
import { createLlamaProvider, type LlamaProviderOptions } from './llama/LlamaProvider.js';
import { createOpenAIProvider, type OpenAIProviderOptions } from './openai/OpenAIProvider.js';
import { parseOpenAiSpec } from './openai/spec.js';
import type { LanguageModel } from './types.js';

/** A parsed model spec. */
export type ModelSpec =
  | { provider: 'llama'; model: string }
  | { provider: 'openai'; baseUrl: string; model: string };

const EXAMPLES =
  'llama:./model.gguf, llama:hf:org/repo/file.gguf or openai:http://127.0.0.1:8000/v1#model-name';

/**
 * Parses a spec string.
 * @throws UsageError naming the spec and the accepted forms.
 * @example
 * parseModelSpec('openai:http://127.0.0.1:8000/v1#qwen'); // { provider: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', model: 'qwen' }
 */
export function parseModelSpec(spec: string): ModelSpec {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? '' : spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  if (kind === 'llama') {
    if (!rest) throw new UsageError(`LLM spec "${spec}" names no model file; expected ${EXAMPLES}.`);
    if (rest.startsWith('hf:') && rest.split('/').length < 3) {
      throw new UsageError(`LLM spec "${spec}": a Hugging Face reference is hf:org/repo/file.gguf.`);
    }
    return { provider: 'llama', model: rest };
  }
  if (kind === 'openai') return { provider: 'openai', ...parseOpenAiSpec(spec, 'LLM spec') };
  throw new UsageError(`LLM spec "${spec}" has an unknown provider "${kind}"; expected ${EXAMPLES}.`);
}

/** Options of {@link createLanguageModel}. */
export interface CreateLanguageModelOptions {
  /** Environment variable holding the API key (openai). @default 'OPENAI_API_KEY' (may be unset) */
  apiKeyEnv?: string;
  /** @default silentReporter */
  reporter?: Reporter;
  /** Extra options of the local provider. @default {} */
  llama?: Omit<LlamaProviderOptions, 'model' | 'reporter'>;
  /** Extra options of the HTTP provider. @default {} */
  openai?: Omit<OpenAIProviderOptions, 'baseUrl' | 'model' | 'apiKeyEnv' | 'reporter'>;
}

/**
 * Creates the model a spec names.
 * @throws UsageError for a malformed spec; LlmError when the model cannot be loaded.
 * @example
 * const llm = await createLanguageModel('llama:./tiny.gguf');
 */
export async function createLanguageModel(
  spec: string,
  options: CreateLanguageModelOptions = {},
): Promise<LanguageModel> {
  const s = parseModelSpec(spec);
  if (s.provider === 'llama') {
    if (options.apiKeyEnv !== undefined) throw new UsageError('--llm-key-env applies only to openai: specs.');
    return createLlamaProvider({ ...options.llama, model: s.model, reporter: options.reporter });
  }
  return createOpenAIProvider({
    ...options.openai,
    baseUrl: s.baseUrl,
    model: s.model,
    apiKeyEnv: options.apiKeyEnv,
    reporter: options.reporter,
  });
}
