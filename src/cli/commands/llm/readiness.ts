import type { LlmCapabilities } from '../../../llm/types.js';

/** What one check step of `gecko llm check` found: passed, or the model-side reason it failed. */
export interface StepOutcome {
  ok: boolean;
  error?: string;
}

/** The checks' results, as {@link assessReadiness} reads them. */
export interface CheckOutcomes {
  capabilities: LlmCapabilities;
  /** Plain chat generation. */
  generation: StepOutcome;
  /** Generation constrained to a JSON schema. */
  json: StepOutcome;
  /** log P(query | passage); `exact` false for a top-k bound. */
  score: StepOutcome & { exact?: boolean };
  /** Log-probabilities of the single-token labels " yes" / " no". */
  labels: StepOutcome;
  /**
   * One text through the model as an embedder (`spec`); `auto` when distill's `--init auto` uses it
   * without being told (a llama: GGUF), false when it must be named with `--teacher-embedder`.
   */
  embeddings: StepOutcome & { spec: string; auto: boolean; dimensions?: number };
}

/** One capability of the pipeline, as reported. */
export interface Capability {
  name: string;
  available: boolean;
  /** What it is used for, and what happens without it. */
  detail: string;
}

/** The verdict: what distill can do with this model. */
export interface Readiness {
  capabilities: Capability[];
  /** The judge `--judge auto` picks (the same rule as `createJudge`). */
  autoJudge: 'llm' | 'graded';
  /** False when `gecko distill` (with its defaults) cannot run with this model. */
  canRun: boolean;
  /** Why it cannot run, one line each; empty when it can. */
  blockers: string[];
}

/**
 * Turns the check results into what the pipeline needs: FRet generation needs chat and JSON output; mining
 * ranks with Gecko's LLM judge (exact query likelihood + relevance labels) when the model gives exact
 * log-probabilities, else with the graded fallback, which needs only JSON output; the student starts from
 * a teacher embedder when there is one, else at random. Only a missing requirement of the default route
 * blocks: a chat-only endpoint runs with the graded judge and a random start.
 *
 * @example const { canRun, blockers } = assessReadiness(outcomes);
 */
export function assessReadiness(o: CheckOutcomes): Readiness {
  const exact = o.capabilities.logProbs === 'exact';
  const ql = o.score.ok && o.score.exact === true;
  const autoJudge = exact ? 'llm' : 'graded';
  const llmJudge = ql && o.labels.ok;
  const why = (s: StepOutcome): string => (s.error ? ` (${s.error})` : '');
  const capabilities: Capability[] = [
    {
      name: 'chat',
      available: o.generation.ok,
      detail: o.generation.ok
        ? 'chat generation works'
        : 'chat generation failed (see above); FRet generation needs it',
    },
    {
      name: 'json',
      available: o.json.ok,
      detail: o.json.ok
        ? `JSON output (${o.capabilities.json}) for FRet's {task, query} and the graded judge`
        : 'JSON output failed (see above); FRet generation and the graded judge need it',
    },
    {
      name: 'query-likelihood',
      available: ql,
      detail: ql
        ? 'exact log P(query | passage) for the LLM judge (--judge llm)'
        : o.score.ok
          ? 'only a top-k bound of log P(query | passage): the LLM judge needs exact log-probabilities'
          : 'no log P(query | passage) (see score above): the LLM judge (--judge llm) is unavailable',
    },
    {
      name: 'relevance-labels',
      available: o.labels.ok,
      detail: o.labels.ok
        ? 'log-probabilities of " yes" / " no" for relevance classification'
        : 'no label log-probabilities (see labels above)',
    },
    {
      name: 'graded-fallback',
      available: o.json.ok,
      detail: o.json.ok
        ? `graded relevance judgements through JSON output${autoJudge === 'graded' ? ' (what --judge auto uses here)' : ''}`
        : 'the graded judge needs JSON output',
    },
    {
      name: 'embeddings',
      available: o.embeddings.ok,
      detail: !o.embeddings.ok
        ? `no vectors${why(o.embeddings)}: distill starts the student at random unless --teacher-embedder names an embedder`
        : o.embeddings.auto
          ? `${o.embeddings.dimensions}-dimensional vectors: distill --init auto starts the student from them`
          : `${o.embeddings.dimensions}-dimensional vectors: pass --teacher-embedder ${o.embeddings.spec} to start the student from them (--init auto does not assume an endpoint embeds)`,
    },
  ];
  const blockers: string[] = [];
  if (!o.generation.ok) blockers.push(`chat generation failed${why(o.generation)}`);
  if (!o.json.ok) blockers.push(`JSON output failed${why(o.json)}`);
  if (autoJudge === 'llm' && !llmJudge && o.json.ok) {
    blockers.push(
      'the endpoint reports exact log-probabilities, so --judge auto picks the LLM judge, but scoring failed; run distill with --judge graded',
    );
  }
  return { capabilities, autoJudge, canRun: blockers.length === 0, blockers };
}
