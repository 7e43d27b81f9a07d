import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaProvider } from '../../../src/llm/llama/LlamaProvider.js';
import type { LanguageModel } from '../../../src/llm/types.js';
import { writeTinyLlamaGguf } from '../../helpers/gguf/tinyLlama.js';

const dir = mkdtempSync(join(tmpdir(), 'gecko-llama-'));
const modelPath = writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 3 });
let llm: LanguageModel;

beforeAll(async () => {
  llm = await createLlamaProvider({ model: modelPath, contextSize: 512, threads: 1 });
});
afterAll(async () => {
  await llm?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Independent reference: its own model and context, the full prompt + continuation evaluated from an empty
 * sequence for every position through evaluateWithMetadata (no prompt reuse, different batching), summing
 * log P(token_i | prefix) by hand.
 */
async function referenceLogProbs(
  prompt: string,
  continuations: string[],
): Promise<Array<{ logProb: number; n: number }>> {
  const { getLlama } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 2 });
  const model: LlamaModel = await llama.loadModel({ modelPath });
  const ctx = await model.createContext({ contextSize: 512, threads: 1, flashAttention: false });
  const seq: LlamaContextSequence = ctx.getSequence();
  try {
    const bos = model.tokens.bos as Token;
    const promptTokens = [bos, ...model.tokenize(prompt)];
    const out: Array<{ logProb: number; n: number }> = [];
    for (const continuation of continuations) {
      const full = [bos, ...model.tokenize(prompt + continuation)];
      expect(full.slice(0, promptTokens.length)).toEqual(promptTokens);
      let logProb = 0;
      for (let i = promptTokens.length; i < full.length; i++) {
        await seq.clearHistory();
        const it = seq.evaluateWithMetadata(full.slice(0, i), { probabilities: true });
        const first = await it.next();
        await it.return();
        const probs = (first.value as { probabilities: Map<Token, number> }).probabilities;
        logProb += Math.log(probs.get(full[i] as Token) ?? 0);
      }
      out.push({ logProb, n: full.length - promptTokens.length });
    }
    return out;
  } finally {
    await ctx.dispose();
    await model.dispose();
  }
}

describe('llama provider (tiny random GGUF)', () => {
  it('scores continuations equal to an independent per-token computation within 1e-4', async () => {
    const prompt = 'passage: the gecko can climb a wall with sticky toe pads.\nquery:';
    const conts = [' how do geckos climb', ' yes', ' the moon is water', ' why', ' gecko feet hair force'];
    const got = await llm.scoreContinuations(prompt, conts);
    const refs = await referenceLogProbs(prompt, conts);
    for (const [i, ref] of refs.entries()) {
      expect(got[i]?.tokenCount).toBe(ref.n);
      expect(Math.abs((got[i]?.logProb as number) - ref.logProb)).toBeLessThan(1e-4);
      expect(got[i]?.exact).toBe(true);
    }
    // Reordering must not change scores (each continuation starts from the same prompt state).
    const again = await llm.scoreContinuations(prompt, [...conts].reverse());
    for (const [i, s] of again.reverse().entries())
      expect(Math.abs(s.logProb - (got[i]?.logProb as number))).toBeLessThan(1e-4);
  });

  it('gives the same scores with and without prompt reuse, also for chat prompts', async () => {
    const plain = await createLlamaProvider({
      model: modelPath,
      contextSize: 512,
      threads: 1,
      reusePrompt: false,
    });
    try {
      const msgs = [
        { role: 'system' as const, content: 'Judge relevance.' },
        { role: 'user' as const, content: 'query: gecko feet\npassage: geckos climb walls. Relevant?' },
      ];
      const a = await llm.scoreContinuations(msgs, ['yes', 'no', 'maybe not']);
      const b = await plain.scoreContinuations(msgs, ['yes', 'no', 'maybe not']);
      for (const [i, s] of a.entries()) {
        expect(Number.isFinite(s.logProb)).toBe(true);
        expect(s.logProb).toBeLessThan(0);
        expect(Math.abs(s.logProb - (b[i]?.logProb as number))).toBeLessThan(1e-4);
      }
    } finally {
      await plain.close();
    }
  });

  it('grammar-constrained JSON always parses and matches the schema', async () => {
    // An ASCII-only tiny model: its gibberish is valid UTF-8, so the grammar's and ajv's maxLength agree.
    const ascii = await createLlamaProvider({
      model: writeTinyLlamaGguf(join(dir, 'ascii.gguf'), { seed: 3, byteTokens: 'ascii' }),
      contextSize: 512,
      threads: 1,
    });
    const schema = {
      type: 'object',
      properties: { task: { type: 'string', maxLength: 40 }, query: { type: 'string', maxLength: 60 } },
      required: ['task', 'query'],
      additionalProperties: false,
    };
    for (let seed = 0; seed < 20; seed++) {
      const g = await ascii.generate([{ role: 'user', content: 'Write a task and a query as JSON.' }], {
        jsonSchema: schema,
        temperature: 0.9,
        seed,
        maxTokens: 400,
      });
      const v = g.value as { task: string; query: string };
      expect(typeof v.task).toBe('string');
      expect(typeof v.query).toBe('string');
      expect(JSON.parse(g.text)).toEqual(v);
      expect(g.usage.completionTokens).toBeGreaterThan(0);
      expect(v.task.length).toBeLessThanOrEqual(40);
    }
    await ascii.close();
  });

  it('generates deterministically for a fixed seed and reports capabilities and usage', async () => {
    const a = await llm.generate('the gecko', { maxTokens: 12, temperature: 0.8, seed: 5 });
    const b = await llm.generate('the gecko', { maxTokens: 12, temperature: 0.8, seed: 5 });
    expect(a.text).toBe(b.text);
    expect(a.finishReason === 'length' || a.finishReason === 'stop').toBe(true);
    // A stop string ends the text before its first occurrence.
    const free = await llm.generate('the gecko', { maxTokens: 40 });
    const stop = (/[a-z]{3}/.exec(free.text.slice(4)) ?? [''])[0];
    expect(stop).toHaveLength(3);
    const stopped = await llm.generate('the gecko', { maxTokens: 40, stop: [stop] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(free.text.slice(0, free.text.indexOf(stop)));
    const caps = await llm.capabilities();
    expect(caps).toMatchObject({ logProbs: 'exact', json: 'grammar' });
    expect(llm.usage().calls).toBeGreaterThan(0);
  });

  it('fails clearly for a missing file and an offline hf: download', async () => {
    await expect(createLlamaProvider({ model: join(dir, 'nope.gguf') })).rejects.toThrow(
      /Model file not found/,
    );
    await expect(
      createLlamaProvider({
        model: 'hf:org/repo/file.gguf',
        cacheDir: join(dir, 'models'),
        hfEndpoint: 'http://127.0.0.1:9/',
      }),
    ).rejects.toThrow(/Cannot download hf:org\/repo\/file\.gguf.*offline.*llama:\.\/models\/model\.gguf/s);
  });
});
