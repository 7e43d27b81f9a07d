import type { Command } from 'commander';
import { GeckoError } from '../../../errors/GeckoError.js';
import { withLlmCache } from '../../../llm/cache/withLlmCache.js';
import { createLanguageModel } from '../../../llm/modelSpec.js';
import type { LanguageModel } from '../../../llm/types.js';
import { openWorkspace } from '../../../workspace/Workspace.js';
import { contextFrom, parsePositiveInt } from '../../context.js';
import { addHelpEpilogue, type HelpEpilogue } from '../../helpText.js';
import { addLlmOptions } from '../fret/resources.js';
import { type Probes, probeEmbeddings, runProbes, SAMPLE_QUERY, timed } from './probes.js';
import { assessReadiness, type CheckOutcomes, type Readiness } from './readiness.js';

/** What `gecko llm check --help` prints after the options. */
const CHECK_HELP: HelpEpilogue = {
  examples: [
    'gecko llm check --llm llama:./models/tiny.gguf',
    'gecko llm check --llm openai:http://127.0.0.1:8000/v1#qwen2.5-7b --llm-key-env VLLM_KEY --no-cache',
  ],
};

interface CheckArgs {
  llm: string;
  llmKeyEnv?: string;
  cache: boolean;
  prompt: string;
  maxTokens: string;
}

/**
 * `gecko llm check`: loads a model, exercises every capability gecko uses, with timings, and says whether
 * the pipeline can run with it (and with which judge); it fails only when it cannot.
 */
export function registerCheckCommand(group: Command): void {
  const cmd = group
    .command('check')
    .description(
      "print a model's capabilities, a sample generation, a sample score and timings, and whether distill can run with it",
    )
    .requiredOption('--llm <spec>', 'model: llama:./m.gguf, llama:hf:org/repo/file.gguf or openai:URL#model');
  addLlmOptions(cmd)
    .option(
      '--prompt <text>',
      'prompt of the sample generation',
      'Write one short search query about geckos.',
    )
    .option('--max-tokens <n>', 'most tokens of the sample generations', '64');
  addHelpEpilogue(cmd, CHECK_HELP).action(runCheck);
}

/** The `--json` report of the probes (the embeddings and pipeline verdict are added after). */
type CheckReport = Record<string, unknown> & { timingsMs: Record<string, number> };

function checkReport(llm: LanguageModel, loadMs: number, p: Probes): CheckReport {
  const { gen, json, score, labels } = p;
  return {
    model: llm.id,
    timingsMs: {
      load: loadMs,
      capabilities: p.caps.ms,
      generate: gen.ms,
      json: json.ms,
      score: score.ms,
      labels: labels.ms,
    },
    capabilities: p.found,
    generation: gen.value ?? gen,
    json: json.value ?? json,
    score: score.value ?? score,
    labels: labels.value
      ? { ' yes': labels.value.scores[0], ' no': labels.value.scores[1], probYes: labels.value.probs[0] }
      : labels,
    usage: llm.usage(),
    cache: p.cache ?? 'disabled',
  };
}

/** Each step passed or why not, as {@link assessReadiness} reads them. */
function checkOutcomes(p: Probes): Omit<CheckOutcomes, 'embeddings'> {
  const why = (s: { error?: string }) => (s.error ? { error: s.error } : {});
  return {
    capabilities: p.found,
    generation: { ok: p.gen.value !== undefined, ...why(p.gen) },
    json: { ok: p.json.value !== undefined, ...why(p.json) },
    score: { ok: p.score.value !== undefined, exact: p.score.value?.exact, ...why(p.score) },
    labels: { ok: p.labels.value !== undefined, ...why(p.labels) },
  };
}

/** The human report of the probes, one line each. */
function checkLines(llm: LanguageModel, loadMs: number, p: Probes): string[] {
  const { found, gen, json, score, labels } = p;
  const g = gen.value;
  const s = score.value;
  const l = labels.value;
  return [
    `model:         ${llm.id}`,
    `load:          ${loadMs} ms`,
    `log-probs:     ${found.logProbs}; JSON: ${found.json} (${p.caps.ms} ms)`,
    ...found.notes.map((n) => `  ${n}`),
    g
      ? `generation:    ${JSON.stringify(g.text)} (${g.usage.promptTokens}+${g.usage.completionTokens} tokens, ${g.finishReason}, ${gen.ms} ms)`
      : `generation:    FAILED: ${gen.error}`,
    json.value
      ? `json:          ${JSON.stringify(json.value.value)} (${json.ms} ms)`
      : `json:          FAILED: ${json.error}`,
    s
      ? `score:         log P("${SAMPLE_QUERY}" | passage) = ${s.logProb.toFixed(4)} over ${s.tokenCount} tokens (${s.method}${s.exact ? '' : ', top-k bound'}, ${score.ms} ms)`
      : `score:         FAILED: ${score.error}`,
    l
      ? `labels:        yes ${l.scores[0]?.logProb.toFixed(4)}, no ${l.scores[1]?.logProb.toFixed(4)}; P(yes | yes/no) = ${l.probs[0]?.toFixed(4)} (${labels.ms} ms)`
      : `labels:        FAILED: ${labels.error}`,
    `tokens:        ${llm.usage().promptTokens} prompt, ${llm.usage().completionTokens} completion`,
    p.cache
      ? `cache:         ${p.cache.hits} hits, ${p.cache.misses} misses`
      : 'cache:         disabled (--no-cache)',
  ];
}

/** The pipeline verdict: each capability, then whether distill can run and with which judge. */
function readinessLines(readiness: Readiness): string[] {
  const width = Math.max(...readiness.capabilities.map((c) => c.name.length));
  return [
    'capabilities:',
    ...readiness.capabilities.map(
      (c) => `  ${c.name.padEnd(width)}  ${c.available ? 'yes' : 'no '}  ${c.detail}`,
    ),
    readiness.canRun
      ? `pipeline:      distill can run; --judge auto uses the ${readiness.autoJudge === 'llm' ? 'LLM judge (query likelihood + relevance labels)' : 'graded judge (no exact log-probabilities)'}`
      : `pipeline:      distill cannot run: ${readiness.blockers.join('; ')}`,
  ];
}

async function runCheck(args: CheckArgs, cmd: Command): Promise<void> {
  const ctx = contextFrom(cmd);
  const maxTokens = parsePositiveInt('--max-tokens', args.maxTokens);
  const load = await timed(() =>
    createLanguageModel(args.llm, { apiKeyEnv: args.llmKeyEnv, reporter: ctx.reporter }),
  );
  const workspace = args.cache ? openWorkspace(ctx.work) : undefined;
  const cached = workspace ? withLlmCache(load.value, workspace) : undefined;
  const llm: LanguageModel = cached ?? load.value;
  let outcomes: Omit<CheckOutcomes, 'embeddings'>;
  let report: CheckReport;
  let lines: string[];
  try {
    const probes = await runProbes(llm, cached, args.prompt, maxTokens);
    report = checkReport(llm, load.ms, probes);
    outcomes = checkOutcomes(probes);
    lines = checkLines(llm, load.ms, probes);
  } finally {
    await llm.close();
    workspace?.close();
  }
  // After the LLM is closed: a GGUF opened again as an embedder is then not in memory twice.
  const emb = await probeEmbeddings(args.llm, ctx.reporter);
  const readiness = assessReadiness({
    ...outcomes,
    embeddings: { ...emb, spec: args.llm, auto: args.llm.startsWith('llama:') },
  });
  report.timingsMs.embeddings = emb.ms;
  ctx.print({ ...report, embeddings: emb, pipeline: readiness }, () =>
    [...lines, ...readinessLines(readiness)].join('\n'),
  );
  if (!readiness.canRun)
    throw new GeckoError(`llm check: distill cannot run with this model: ${readiness.blockers.join('; ')}.`, {
      code: 'LLM_CHECK',
    });
}
