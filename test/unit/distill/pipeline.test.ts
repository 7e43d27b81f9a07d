import { describe, expect, it } from 'vitest';
import { DEFAULT_DISTILL, type DistillConfig } from '../../../src/distill/config.js';
import { fileOrDirHash } from '../../../src/distill/inputs.js';
import { PIPELINE } from '../../../src/distill/pipeline.js';
import { inputHash, STAGES } from '../../../src/distill/stages.js';

const config = (): DistillConfig => ({ ...structuredClone(DEFAULT_DISTILL), corpus: ['c'] });
const mine = PIPELINE.find((s) => s.name === 'mine')!;
const inputs = (c: DistillConfig) =>
  mine.inputs({ config: c, h: { generate: 'g' }, hashPath: fileOrDirHash });

describe('the distill pipeline table', () => {
  it('holds every stage once, in order; only ingest and pairs run before the plan', () => {
    expect(PIPELINE.map((s) => s.name)).toEqual([...STAGES]);
    expect(PIPELINE.filter((s) => s.beforePlan).map((s) => s.name)).toEqual(['ingest', 'pairs']);
  });

  it('keeps the mine hash of the default BM25 retriever as before mine.retriever existed', async () => {
    const c = config();
    const { judge, candidates, negative, concurrency } = c.mine;
    expect(await inputs(c)).toBe(
      inputHash({ generate: 'g', mine: { judge, candidates, negative, concurrency }, llm: c.llm }),
    );
    // The embedder's key variable changes no result; the retriever and its settings do.
    expect(await inputs({ ...c, mine: { ...c.mine, embedderKeyEnv: 'K' } })).toBe(await inputs(c));
    const hybrid = { ...c, mine: { ...c.mine, retriever: 'hybrid' as const, embedder: './m' } };
    expect(await inputs(hybrid)).not.toBe(await inputs(c));
    expect(await inputs({ ...hybrid, mine: { ...hybrid.mine, rrfK: 10 } })).not.toBe(await inputs(hybrid));
  });
});
