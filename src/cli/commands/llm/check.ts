import type { Command } from 'commander';
import { openTeacherEmbedder } from '../../../distill/teacherInit.js';
import { GeckoError } from '../../../errors/GeckoError.js';
import { type CachedLanguageModel, withLlmCache } from '../../../llm/cache/withLlmCache.js';
import { isLlmError } from '../../../llm/errors/LlmError.js';
import { createLanguageModel } from '../../../llm/modelSpec.js';
import { labelLogProbs } from '../../../llm/scoring.js';
import type { LanguageModel } from '../../../llm/types.js';
import type { Reporter } from '../../../util/Reporter.js';
import { openWorkspace, type Workspace } from '../../../workspace/Workspace.js';
import { contextFrom, parsePositiveInt } from '../../context.js';
import { assessReadiness, type CheckOutcomes } from './readiness.js';

interface CheckArgs {
  llm: string;
  llmKeyEnv?: string;
  cache: boolean;
  prompt: string;
  maxTokens: string;
}

const SAMPLE_PASSAGE =
  'Geckos can climb smooth walls because millions of tiny hairs on their toe pads stick by van der Waals forces.';
const SAMPLE_SCHEMA = {
  type: 'object',
  properties: { task: { type: 'string', maxLength: 60 }, query: { type: 'string', maxLength: 60 } },
  required: ['task', 'query'],
  additionalProperties: false,
};

/** Milliseconds since `t0`, to 0.1 ms. */
const msSince = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: msSince(t0) };
}

/** Runs a check step; a model-side failure (bad output, missing capability) is reported, not fatal. */
async function step<T>(f: () => Promise<T>): Promise<{ value?: T; error?: string; ms: number }> {
  const t0 = performance.now();
  try {
    const value = await f();
    return { value, ms: msSince(t0) };
  } catch (e) {
    if (!isLlmError(e)) throw e;
    return { error: e.message, ms: msSince(t0) };
  }
}

/**
 * The model as an embedder, through the same opener distill uses for its teacher embedder: one text, its
 * dimension or why it failed. Any failure only means "no embeddings", so every error is reported, not thrown.
 */
async function probeEmbeddings(
  spec: string,
  reporter: Reporter,
): Promise<{ ok: boolean; error?: string; dimensions?: number; ms: number }> {
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

/**
 * `gecko llm check`: loads a model, exercises every capability gecko uses, with timings, and says whether
 * the pipeline can run with it (and with which judge); it fails only when it cannot.
 */
export function registerCheckCommand(group: Command): void {
  group
    .command('check')
    .description(
      "print a model's capabilities, a sample generation, a sample score and timings, and whether distill can run with it",
    )
    .requiredOption('--llm <spec>', 'model: llama:./m.gguf, llama:hf:org/repo/file.gguf or openai:URL#model')
    .option('--llm-key-env <name>', 'environment variable holding the API key of an openai: model')
    .option('--no-cache', 'neither read nor write the workspace LLM cache')
    .option(
      '--prompt <text>',
      'prompt of the sample generation',
      'Write one short search query about geckos.',
    )
    .option('--max-tokens <n>', 'most tokens of the sample generations', '64')
    .addHelpText(
      'after',
      '\nExamples:\n  $ gecko llm check --llm llama:./models/tiny.gguf\n' +
        '  $ gecko llm check --llm openai:http://127.0.0.1:8000/v1#qwen2.5-7b --llm-key-env VLLM_KEY --no-cache',
    )
    .action(async (args: CheckArgs, cmd: Command) => {
      const ctx = contextFrom(cmd);
      const maxTokens = parsePositiveInt('--max-tokens', args.maxTokens);
      const load = await timed(() =>
        createLanguageModel(args.llm, { apiKeyEnv: args.llmKeyEnv, reporter: ctx.reporter }),
      );
      let workspace: Workspace | undefined;
      let llm: LanguageModel = load.value;
      if (args.cache) {
        workspace = openWorkspace(ctx.work);
        llm = withLlmCache(load.value, workspace);
      }
      let done: Omit<CheckOutcomes, 'embeddings'> & { report: Record<string, unknown>; lines: string[] };
      try {
        const caps = await timed(() => llm.capabilities());
        const gen = await step(() => llm.generate(args.prompt, { maxTokens, temperature: 0 }));
        const json = await step(() =>
          llm.generate(
            [
              {
                role: 'user',
                content: `Passage: ${SAMPLE_PASSAGE}\nWrite a retrieval task and a query for it as JSON.`,
              },
            ],
            {
              jsonSchema: SAMPLE_SCHEMA,
              maxTokens: Math.max(maxTokens, 256),
              temperature: 0,
            },
          ),
        );
        const prompt = `Passage: ${SAMPLE_PASSAGE}\nQuery:`;
        const score = await step(
          async () => (await llm.scoreContinuations(prompt, [' how do geckos climb walls']))[0],
        );
        const labels = await step(() =>
          labelLogProbs(
            llm,
            `${prompt} how do geckos climb walls\nIs the passage relevant to the query? Answer:`,
            [' yes', ' no'],
          ),
        );
        const cache = llm !== load.value ? (llm as CachedLanguageModel).stats() : undefined;
        // Asked again (no request: the probes are memoised): the JSON step has found out how JSON works.
        const found = await llm.capabilities();
        const g = gen.value;
        const report = {
          model: llm.id,
          timingsMs: {
            load: load.ms,
            capabilities: caps.ms,
            generate: gen.ms,
            json: json.ms,
            score: score.ms,
            labels: labels.ms,
          },
          capabilities: found,
          generation: gen.value ?? gen,
          json: json.value ?? json,
          score: score.value ?? score,
          labels: labels.value
            ? {
                ' yes': labels.value.scores[0],
                ' no': labels.value.scores[1],
                probYes: labels.value.probs[0],
              }
            : labels,
          usage: llm.usage(),
          cache: cache ?? 'disabled',
        };
        const s = score.value;
        const l = labels.value;
        done = {
          capabilities: found,
          generation: { ok: g !== undefined, ...(gen.error ? { error: gen.error } : {}) },
          json: { ok: json.value !== undefined, ...(json.error ? { error: json.error } : {}) },
          score: { ok: s !== undefined, exact: s?.exact, ...(score.error ? { error: score.error } : {}) },
          labels: { ok: l !== undefined, ...(labels.error ? { error: labels.error } : {}) },
          report,
          lines: [
            `model:         ${llm.id}`,
            `load:          ${load.ms} ms`,
            `log-probs:     ${found.logProbs}; JSON: ${found.json} (${caps.ms} ms)`,
            ...found.notes.map((n) => `  ${n}`),
            g
              ? `generation:    ${JSON.stringify(g.text)} (${g.usage.promptTokens}+${g.usage.completionTokens} tokens, ${g.finishReason}, ${gen.ms} ms)`
              : `generation:    FAILED: ${gen.error}`,
            json.value
              ? `json:          ${JSON.stringify(json.value.value)} (${json.ms} ms)`
              : `json:          FAILED: ${json.error}`,
            s
              ? `score:         log P(" how do geckos climb walls" | passage) = ${s.logProb.toFixed(4)} over ${s.tokenCount} tokens (${s.method}${s.exact ? '' : ', top-k bound'}, ${score.ms} ms)`
              : `score:         FAILED: ${score.error}`,
            l
              ? `labels:        yes ${l.scores[0]?.logProb.toFixed(4)}, no ${l.scores[1]?.logProb.toFixed(4)}; P(yes | yes/no) = ${l.probs[0]?.toFixed(4)} (${labels.ms} ms)`
              : `labels:        FAILED: ${labels.error}`,
            `tokens:        ${llm.usage().promptTokens} prompt, ${llm.usage().completionTokens} completion`,
            cache
              ? `cache:         ${cache.hits} hits, ${cache.misses} misses`
              : 'cache:         disabled (--no-cache)',
          ],
        };
      } finally {
        await llm.close();
        workspace?.close();
      }
      // After the LLM is closed: a GGUF opened again as an embedder is then not in memory twice.
      const emb = await probeEmbeddings(args.llm, ctx.reporter);
      const readiness = assessReadiness({
        ...done,
        embeddings: { ...emb, spec: args.llm, auto: args.llm.startsWith('llama:') },
      });
      const { report, lines } = done;
      (report.timingsMs as Record<string, number>).embeddings = emb.ms;
      ctx.print({ ...report, embeddings: emb, pipeline: readiness }, () => {
        const width = Math.max(...readiness.capabilities.map((c) => c.name.length));
        return [
          ...lines,
          'capabilities:',
          ...readiness.capabilities.map(
            (c) => `  ${c.name.padEnd(width)}  ${c.available ? 'yes' : 'no '}  ${c.detail}`,
          ),
          readiness.canRun
            ? `pipeline:      distill can run; --judge auto uses the ${readiness.autoJudge === 'llm' ? 'LLM judge (query likelihood + relevance labels)' : 'graded judge (no exact log-probabilities)'}`
            : `pipeline:      distill cannot run: ${readiness.blockers.join('; ')}`,
        ].join('\n');
      });
      if (!readiness.canRun)
        throw new GeckoError(
          `llm check: distill cannot run with this model: ${readiness.blockers.join('; ')}.`,
          {
            code: 'LLM_CHECK',
          },
        );
    });
}
