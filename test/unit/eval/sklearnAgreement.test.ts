import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HashedBowEmbedder } from '../../../src/eval/embedders/HashedBowEmbedder.js';
import { createTaskEncoders, type Matrix } from '../../../src/eval/encoder.js';
import { loadLocalTask } from '../../../src/eval/tasks/loadLocalTask.js';
import { evaluateClassification } from '../../../src/eval/taskTypes/classification.js';
import { evaluateClustering } from '../../../src/eval/taskTypes/clustering.js';
import type { SplitDataOf } from '../../../src/eval/taskTypes/registry.js';
import { ROOT, SHARED_DATA } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * Agreement with scikit-learn on the same embeddings (Debian's python3-sklearn, run with /usr/bin/python3).
 * Skipped when scikit-learn is not installed: `apt-get install -y python3-sklearn python3-numpy`.
 */
const PYTHON = '/usr/bin/python3';
const hasSklearn = spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
const SCRIPT = join(ROOT, 'test/helpers/sklearn/reference.py');

function writeMatrix(dir: string, name: string, m: Matrix): string {
  const p = join(dir, `${name}.f32`);
  writeFileSync(p, Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
  return p;
}

// biome-ignore lint/suspicious/noExplicitAny: the reference script's JSON output
function runReference(dir: string, job: object): any {
  const p = join(dir, 'job.json');
  writeFileSync(p, JSON.stringify(job));
  return JSON.parse(execFileSync(PYTHON, [SCRIPT, p], { maxBuffer: 64 << 20 }).toString());
}

describe.skipIf(!hasSklearn)('agreement with scikit-learn (python3-sklearn)', () => {
  const task = loadLocalTask(join(SHARED_DATA, 'mteb/Banking77Classification'));
  const [encoder] = createTaskEncoders(new HashedBowEmbedder({ dimensions: 256 }), [null], { prompts: {} });

  it('Banking77 classification: 10 experiments of 8 samples per label, accuracy within 0.2 points', async () => {
    const train = (await task.load('train')) as SplitDataOf<'Classification'>;
    const test = (await task.load('test')) as SplitDataOf<'Classification'>;
    const dir = tempDir();
    const xTrain = await encoder!.encode(train.text, 'query');
    const xTest = await encoder!.encode(test.text, 'query');
    const ref = runReference(dir, {
      kind: 'classification',
      dims: 256,
      x_train: writeMatrix(dir, 'train', xTrain),
      y_train: train.label,
      x_test: writeMatrix(dir, 'test', xTest),
      y_test: test.label,
      n_experiments: 10,
      samples_per_label: 8,
    });
    const version: string = ref.sklearn;
    const gen = version.startsWith('1.2') || version.startsWith('1.3') ? '1.2' : '1.4+';
    const ours = await evaluateClassification(train, test, task.metadata, encoder!, { sklearn: gen });
    console.log(`sklearn ${version}: accuracy ${ref.accuracy}; gecko (${gen}) ${ours.scores.accuracy}`);
    expect(Math.abs((ours.scores.accuracy as number) - ref.accuracy)).toBeLessThanOrEqual(0.002);
    for (const [i, m] of ours.perExperiment.entries())
      expect(Math.abs((m.accuracy as number) - ref.accuracies[i])).toBeLessThanOrEqual(0.002);
  }, 120_000);

  it('clustering: MiniBatchKMeans v-measure on Banking77 cluster sets, within 0.2 points', async () => {
    const test = (await task.load('test')) as SplitDataOf<'Classification'>;
    // Four cluster sets of 10 intents each (all their test texts), like mteb's legacy clustering rows.
    const sets: SplitDataOf<'Clustering'>['sets'] = [];
    for (let s = 0; s < 4; s++) {
      const labels = new Set(Array.from({ length: 10 }, (_, i) => s * 10 + i));
      const idx = test.label.flatMap((l, i) => (labels.has(l) ? [i] : []));
      sets.push({
        sentences: idx.map((i) => test.text[i] as string),
        labels: idx.map((i) => String(test.label[i])),
      });
    }
    const dir = tempDir();
    const jobSets = [];
    for (const [i, s] of sets.entries())
      jobSets.push({
        x: writeMatrix(dir, `set${i}`, await encoder!.encode(s.sentences, 'query')),
        labels: s.labels,
      });
    const ref = runReference(dir, { kind: 'clustering', dims: 256, batch_size: 500, sets: jobSets });
    const version: string = ref.sklearn;
    const gen = version.startsWith('1.2') ? '1.2' : '1.4+';
    const ours = await evaluateClustering(
      { type: 'Clustering', sets },
      { ...task.metadata, type: 'Clustering', main_score: 'v_measure', clustering_protocol: 'legacy' },
      encoder!,
      { sklearn: gen },
    );
    const refMean =
      ref.sets.reduce((a: number, s: { v_measure: number }) => a + s.v_measure, 0) / ref.sets.length;
    console.log(`sklearn ${version}: v_measure ${refMean}; gecko (${gen}) ${ours.v_measure}`);
    expect(Math.abs((ours.v_measure as number) - refMean)).toBeLessThanOrEqual(0.002);
  }, 120_000);
});
