import type { JsonlLine } from '../../util/jsonl.js';
import type { Encoder } from '../encoder.js';
import { adjustedMutualInfo } from '../metrics/adjustedMutualInfo.js';
import { PythonRandom } from '../metrics/pythonRandom.js';
import { vMeasure } from '../metrics/vMeasure.js';
import { gatherRows } from '../ml/gatherRows.js';
import type { SklearnGeneration } from '../ml/logisticRegression.js';
import { miniBatchKMeans } from '../ml/miniBatchKMeans.js';
import { arr, str } from '../tasks/readFiles.js';
import type { TaskMetadata } from '../tasks/schema.js';
import { encoderOf, readSplitRows, type TaskTypeModule } from './taskType.js';

/** One Clustering split. */
export interface ClusteringData {
  type: 'Clustering';
  /** Legacy protocol: one entry per cluster set. v2: a single entry with every document. */
  sets: { sentences: string[]; labels: (string | string[])[] }[];
}

/**
 * Clustering: `<split>.jsonl` rows of `sentences` and `labels` arrays (legacy: one row per cluster set), or
 * flat rows of `sentences`/`text` and `labels`/`label` (v2: one set).
 */
export const clusteringType: TaskTypeModule<'Clustering', ClusteringData> = {
  type: 'Clustering',
  geckoPrompt: 'search result',
  async load(files) {
    const { f, rows } = await readSplitRows(files);
    if (rows.length > 0 && Array.isArray((rows[0] as JsonlLine).value.sentences)) {
      return {
        type: 'Clustering',
        sets: rows.map((r) => ({
          sentences: arr(r, f, 'sentences').map(String),
          labels: arr(r, f, 'labels').map(String),
        })),
      };
    }
    return {
      type: 'Clustering',
      sets: [
        {
          sentences: rows.map((r) => str(r, f, 'sentences', 'text')),
          labels: rows.map((r) =>
            Array.isArray(r.value.labels) ? r.value.labels.map(String) : str(r, f, 'labels', 'label'),
          ),
        },
      ],
    };
  },
  evaluate: (data, run) =>
    evaluateClustering(data, run.meta, encoderOf(run), { sklearn: run.sklearn, seed: run.seed }),
};

/** Options of {@link evaluateClustering}. */
export interface ClusteringOptions {
  /** @default '1.4+' */
  sklearn?: SklearnGeneration;
  /** @default 42 */
  seed?: number;
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]): number => {
  const m = mean(v);
  return Math.sqrt(mean(v.map((x) => (x - m) ** 2)));
};

/**
 * Clustering, main score `v_measure`.
 * - `legacy` (MTEB(eng, v1) tasks, mteb `ClusteringEvaluator`): per cluster set, MiniBatchKMeans with
 *   k = number of labels, batch 500, seed 42; sets with one label score 1; mean over sets.
 * - `v2` (mteb `AbsTaskClustering`, §7.2 of the spec): `random.Random(42)` samples
 *   `int(fraction·N)` documents, then per label level 10 bootstraps of 16 384 indices drawn with replacement
 *   (`choices`), MiniBatchKMeans (batch 512) on each; mean over all.
 */
export async function evaluateClustering(
  data: ClusteringData,
  meta: TaskMetadata,
  encoder: Encoder,
  options: ClusteringOptions = {},
): Promise<Record<string, number>> {
  const protocol = meta.clustering_protocol ?? (data.sets.length > 1 ? 'legacy' : 'v2');
  const seed = options.seed ?? 42;
  const scores: number[] = [];
  if (protocol === 'legacy') {
    for (const set of data.sets) {
      const labels = set.labels.map((l) => (Array.isArray(l) ? l.join('/') : l));
      const k = new Set(labels).size;
      if (k <= 1) {
        scores.push(1);
        continue;
      }
      const emb = await encoder.encode(set.sentences, 'query');
      const km = miniBatchKMeans(emb.data, emb.dims, k, { batchSize: 500, seed, sklearn: options.sklearn });
      scores.push(vMeasure(labels, km.labels));
    }
    return { v_measure: mean(scores), v_measure_std: std(scores) };
  }
  const set = data.sets[0];
  if (!set) return { v_measure: Number.NaN };
  const rng = new PythonRandom(seed);
  const fraction =
    meta.max_fraction_of_documents_to_embed === undefined ? 0.04 : meta.max_fraction_of_documents_to_embed;
  let idx = set.sentences.map((_, i) => i);
  if (fraction !== null) {
    const m = Math.min(set.sentences.length, Math.floor(fraction * set.sentences.length));
    idx = rng.sample(set.sentences.length, m);
  }
  const emb = await encoder.encode(
    idx.map((i) => set.sentences[i] as string),
    'query',
  );
  const labels = idx.map((i) => {
    const l = set.labels[i] as string | string[];
    return Array.isArray(l) ? l : [l];
  });
  const depth = Math.max(...labels.map((l) => l.length));
  const amis: number[] = [];
  const d = emb.dims;
  for (let level = 0; level < depth; level++) {
    const kept = labels.flatMap((l, i) => (l.length > level ? [i] : []));
    const y = kept.map((i) => (labels[i] as string[])[level] as string);
    const k = new Set(y).size;
    for (let b = 0; b < 10; b++) {
      const ci = rng.choices(kept.length, 16_384);
      const X = gatherRows(
        emb.data,
        d,
        ci.map((c) => kept[c] as number),
      );
      const km = miniBatchKMeans(X, d, k, { batchSize: 512, seed, sklearn: options.sklearn });
      const truth = ci.map((c) => y[c] as string);
      scores.push(vMeasure(truth, km.labels));
      amis.push(adjustedMutualInfo(truth, km.labels));
    }
  }
  return { v_measure: mean(scores), v_measure_std: std(scores), ami: mean(amis), ami_std: std(amis) };
}
