import { UsageError } from '../../errors/UsageError.js';

/** An OpenAI-compatible endpoint and model, as `openai:BASE_URL#model` names them. */
export interface OpenAiSpec {
  /** Everything between `openai:` and the last `#`, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  model: string;
}

/** The accepted form, for messages. */
export const OPENAI_SPEC_FORM = 'openai:http(s)://host:port/v1#model-name';

/**
 * Parses `openai:BASE_URL#model`, the one spelling of an OpenAI-compatible endpoint for LLMs (`--llm`),
 * embedders (`--embedder`, `--teacher-embedder`) and evaluated models (`--model`). The model is what follows
 * the last `#`, so a model name never holds one but a URL may.
 * @param what names the spec in the error, e.g. `LLM spec` or `--model`.
 * @throws UsageError naming the spec and the accepted form.
 * @example parseOpenAiSpec('openai:http://127.0.0.1:8000/v1#qwen'); // { baseUrl: 'http://127.0.0.1:8000/v1', model: 'qwen' }
 */
export function parseOpenAiSpec(spec: string, what = 'spec'): OpenAiSpec {
  const rest = spec.startsWith('openai:') ? spec.slice('openai:'.length) : undefined;
  const hash = rest === undefined ? -1 : rest.lastIndexOf('#');
  const baseUrl = rest === undefined ? '' : hash < 0 ? rest : rest.slice(0, hash);
  const model = rest === undefined || hash < 0 ? '' : rest.slice(hash + 1);
  if (!/^https?:\/\/\S+$/.test(baseUrl) || !model.trim())
    throw new UsageError(`${what} "${spec}" must look like ${OPENAI_SPEC_FORM}.`);
  return { baseUrl, model };
}
