import type { Corpus } from '../corpus/Corpus.js';
import type { Passage } from '../corpus/passage.js';
import { UsageError } from '../errors/UsageError.js';
import { failedCallUsage, isLlmError } from '../llm/errors/LlmError.js';
import { mergeRetries, type RetryCounts } from '../llm/retries.js';
import type { LanguageModel } from '../llm/types.js';
import { type Reporter, silentReporter } from '../util/Reporter.js';
import {
  type CheckResult,
  checkGeneration,
  type GenerationFailure,
  isRefusal,
  type OutputChecks,
} from './checks.js';
import { resolveTaskFamilies, type TaskFamily } from './families.js';
import { runPool } from './pool.js';
import { clipPassage, loadPrompt, type PromptTemplate, renderPrompt } from './prompts.js';
import { callSeed, pickByHash } from './random.js';
import { selectSeeds } from './seeds.js';
import { formatShard, type Shard, WHOLE } from './shard.js';
import { FretStore, type QueryRow } from './store.js';

/** Options of {@link generateQueries} (FRet step 1). */
export interface GenerateOptions {
  /** Run name: the workspace can hold several runs side by side. @default 'default' */
  run?: string;
  /** Number of seed passages, sampled uniformly with `sampleSeed`. @default all passages */
  limit?: number;
  /** Seed of the passage sample, the task-family draw and the LLM sampling seeds. @default 42 */
  sampleSeed?: number;
  /** Task families (names of the defaults, a JSON file, or a list). @default DEFAULT_TASK_FAMILIES */
  families?: string | readonly TaskFamily[];
  /** A prompt file instead of the bundled `prompts/fret/generate.v1.md`. */
  promptFile?: string;
  /** Checks of each answer (length bounds, copy, language). */
  checks?: OutputChecks;
  /** Extra attempts, each with a new sampling seed, after a rejected answer. @default 3 */
  retries?: number;
  /** @default 0.8 (diverse queries, as generation is the source of FRet's diversity) */
  temperature?: number;
  /** @default 256 */
  maxTokens?: number;
  /** Passages are cut to this many characters in the prompt. @default 2000 */
  maxPassageChars?: number;
  /** Only this shard's seeds. @default the whole job */
  shard?: Shard;
  /** Items in flight at once. @default 8 */
  concurrency?: number;
  reporter?: Reporter;
  signal?: AbortSignal;
}

export const DEFAULT_GENERATE = {
  run: 'default',
  sampleSeed: 42,
  retries: 3,
  temperature: 0.8,
  maxTokens: 256,
  maxPassageChars: 2000,
  concurrency: 8,
} as const;

/** What a step-1 call did. Counts cover the whole run so far, not only this call. */
export interface GenerateSummary {
  run: string;
  shard: string;
  selected: number;
  /** Items done by earlier (interrupted) calls and skipped now. */
  resumed: number;
  ok: number;
  failed: number;
  failures: Partial<Record<GenerationFailure, number>>;
  families: Record<string, number>;
  tokens: { prompt: number; completion: number };
  /**
   * Every retry behind the outcomes, by cause. `llm`: the LLM layer's own, inside single calls (`http 503`,
   * `timeout`, `network`, `bad-body`; rejected JSON answers: `not-json`, `schema`, `truncated`,
   * `no-content`). `attempts`: FRet's new attempts after a rejected answer, by its reason.
   */
  retries: { llm: RetryCounts; attempts: Partial<Record<GenerationFailure, number>> };
  promptSha256: string;
}

/**
 * JSON schema of a step-1 answer. Length bounds are deliberately not in the schema: the checks enforce them
 * with a precise reason (`too-short`, `too-long`), where a schema violation inside the LLM layer would only
 * surface as unparseable output.
 */
export const GENERATION_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: { task: { type: 'string' }, query: { type: 'string' } },
  required: ['task', 'query'],
  additionalProperties: false,
};

/** The resolved settings that define a step-1 job (stored, and compared on resume). */
export interface GenerateConfig {
  sampleSeed: number;
  limit: number | null;
  families: TaskFamily[];
  prompt: { source: string; sha256: string };
  checks: OutputChecks;
  retries: number;
  temperature: number;
  maxTokens: number;
  maxPassageChars: number;
  shard: string;
  llm: string;
}

/** Resolves defaults and loads the prompt, failing before any work on a bad option. */
export function resolveGenerate(
  llmId: string,
  options: GenerateOptions,
): { config: GenerateConfig; prompt: PromptTemplate; families: TaskFamily[] } {
  const o = { ...DEFAULT_GENERATE, ...options };
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit <= 0))
    throw new UsageError(`limit must be a positive integer, got ${options.limit}`);
  if (!Number.isInteger(o.retries) || o.retries < 0)
    throw new UsageError(`retries must be a non-negative integer, got ${o.retries}`);
  const families = resolveTaskFamilies(options.families);
  const prompt = loadPrompt('generate', options.promptFile);
  const config: GenerateConfig = {
    sampleSeed: o.sampleSeed,
    limit: options.limit ?? null,
    families,
    prompt: { source: prompt.source, sha256: prompt.sha256 },
    checks: options.checks ?? {},
    retries: o.retries,
    temperature: o.temperature,
    maxTokens: o.maxTokens,
    maxPassageChars: o.maxPassageChars,
    shard: formatShard(options.shard ?? WHOLE),
    llm: llmId,
  };
  return { config, prompt, families };
}

/** The text of a passage as the prompts show it: title and body. */
export function passageForPrompt(p: Pick<Passage, 'title' | 'text'>, maxChars: number): string {
  return clipPassage(p.title ? `${p.title}. ${p.text}` : p.text, maxChars);
}

/** The `{{passage}}` and `{{title}}` values of a prompt about a passage (step 1's and the judges'). */
export function passagePromptValues(
  p: Pick<Passage, 'title' | 'text'>,
  maxChars: number,
): { passage: string; title: string } {
  return { passage: passageForPrompt(p, maxChars), title: p.title ?? 'none' };
}

/** The step-1 chat messages for a seed and a family. */
export function generationMessages(
  prompt: PromptTemplate,
  passage: Pick<Passage, 'title' | 'text'>,
  family: TaskFamily,
  maxPassageChars: number,
): { role: 'user'; content: string }[] {
  const content = renderPrompt(prompt, {
    ...passagePromptValues(passage, maxPassageChars),
    family: family.name,
    family_hint: family.hint,
  });
  return [{ role: 'user', content }];
}

/**
 * FRet step 1 (Gecko §3.2): for each seed passage, the LLM writes a task description and a query for it.
 * The task family is drawn uniformly per seed; each answer is checked (JSON, non-empty, length, not a
 * refusal, not a verbatim copy, language) and a rejected one is retried with a new sampling seed up to
 * `retries` times, then recorded as failed with its reason. Each item is stored when it finishes, so a
 * killed call resumes where it stopped; LLM errors (after the provider's own retries) stop the call.
 *
 * @throws UsageError for bad options or a run restarted with other settings; the LLM's errors.
 * @example
 * const summary = await generateQueries(corpus, llm, { limit: 1000, reporter });
 */
export async function generateQueries(
  corpus: Corpus,
  llm: LanguageModel,
  options: GenerateOptions = {},
): Promise<GenerateSummary> {
  const o = { ...DEFAULT_GENERATE, ...options };
  const reporter = options.reporter ?? silentReporter;
  const { config, prompt, families } = resolveGenerate(llm.id, options);
  const store = new FretStore(corpus.workspace);
  store.ensureJob(o.run, 'generate', config as unknown as Record<string, unknown>);
  const seeds = selectSeeds(corpus.workspace.db, {
    limit: options.limit,
    sampleSeed: o.sampleSeed,
    shard: options.shard ?? WHOLE,
  });
  const finished = store.finishedQueryIds(o.run);
  const todo = seeds.filter((id) => !finished.has(id));
  const progress = reporter.progress('fret generate', { total: todo.length, unit: 'seeds' });
  reporter.info(
    `fret generate: ${seeds.length} seeds (${finished.size} already done), families: ${families.map((f) => f.name).join(', ')}`,
  );
  await runPool(
    todo,
    o.concurrency,
    async (seedId) => {
      const row = await generateOne(
        corpus,
        llm,
        seedId,
        { ...config, families },
        prompt,
        o.run,
        store,
        options,
      );
      // Undefined or not written: another process on this run finished the seed first (see finishQuery).
      if (row) store.finishQuery(o.run, row);
      progress.tick();
    },
    options.signal,
  );
  progress.done();
  return summarizeQueries(store, o.run, seeds.length, finished.size, config);
}

async function generateOne(
  corpus: Corpus,
  llm: LanguageModel,
  seedId: string,
  config: GenerateConfig,
  prompt: PromptTemplate,
  run: string,
  store: FretStore,
  options: GenerateOptions,
): Promise<QueryRow | undefined> {
  const passage = corpus.get(seedId);
  if (!passage) throw new UsageError(`seed passage "${seedId}" is no longer in the corpus`);
  const family = pickByHash(config.families, 'fret-family', config.sampleSeed, seedId);
  const messages = generationMessages(prompt, passage, family, config.maxPassageChars);
  // Only a `pending` row (from a batch import) carries earlier attempts to continue after: each of its
  // attempts was recorded when it completed. A finished row was written by another process on this run
  // since this call listed the work: continuing after its attempts would redo a finished seed with other
  // sampling seeds, so the seed is left as it is.
  const earlier = store.getQuery(run, seedId);
  if (earlier && earlier.status !== 'pending') return undefined;
  const history: { attempt: number; reason: string; detail: string }[] = earlier
    ? (JSON.parse(earlier.history) as { attempt: number; reason: string; detail: string }[])
    : [];
  let promptTokens = earlier?.prompt_tokens ?? 0;
  let completionTokens = earlier?.completion_tokens ?? 0;
  const retries: RetryCounts = earlier ? (JSON.parse(earlier.retries ?? '{}') as RetryCounts) : {};
  for (let attempt = earlier?.attempts ?? 0; attempt <= config.retries; attempt++) {
    // A pure function of (run seed, seed passage, attempt number): an attempt interrupted by a kill is
    // not recorded, so its re-run after a restart samples exactly as it would have.
    const seed = callSeed('fret-generate', config.sampleSeed, seedId, attempt);
    const {
      verdict,
      usage,
      retries: callRetries,
    } = await generateAndCheck(llm, messages, seed, config, passage.text, options.signal);
    promptTokens += usage.promptTokens;
    completionTokens += usage.completionTokens;
    mergeRetries(retries, callRetries);
    const base = {
      item_id: seedId,
      seed_id: seedId,
      family: family.name,
      attempts: attempt + 1,
      retries: JSON.stringify(retries),
    };
    if (verdict.ok) {
      return {
        ...base,
        status: 'ok',
        task: verdict.task,
        query: verdict.query,
        reason: null,
        history: JSON.stringify(history),
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
      };
    }
    history.push({ attempt, reason: verdict.reason, detail: verdict.detail });
  }
  const last = history[history.length - 1];
  return {
    item_id: seedId,
    seed_id: seedId,
    family: family.name,
    status: 'failed',
    task: null,
    query: null,
    reason: last?.reason ?? 'no-attempt',
    attempts: history.length,
    history: JSON.stringify(history),
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    retries: JSON.stringify(retries),
  };
}

/**
 * One step-1 LLM call and its verdict. Output the LLM layer could not parse as schema-valid JSON (after its
 * own retries) is an item-level failure (`malformed-json`, or `refusal` when the text is one); every other
 * LLM error propagates and stops the job, since it would fail every item alike.
 */
export async function generateAndCheck(
  llm: LanguageModel,
  messages: { role: 'user'; content: string }[],
  seed: number,
  config: Pick<GenerateConfig, 'temperature' | 'maxTokens' | 'checks'>,
  passageText: string,
  signal?: AbortSignal,
): Promise<{
  verdict: CheckResult;
  usage: { promptTokens: number; completionTokens: number };
  /** The LLM layer's retries inside the call, by cause. */
  retries?: RetryCounts;
}> {
  try {
    const out = await llm.generate(messages, {
      jsonSchema: GENERATION_SCHEMA,
      seed,
      temperature: config.temperature,
      maxTokens: config.maxTokens,
      signal,
    });
    const text = out.value !== undefined ? JSON.stringify(out.value) : out.text;
    return {
      verdict: checkGeneration(text, passageText, config.checks),
      usage: out.usage,
      retries: out.retries,
    };
  } catch (e) {
    if (!isLlmError(e, 'LLM_OUTPUT')) throw e;
    // The rejected answers still cost tokens: they count in the run's totals.
    return { verdict: classifyOutputError(e.message), usage: failedCallUsage(e), retries: e.retries };
  }
}

/**
 * Names the failure behind an LLM-layer output error. The layer reports it only as a message, so its wording
 * is matched here (a change there degrades the reason to `malformed-json`, never loses the failure).
 */
export function classifyOutputError(message: string): CheckResult & { ok: false } {
  const detail = message.slice(0, 200);
  if (/cut off/i.test(message)) return { ok: false, reason: 'truncated', detail };
  if (/does not match the JSON schema/i.test(message)) return { ok: false, reason: 'missing-field', detail };
  const output = message.replace(/^.*?: the model output[^:]*: /s, '').replace(/^"/, '');
  return { ok: false, reason: isRefusal(output) ? 'refusal' : 'malformed-json', detail };
}

/** Step-1 statistics of a run, from the database. */
export function summarizeQueries(
  store: FretStore,
  run: string,
  selected: number,
  resumed: number,
  config: Pick<GenerateConfig, 'shard' | 'prompt'>,
): GenerateSummary {
  const s: GenerateSummary = {
    run,
    shard: config.shard,
    selected,
    resumed,
    ok: 0,
    failed: 0,
    failures: {},
    families: {},
    tokens: { prompt: 0, completion: 0 },
    retries: { llm: {}, attempts: {} },
    promptSha256: config.prompt.sha256,
  };
  for (const r of store.queries(run)) {
    mergeRetries(s.retries.llm, JSON.parse(r.retries ?? '{}') as RetryCounts);
    // Every rejected attempt but a failed seed's last one was followed by another attempt.
    const history = JSON.parse(r.history) as { reason: GenerationFailure }[];
    const retried = r.status === 'failed' ? history.slice(0, -1) : history;
    for (const h of retried) s.retries.attempts[h.reason] = (s.retries.attempts[h.reason] ?? 0) + 1;
    if (r.status === 'ok') {
      s.ok++;
      s.families[r.family] = (s.families[r.family] ?? 0) + 1;
    } else if (r.status === 'failed') {
      s.failed++;
      const reason = r.reason as GenerationFailure;
      s.failures[reason] = (s.failures[reason] ?? 0) + 1;
    }
    s.tokens.prompt += r.prompt_tokens;
    s.tokens.completion += r.completion_tokens;
  }
  return s;
}
