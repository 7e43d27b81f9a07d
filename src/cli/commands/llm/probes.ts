import { openTeacherEmbedder } from '../../../distill/teacherInit.js';
import type { CachedLanguageModel, LlmCacheStats } from '../../../llm/cache/withLlmCache.js';
import { isLlmError } from '../../../llm/errors/LlmError.js';
import { labelLogProbs } from '../../../llm/scoring.js';
import type { ContinuationScore, Generation, LanguageModel, LlmCapabilities } from '../../../llm/types.js';
import type { Reporter } from '../../../util/Reporter.js';

/** The passage every probe of `gecko llm check` is about. */
const SAMPLE_PASSAGE =
  'Geckos can climb smooth walls because millions of tiny hairs on their toe pads stick by van der Waals forces.';
/** The continuation scored after the passage (and before the relevance question). */
export const SAMPLE_QUERY = ' how do geckos climb walls';
const SAMPLE_SCHEMA = {
  type: 'object',
  properties: { task: { type: 'string', maxLength: 60 }, query: { type: 'string', maxLength: 60 } },
  required: ['task', 'query'],
  additionalProperties: false,
};

/** Milliseconds since `t0`, to 0.1 ms. */
const msSince = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;

/** A value and how long it took. */
export interface Timed<T> {
  value: T;
  ms: number;
}

/** A check step's value, or the model-side reason it failed, and how long it took. */
export interface Step<T> {
  value?: T;
  error?: string;
  ms: number;
}

export async function timed<T>(f: () => Promise<T>): Promise<Timed<T>> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: msSince(t0) };
}

/** Runs a check step; a model-side failure (bad output, missing capability) is reported, not fatal. */
async function step<T>(f: () => Promise<T>): Promise<Step<T>> {
  const t0 = performance.now();
  try {
    const value = await f();
    return { value, ms: msSince(t0) };
  } catch (e) {
    if (!isLlmError(e)) throw e;
    return { error: e.message, ms: msSince(t0) };
  }
}

/** What the model did with each probe. */
export interface Probes {
  caps: Timed<LlmCapabilities>;
  gen: Step<Generation>;
  json: Step<Generation>;
  score: Step<ContinuationScore | undefined>;
  labels: Step<{ scores: ContinuationScore[]; probs: number[] }>;
  /** The capabilities asked again after the probes: the JSON step has found out how JSON works. */
  found: LlmCapabilities;
  /** The cache's counts after the probes (undefined without the cache). */
  cache: LlmCacheStats | undefined;
}

/**
 * Exercises every capability gecko uses, in order: capabilities, a plain generation of `prompt`, a JSON
 * generation, a continuation score and the relevance labels. `cached` is `llm` when it is behind the cache.
 */
export async function runProbes(
  llm: LanguageModel,
  cached: CachedLanguageModel | undefined,
  prompt: string,
  maxTokens: number,
): Promise<Probes> {
  const caps = await timed(() => llm.capabilities());
  const gen = await step(() => llm.generate(prompt, { maxTokens, temperature: 0 }));
  const json = await step(() =>
    llm.generate(
      [
        {
          role: 'user',
          content: `Passage: ${SAMPLE_PASSAGE}\nWrite a retrieval task and a query for it as JSON.`,
        },
      ],
      { jsonSchema: SAMPLE_SCHEMA, maxTokens: Math.max(maxTokens, 256), temperature: 0 },
    ),
  );
  const scorePrompt = `Passage: ${SAMPLE_PASSAGE}\nQuery:`;
  const score = await step(async () => (await llm.scoreContinuations(scorePrompt, [SAMPLE_QUERY]))[0]);
  const labels = await step(() =>
    labelLogProbs(llm, `${scorePrompt}${SAMPLE_QUERY}\nIs the passage relevant to the query? Answer:`, [
      ' yes',
      ' no',
    ]),
  );
  const cache = cached?.stats();
  // Asked again (no request: the probes are memoised).
  const found = await llm.capabilities();
  return { caps, gen, json, score, labels, found, cache };
}

/** What {@link probeEmbeddings} found. */
export interface EmbeddingProbe {
  ok: boolean;
  error?: string;
  dimensions?: number;
  ms: number;
}

/**
 * The model as an embedder, through the same opener distill uses for its teacher embedder: one text, its
 * dimension or why it failed. Any failure only means "no embeddings", so every error is reported, not thrown.
 */
export async function probeEmbeddings(spec: string, reporter: Reporter): Promise<EmbeddingProbe> {
  const t0 = performance.now();
  try {
    const { embedder, close } = await openTeacherEmbedder(spec, reporter);
    try {
      const [v] = await embedder.embed(['geckos climb smooth walls']);
      return { ok: true, dimensions: v?.length ?? embedder.dimensions, ms: msSince(t0) };
    } finally {
      await close();
    }
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e), ms: msSince(t0) };
  }
}
