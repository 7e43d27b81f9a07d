import { describe, expect, it } from 'vitest';
import { DEFAULT_DISTILL, type DistillConfig } from '../../../src/distill/config.js';
import { CHARS_PER_TOKEN, estimatePlan, formatPlan } from '../../../src/distill/plan.js';
import { STAGES, type StageName } from '../../../src/distill/stages.js';
import { loadPrompt } from '../../../src/fret/prompts.js';

const config = (patch: Partial<DistillConfig> = {}): DistillConfig => ({
  ...structuredClone(DEFAULT_DISTILL),
  corpus: ['c'],
  ...patch,
});
const all = (action: 'run' | 'skip'): Record<StageName, 'run' | 'skip'> =>
  Object.fromEntries(STAGES.map((s) => [s, action])) as Record<StageName, 'run' | 'skip'>;

describe('distill plan', () => {
  it('counts one generation per seed (more with retries) and two scorings per candidate', () => {
    const c = config();
    c.generate.limit = 100;
    c.generate.retries = 2;
    c.mine.candidates = 10;
    const p = estimatePlan(c, { passages: 500, avgChars: 400 }, all('run'));
    const gen = p.estimates.find((e) => e.stage === 'generate')!;
    const mine = p.estimates.find((e) => e.stage === 'mine')!;
    expect(p.seeds).toBe(100);
    expect(gen.calls).toEqual({ min: 100, max: 300 });
    const genPrompt = Math.ceil((loadPrompt('generate').text.length + 400) / CHARS_PER_TOKEN);
    expect(gen.tokens).toEqual({ prompt: 100 * genPrompt, completion: 100 * c.generate.maxTokens });
    expect(mine.calls.min).toBe(100 * 10 * 2);
    expect(p.totals.calls).toBe(100 + 2000);
    expect(formatPlan(p)).toMatch(/total: ~2,100 LLM calls/);
  });

  it('clips passages to maxPassageChars and counts no LLM work for skipped stages or the oracle judge', () => {
    const c = config();
    c.generate.maxPassageChars = 100;
    const long = estimatePlan(c, { passages: 10, avgChars: 5000 }, all('run'));
    const short = estimatePlan(c, { passages: 10, avgChars: 100 }, all('run'));
    expect(long.totals.promptTokens).toBe(short.totals.promptTokens);
    expect(estimatePlan(c, { passages: 10, avgChars: 100 }, all('skip')).totals.calls).toBe(0);
    c.mine.judge = 'qrels:q.tsv';
    const oracle = estimatePlan(c, { passages: 10, avgChars: 100 }, all('run'));
    expect(oracle.estimates.find((e) => e.stage === 'mine')!.calls.min).toBe(0);
    expect(oracle.totals.calls).toBe(10);
  });
});
