import type { Embedder } from '../../model/Embedder.js';
import { loadStaticModel } from '../../model/formats/loadStaticModel.js';
import type { Reporter } from '../../util/Reporter.js';
import { OpenAiEmbedder } from './OpenAIEmbedder.js';
import type { TextFormat } from './plainText.js';

/** Options of {@link openEmbedder}. */
export interface OpenEmbedderOptions {
  /** Environment variable holding the key of an `openai:` endpoint. @default 'OPENAI_API_KEY' */
  apiKeyEnv?: string;
  /** Text an `openai:` endpoint is sent. @default 'gecko' (the unified format) */
  format?: TextFormat;
  /** Names the spec in a usage error (the flag or config field). @default 'embedder spec' */
  what?: string;
  reporter?: Reporter;
}

/**
 * Opens an embedder spec that needs no local runtime: `openai:BASE_URL#model` (a `/v1/embeddings`
 * endpoint) or a gecko static model folder / Hugging Face repo id. FRet's dense retriever (`fret mine`,
 * `distill`'s `mine.embedder`) and the evaluator's `--model` open these two kinds through here.
 *
 * @throws UsageError for a malformed `openai:` spec; ModelError for a missing model folder.
 * @example const e = await openEmbedder('openai:http://127.0.0.1:8000/v1#bge', { what: '--embedder' });
 */
export async function openEmbedder(spec: string, options: OpenEmbedderOptions = {}): Promise<Embedder> {
  if (spec.startsWith('openai:'))
    return OpenAiEmbedder.create(spec, {
      ...(options.apiKeyEnv ? { apiKeyEnv: options.apiKeyEnv } : {}),
      ...(options.format ? { format: options.format } : {}),
      ...(options.what ? { what: options.what } : {}),
    });
  return loadStaticModel(spec, { reporter: options.reporter });
}
