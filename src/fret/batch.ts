import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Corpus } from '../corpus/Corpus.js';
import { InputError } from '../errors/InputError.js';
import { UsageError } from '../errors/UsageError.js';
import type { BatchResultsSummary } from '../llm/batch/importBatchResults.js';
import { readJsonlLines } from '../util/jsonl.js';
import { importMineBatch } from './batchMine.js';
import { checkGeneration } from './checks.js';
import { writeJsonl } from './dataset.js';
import type { TaskFamily } from './families.js';
import {
  DEFAULT_GENERATE,
  GENERATION_SCHEMA,
  type GenerateConfig,
  type GenerateOptions,
  generationMessages,
  resolveGenerate,
} from './generate.js';
import { callSeed, pickByHash } from './random.js';
import { selectSeeds } from './seeds.js';
import { WHOLE } from './shard.js';
import { FretStore, type QueryRow } from './store.js';

/**
 * FRet step 1 on a provider's batch infrastructure (OpenAI Batch API format, also accepted by other
 * OpenAI-compatible batch services): `exportGenerateBatch` writes one `/v1/chat/completions` request per
 * pending seed, `importGenerateBatch` checks the answers exactly as the live path does and records them.
 * Rejected answers become `pending` with their attempt counted; the next export retries them with a new
 * sampling seed, and after `retries` extra attempts they are recorded as failed. Live `gecko fret generate`
 * can also finish a run that batches started.
 */

/** The custom id of a request: stage, attempt and item, so results map back without any local state. */
export function batchCustomId(attempt: number, itemId: string): string {
  return `fret-gen/${attempt}/${itemId}`;
}

function parseCustomId(id: string): { attempt: number; itemId: string } | undefined {
  const m = /^fret-gen\/(\d+)\/(.+)$/s.exec(id);
  return m ? { attempt: Number(m[1]), itemId: m[2] as string } : undefined;
}

/**
 * Writes the OpenAI Batch API request file for the run's pending seeds.
 * @throws UsageError for bad options or settings that differ from the run's.
 */
export async function exportGenerateBatch(
  corpus: Corpus,
  model: string,
  outFile: string,
  options: Omit<GenerateOptions, 'concurrency' | 'reporter' | 'signal'> = {},
): Promise<{ requests: number; finished: number }> {
  const run = options.run ?? DEFAULT_GENERATE.run;
  const { config, prompt, families } = resolveGenerate(`batch:${model}`, options);
  const store = new FretStore(corpus.workspace);
  store.ensureJob(run, 'generate', config as unknown as Record<string, unknown>);
  const seeds = selectSeeds(corpus.workspace.db, {
    limit: options.limit,
    sampleSeed: config.sampleSeed,
    shard: options.shard ?? WHOLE,
  });
  const finished = store.finishedQueryIds(run);
  const lines: unknown[] = [];
  for (const seedId of seeds) {
    if (finished.has(seedId)) continue;
    const passage = corpus.get(seedId);
    if (!passage) continue;
    const attempt = store.getQuery(run, seedId)?.attempts ?? 0;
    const family = pickByHash(families, 'fret-family', config.sampleSeed, seedId);
    lines.push({
      custom_id: batchCustomId(attempt, seedId),
      method: 'POST',
      url: '/v1/chat/completions',
      body: {
        model,
        messages: generationMessages(prompt, passage, family, config.maxPassageChars),
        temperature: config.temperature,
        seed: callSeed('fret-generate', config.sampleSeed, seedId, attempt),
        max_tokens: config.maxTokens,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'fret_query', strict: true, schema: GENERATION_SCHEMA },
        },
      },
    });
  }
  await writeJsonl(outFile, lines);
  store.logBatch(run, 'generate', {
    action: 'export',
    file: resolve(outFile),
    counts: { requests: lines.length },
  });
  return { requests: lines.length, finished: finished.size };
}

/** Counts of {@link importGenerateBatch}. */
export interface BatchImportSummary {
  ok: number;
  retry: number;
  failed: number;
  /** Results for items already finished or attempts already imported (an import is idempotent). */
  stale: number;
}

/**
 * Reads an OpenAI Batch API result file (`{custom_id, response: {status_code, body}, error}` per line) into
 * the run.
 * @throws UsageError when the run was never exported; InputError naming `file:line` for malformed lines.
 */
export async function importGenerateBatch(
  corpus: Corpus,
  resultsFile: string,
  options: { run?: string } = {},
): Promise<BatchImportSummary> {
  const run = options.run ?? DEFAULT_GENERATE.run;
  const store = new FretStore(corpus.workspace);
  const config = store.jobConfig(run, 'generate') as unknown as GenerateConfig | undefined;
  if (!config)
    throw new UsageError(
      `run "${run}" has no generation settings: export a batch with "gecko fret export-batch" first`,
    );
  const families = config.families as TaskFamily[];
  const summary: BatchImportSummary = { ok: 0, retry: 0, failed: 0, stale: 0 };
  for await (const { line, value: r } of readJsonlLines<BatchResultLine>(resultsFile)) {
    const where = { file: resultsFile, line };
    const id = typeof r.custom_id === 'string' ? parseCustomId(r.custom_id) : undefined;
    if (!id)
      throw new InputError(
        { ...where, field: 'custom_id' },
        'expected "fret-gen/<attempt>/<item id>" as written by export-batch',
      );
    const prev = store.getQuery(run, id.itemId);
    if ((prev && prev.status !== 'pending') || (prev?.attempts ?? 0) !== id.attempt) {
      summary.stale++;
      continue;
    }
    const passage = corpus.get(id.itemId);
    if (!passage)
      throw new InputError({ ...where, field: 'custom_id' }, `passage "${id.itemId}" is not in the corpus`);
    const verdict = judgeResult(r, passage.text, config);
    const family = pickByHash(families, 'fret-family', config.sampleSeed, id.itemId).name;
    const row = recordedQuery(id, family, prev, r.response?.body?.usage, verdict, config.retries);
    if (row.status === 'ok') summary.ok++;
    else if (row.status === 'failed') summary.failed++;
    else summary.retry++;
    store.putQuery(run, row);
  }
  store.logBatch(run, 'generate', { action: 'import', file: resolve(resultsFile), counts: { ...summary } });
  return summary;
}

type Verdict = ReturnType<typeof checkGeneration>;

/**
 * One result line's verdict, as the live path would give it: a failed request or a refusal is rejected
 * as such; otherwise the answer goes through the same checks.
 */
function judgeResult(r: BatchResultLine, passageText: string, config: GenerateConfig): Verdict {
  const message = r.response?.body?.choices?.[0]?.message;
  if (r.error || (r.response?.status_code ?? 0) !== 200 || !message) {
    return {
      ok: false,
      reason: 'request-failed',
      detail: `request failed: ${JSON.stringify(r.error ?? r.response?.status_code ?? 'no message')}`,
    };
  }
  if (typeof message.refusal === 'string' && message.refusal)
    return { ok: false, reason: 'refusal', detail: message.refusal.slice(0, 120) };
  return checkGeneration(String(message.content ?? ''), passageText, config.checks);
}

/**
 * The query row after this attempt: `ok` with the query, or the rejection added to its history and
 * `pending` (the next export retries it) until `retries` extra attempts are spent, then `failed`. Token
 * counts add up over attempts.
 */
function recordedQuery(
  id: { attempt: number; itemId: string },
  family: string,
  prev: QueryRow | undefined,
  usage: { prompt_tokens?: number; completion_tokens?: number } | undefined,
  verdict: Verdict,
  retries: number,
): QueryRow {
  const history = prev ? (JSON.parse(prev.history) as unknown[]) : [];
  const attempts = id.attempt + 1;
  const row: QueryRow = {
    item_id: id.itemId,
    seed_id: id.itemId,
    family,
    status: 'pending',
    task: null,
    query: null,
    reason: null,
    attempts,
    history: '[]',
    prompt_tokens: (prev?.prompt_tokens ?? 0) + (usage?.prompt_tokens ?? 0),
    completion_tokens: (prev?.completion_tokens ?? 0) + (usage?.completion_tokens ?? 0),
  };
  if (verdict.ok) {
    return {
      ...row,
      status: 'ok',
      task: verdict.task,
      query: verdict.query,
      history: JSON.stringify(history),
    };
  }
  history.push({ attempt: id.attempt, reason: verdict.reason, detail: verdict.detail });
  return {
    ...row,
    status: attempts > retries ? 'failed' : 'pending',
    reason: verdict.reason,
    history: JSON.stringify(history),
  };
}

/** What {@link importBatch} did: which step the file answered, and that step's counts. */
export type BatchImport =
  | ({ stage: 'generate' } & BatchImportSummary)
  | ({ stage: 'mine' } & BatchResultsSummary);

/**
 * Imports a Batch API output file of either step, told apart by its custom ids: `fret-gen/…` (step 1:
 * checked and recorded as queries) or `fret-mine-…` (step 2: answers stored in the LLM cache, so that
 * `gecko fret mine` with the same options runs from it).
 * @throws UsageError for an empty file; InputError naming `file:line` for malformed lines.
 */
export async function importBatch(
  corpus: Corpus,
  resultsFile: string,
  options: { run?: string } = {},
): Promise<BatchImport> {
  try {
    await access(resultsFile);
  } catch (e) {
    throw new InputError({ file: resultsFile }, `cannot read the results file: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const first = await firstCustomId(resultsFile);
  if (first === undefined) throw new UsageError(`${resultsFile} holds no results`);
  if (first.startsWith('fret-gen/'))
    return { stage: 'generate', ...(await importGenerateBatch(corpus, resultsFile, options)) };
  return { stage: 'mine', ...(await importMineBatch(corpus, resultsFile)) };
}

/** The custom id of the first record ('' when it has none: the importer then names the line). */
async function firstCustomId(file: string): Promise<string | undefined> {
  for await (const { value } of readJsonlLines<{ custom_id?: unknown }>(file))
    return typeof value.custom_id === 'string' ? value.custom_id : '';
  return undefined;
}

interface BatchResultLine {
  custom_id?: unknown;
  response?: {
    status_code?: number;
    body?: {
      choices?: { message?: { content?: unknown; refusal?: unknown } }[];
      usage?: { prompt_tokens?: number; completion_tokens?: number };
    };
  };
  error?: unknown;
}
