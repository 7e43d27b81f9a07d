import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Corpus } from '../../corpus/Corpus.js';
import { UsageError } from '../../errors/UsageError.js';
import { loadStaticModel } from '../../model/formats/loadStaticModel.js';
import { StaticModel } from '../../model/StaticModel.js';
import { Tokenizer } from '../../model/tokenizer/Tokenizer.js';
import { readTokenizerFile } from '../../model/tokenizer/tokenizerFiles.js';
import { trainWordPiece } from '../../model/tokenizer/trainWordPiece.js';
import { formatDocument, formatQuery } from '../../model/unifiedFormat.js';
import { buildDataset } from '../../train/data/Dataset.js';
import type { TrainExample } from '../../train/data/types.js';
import { trainStaticModel } from '../../train/trainStaticModel.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import { FretStore } from '../store.js';

/** Options of {@link trainQuickStudent}. */
export interface QuickStudentOptions {
  /** The run whose (task, query, seed) triples are the training pairs. @default 'default' */
  run?: string;
  /** Folder for the trainer's checkpoints and the final model. */
  outDir: string;
  /** A `tokenizer.json` to use; unset: a WordPiece vocabulary is trained on the corpus. */
  tokenizerFile?: string;
  /** Vocabulary size of the trained tokenizer. @default 8000 */
  vocabSize?: number;
  /** @default 128 */
  dimensions?: number;
  /** @default 300 */
  steps?: number;
  /** @default 64 */
  batchSize?: number;
  /** Seeds the tokenizer sample, the initial table and the data order. @default 42 */
  seed?: number;
  reporter?: Reporter;
  signal?: AbortSignal;
}

/**
 * The paper's initial retriever (§3.2, footnote 1): a quick student trained on the run's (task ⊕ query,
 * p_seed) pairs with in-batch negatives only (no hard negatives, no same-tower term), here the project's
 * static model. Use it with `DenseRetriever.open(corpus, model)` for step 2.
 *
 * @throws UsageError when the run has fewer than two accepted queries.
 * @example const student = await trainQuickStudent(corpus, { outDir: 'work/fret-student' });
 */
export async function trainQuickStudent(corpus: Corpus, options: QuickStudentOptions): Promise<StaticModel> {
  const run = options.run ?? 'default';
  // A finished student is reused, so a resumed mining job retrieves with the very same model (same job id).
  const finished = join(options.outDir, 'model');
  if (existsSync(finished)) return loadStaticModel(finished, { reporter: options.reporter });
  const store = new FretStore(corpus.workspace);
  const rows = store.queries(run, 'ok').filter((q) => q.seed_id !== null);
  if (rows.length < 2) {
    throw new UsageError(
      `run "${run}" has ${rows.length} accepted queries with a seed; the quick student needs at least 2`,
    );
  }
  const seeds = new Map(corpus.getMany(rows.map((r) => r.seed_id as string)).map((p) => [p.id, p]));
  const examples: TrainExample[] = [];
  for (const r of rows) {
    const p = seeds.get(r.seed_id as string);
    if (!p) continue;
    examples.push({
      anchor: formatQuery(r.query as string, r.task as string),
      positive: formatDocument(p.text, p.title),
      negative: null,
      task: r.family,
    });
  }
  const tokenizer = options.tokenizerFile
    ? readTokenizerFile(options.tokenizerFile)
    : Tokenizer.fromJSON(
        trainWordPiece(corpusTexts(corpus, examples), {
          vocabSize: options.vocabSize ?? 8000,
          reporter: options.reporter,
        }),
      );
  const model = StaticModel.create(tokenizer, options.dimensions ?? 128, { seed: options.seed ?? 42 });
  const ds = buildDataset([{ name: `fret:${run}`, kind: 'fret', weight: 1, examples }]);
  await trainStaticModel(model, ds, {
    outDir: options.outDir,
    steps: options.steps ?? 300,
    batchSize: Math.min(options.batchSize ?? 64, examples.length),
    hardNegatives: false,
    sameTower: false,
    seed: options.seed ?? 42,
    reporter: options.reporter ?? silentReporter,
    signal: options.signal,
  });
  return model;
}

/** Texts for the tokenizer: every passage (up to 200k, enough for a vocabulary) and the training queries. */
function* corpusTexts(corpus: Corpus, examples: readonly TrainExample[]): Generator<string> {
  let n = 0;
  for (const row of corpus.workspace.db
    .prepare<[], { title: string | null; text: string }>(
      'SELECT title, text FROM passages WHERE dup_of IS NULL',
    )
    .iterate()) {
    yield row.title ? `${row.title} ${row.text}` : row.text;
    if (++n >= 200_000) break;
  }
  for (const e of examples) yield e.anchor;
}
