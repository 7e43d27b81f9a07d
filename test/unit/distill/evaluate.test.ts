import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_DISTILL, type DistillConfig } from '../../../src/distill/config.js';
import { evaluateStudent } from '../../../src/distill/evaluate.js';
import { Bm25Retriever } from '../../../src/eval/embedders/Bm25Retriever.js';
import { HybridRetriever } from '../../../src/eval/embedders/HybridRetriever.js';
import { evaluateTask } from '../../../src/eval/evaluateTask.js';
import { taskScore } from '../../../src/eval/results.js';
import { loadLocalTask } from '../../../src/eval/tasks/loadLocalTask.js';
import { loadStaticModel } from '../../../src/model/formats/loadStaticModel.js';
import { silentReporter } from '../../../src/util/Reporter.js';
import { ROOT } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';
import { saveTestModel } from '../serve/fixtures.js';

const TASK = join(ROOT, 'examples/eval/ExampleSearch');

afterEach(() => {
  vi.restoreAllMocks();
});

describe("distill's evaluation", () => {
  it('runs BM25 once per retrieval task for both the BM25 and the hybrid rows, with unchanged scores', async () => {
    const dir = tempDir('gecko-distill-eval-');
    const modelDir = join(dir, 'model');
    await saveTestModel(modelDir);
    const config: DistillConfig = {
      ...structuredClone(DEFAULT_DISTILL),
      corpus: ['c'],
      eval: { ...DEFAULT_DISTILL.eval, dims: [48] },
    };
    const calls = vi.spyOn(Bm25Retriever.prototype, 'retrieve');
    const r = await evaluateStudent(config, modelDir, [TASK], join(dir, 'eval'), silentReporter);
    expect(calls).toHaveBeenCalledTimes(1);
    calls.mockRestore();

    // The same scores as BM25 and the hybrid each running their own BM25.
    const task = loadLocalTask(TASK);
    const model = await loadStaticModel(modelDir);
    const score = async (lexical: Bm25Retriever | HybridRetriever) =>
      Number((taskScore((await evaluateTask(task, { lexical }))[0]!) * 100).toFixed(2));
    const row = (m: string) => r.rows.find((x) => x.task === 'ExampleSearch' && x.model === m)?.score;
    expect(row('bm25')).toBe(await score(new Bm25Retriever()));
    expect(row('hybrid')).toBe(await score(new HybridRetriever(model)));
    expect(row('bm25')).toBeGreaterThan(0);
  }, 120_000);
});
