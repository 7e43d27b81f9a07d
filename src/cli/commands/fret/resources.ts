import type { Command } from 'commander';
import type { Corpus } from '../../../corpus/Corpus.js';
import { UsageError } from '../../../errors/UsageError.js';
import { OpenAiEmbedder } from '../../../eval/embedders/OpenAIEmbedder.js';
import { DenseRetriever } from '../../../fret/retrieve/DenseRetriever.js';
import { trainQuickStudent } from '../../../fret/retrieve/quickStudent.js';
import {
  Bm25Retriever,
  HybridRetriever,
  type LexicalQueryText,
  type Retriever,
} from '../../../fret/retrieve/Retriever.js';
import { offlineModel } from '../../../llm/cache/offlineModel.js';
import { type CachedLanguageModel, withLlmCache } from '../../../llm/cache/withLlmCache.js';
import { createLanguageModel } from '../../../llm/modelSpec.js';
import type { Embedder } from '../../../model/Embedder.js';
import { loadStaticModel } from '../../../model/formats/loadStaticModel.js';
import type { Reporter } from '../../../util/Reporter.js';
import type { Workspace } from '../../../workspace/Workspace.js';

/** Options every command that calls an LLM takes. */
export interface LlmArgs {
  llm?: string;
  llmKeyEnv?: string;
  cache: boolean;
}

/** Declares `--llm-key-env` and `--no-cache` (the `--llm` option itself is declared by each command). */
export function addLlmOptions(cmd: Command): Command {
  return cmd
    .option('--llm-key-env <name>', 'environment variable holding the API key of an openai: model')
    .option('--no-cache', 'neither read nor write the workspace LLM cache');
}

/**
 * Opens `--llm SPEC` (`llama:./m.gguf`, `llama:hf:org/repo/file.gguf`, `openai:URL#model`) behind the
 * workspace's LLM cache, so a rerun of a finished job costs no LLM calls.
 */
export async function openLlm(
  args: LlmArgs & { llm: string },
  workspace: Workspace,
  reporter: Reporter,
): Promise<CachedLanguageModel> {
  const model = await createLanguageModel(args.llm, { apiKeyEnv: args.llmKeyEnv, reporter });
  return withLlmCache(model, workspace, { enabled: args.cache });
}

/**
 * The `--llm` model's cached answers only (`--cache-only`): a call the workspace cache cannot answer fails
 * with `LLM_OFFLINE` instead of reaching the model. The spec is opened only for its id (the cache keys'
 * model identity), so no API key is needed.
 */
export async function openOffline(
  args: { llm: string },
  workspace: Workspace,
  reporter: Reporter,
): Promise<CachedLanguageModel> {
  const model = await createLanguageModel(args.llm, { reporter });
  const id = model.id;
  await model.close();
  return withLlmCache(offlineModel(id), workspace);
}

/** One line on the cache's effect, for the command's summary. */
export function cacheLine(llm: CachedLanguageModel): string {
  const s = llm.stats();
  const batch = s.batchHits > 0 ? ` (${s.batchHits} from batch imports)` : '';
  return `llm cache: ${s.hits} hits${batch}, ${s.misses} misses; ${s.spent.promptTokens + s.spent.completionTokens} tokens spent`;
}

/** Opens `--embedder SPEC`: `openai:BASE_URL#model` (a `/v1/embeddings` endpoint) or a static model folder / repo id. */
export async function openEmbedder(
  spec: string,
  keyEnv: string | undefined,
  reporter: Reporter,
): Promise<Embedder> {
  if (spec.startsWith('openai:')) return OpenAiEmbedder.create(spec, { apiKeyEnv: keyEnv });
  return loadStaticModel(spec, { reporter });
}

/** Builds `--retriever bm25|dense|hybrid`. */
export async function openRetriever(
  corpus: Corpus,
  kind: string,
  args: {
    embedder?: string;
    embedderKeyEnv?: string;
    bm25Text: string;
    rrfK: number;
    student?: { run: string; steps: number; dimensions: number; tokenizerFile?: string };
  },
  reporter: Reporter,
): Promise<Retriever> {
  if (args.bm25Text !== 'unified' && args.bm25Text !== 'query') {
    throw new UsageError(`--bm25-text must be unified or query, got "${args.bm25Text}"`);
  }
  const bm25 = new Bm25Retriever(corpus, args.bm25Text as LexicalQueryText);
  if (kind === 'bm25') return bm25;
  if (kind === 'student') {
    const s = args.student as NonNullable<typeof args.student>;
    const model = await trainQuickStudent(corpus, {
      run: s.run,
      outDir: corpus.workspace.path('fret', s.run, 'student'),
      steps: s.steps,
      dimensions: s.dimensions,
      tokenizerFile: s.tokenizerFile,
      reporter,
    });
    return DenseRetriever.open(corpus, model, { reporter });
  }
  if (kind !== 'dense' && kind !== 'hybrid')
    throw new UsageError(`--retriever must be bm25, dense, hybrid or student, got "${kind}"`);
  if (!args.embedder)
    throw new UsageError(
      `--retriever ${kind} needs --embedder SPEC (openai:URL#model, or a static model folder)`,
    );
  const embedder = await openEmbedder(args.embedder, args.embedderKeyEnv, reporter);
  const dense = await DenseRetriever.open(corpus, embedder, { reporter });
  return kind === 'dense' ? dense : new HybridRetriever(bm25, dense, { k: args.rrfK });
}

/** Parses a number option (finite, optionally non-negative). */
export function parseNumber(name: string, value: string, min = Number.NEGATIVE_INFINITY): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new UsageError(
      `${name} must be a number${min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : ''}, got "${value}"`,
    );
  return n;
}
