import type { Command } from 'commander';
import { UsageError } from '../../../errors/UsageError.js';
import { offlineModel } from '../../../llm/cache/offlineModel.js';
import { type CachedLanguageModel, withLlmCache } from '../../../llm/cache/withLlmCache.js';
import { createLanguageModel } from '../../../llm/modelSpec.js';
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

/** Parses a number option (finite, optionally non-negative). */
export function parseNumber(name: string, value: string, min = Number.NEGATIVE_INFINITY): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new UsageError(
      `${name} must be a number${min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : ''}, got "${value}"`,
    );
  return n;
}
