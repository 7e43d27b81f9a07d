/**
 * Exact log P(continuation | prompt) from a llama.cpp sequence. The prompt is evaluated once and each
 * continuation is evaluated from that state; between continuations only the continuation's cells are
 * erased, so the KV cache of the prompt (and any prefix shared with the previous call's prompt) is reused.
 */
import type { LlamaContextSequence, Token } from 'node-llama-cpp';

/** A continuation's summed natural-log probability and its token count. */
export interface TokenScore {
  logProb: number;
  tokenCount: number;
}

// With no sampling options, node-llama-cpp returns the model's full softmax distribution (no temperature,
// no top-k/p truncation): the raw next-token probabilities that query likelihood needs.
const WANT_PROBS = { generateNext: { probabilities: true } } as const;

function logOf(probs: Map<Token, number> | undefined, token: Token): number {
  return Math.log(probs?.get(token) ?? 0);
}

/** Erases the sequence past the longest common prefix with `target`, then evaluates the rest of `target`. */
async function alignTo(seq: LlamaContextSequence, target: readonly Token[]): Promise<void> {
  const { firstDifferentIndex } = seq.compareContextTokens(target as Token[]);
  if (firstDifferentIndex < seq.nextTokenIndex) {
    await seq.eraseContextTokenRanges([{ start: firstDifferentIndex, end: seq.nextTokenIndex }]);
  }
  const rest = target.slice(seq.nextTokenIndex);
  if (rest.length > 0) await seq.evaluateWithoutGeneratingNewTokens(rest as Token[]);
}

/**
 * Scores every continuation after one evaluation of `prompt` (which must be non-empty, e.g. start with BOS).
 * `continuations[i]` are the tokens that follow the prompt.
 */
export async function scoreWithPromptReuse(
  seq: LlamaContextSequence,
  prompt: readonly Token[],
  continuations: readonly (readonly Token[])[],
): Promise<TokenScore[]> {
  const last = prompt[prompt.length - 1] as Token;
  await alignTo(seq, prompt.slice(0, -1));
  // The distribution after the last prompt token is the first continuation token's, shared by all.
  const [head] = await seq.controlledEvaluate([[last, WANT_PROBS]]);
  const firstProbs = head?.next.probabilities;
  const out: TokenScore[] = [];
  for (const cont of continuations) {
    if (cont.length === 0) {
      out.push({ logProb: 0, tokenCount: 0 });
      continue;
    }
    let logProb = logOf(firstProbs, cont[0] as Token);
    if (cont.length > 1) {
      const res = await seq.controlledEvaluate(cont.slice(0, -1).map((t) => [t, WANT_PROBS]));
      for (let j = 1; j < cont.length; j++)
        logProb += logOf(res[j - 1]?.next.probabilities, cont[j] as Token);
      // Back to the prompt boundary for the next continuation.
      await seq.eraseContextTokenRanges([{ start: prompt.length, end: seq.nextTokenIndex }]);
    }
    out.push({ logProb, tokenCount: cont.length });
  }
  return out;
}

/**
 * The baseline without reuse: each continuation evaluates prompt + continuation from an empty sequence.
 * Kept for the benchmark and for callers that want no state carried between calls.
 */
export async function scoreWithoutReuse(
  seq: LlamaContextSequence,
  prompt: readonly Token[],
  continuations: readonly (readonly Token[])[],
): Promise<TokenScore[]> {
  const out: TokenScore[] = [];
  for (const cont of continuations) {
    await seq.clearHistory();
    const input = [
      ...prompt.slice(0, -1),
      ...[prompt[prompt.length - 1] as Token, ...cont.slice(0, -1)].map(
        (t) => [t, WANT_PROBS] as [Token, typeof WANT_PROBS],
      ),
    ];
    const res = await seq.controlledEvaluate(input);
    let logProb = 0;
    for (let j = 0; j < cont.length; j++) {
      logProb += logOf(res[prompt.length - 1 + j]?.next.probabilities, cont[j] as Token);
    }
    out.push({ logProb, tokenCount: cont.length });
  }
  await seq.clearHistory();
  return out;
}
