import { join } from 'node:path';
import type { JsonlLine } from '../../util/jsonl.js';
import { EvaluationError } from '../EvaluationError.js';
import type { Encoder } from '../encoder.js';
import type { SklearnGeneration } from '../ml/logisticRegression.js';
import { findJsonl, readJsonl } from '../tasks/readFiles.js';
import type { TaskMetadata } from '../tasks/schema.js';
import type { LexicalRetriever } from './retrieval.js';

/** The scores of one split: numbers by metric name, plus extras such as `scores_per_experiment`. */
export type SplitScores = Record<string, unknown> & Record<string, number>;

/** The settings of an evaluation that some task types read. */
export interface ScoringOptions {
  /** @default '1.4+' */
  sklearn?: SklearnGeneration;
  /** Summarization protocol override (v1 = MTEB(eng, v1)'s buggy SummEval score). @default metadata or 'v2' */
  summarization?: 'v1' | 'v2';
  /** @default 42 */
  seed?: number;
}

/** Where one split of a task folder lies, for a task type's loader. */
export interface SplitFiles {
  /** The task folder (`task.json` plus the split files, `shared/data/README.md`). */
  readonly folder: string;
  readonly split: string;
  readonly meta: TaskMetadata;
  /**
   * String label → integer code, one table per task, so that the train and test splits of a task code
   * their labels alike.
   */
  readonly labelCodes: Map<string, number>;
}

/** What a task type's `evaluate` gets besides the split's data. */
export interface TypeEvaluation<D> extends ScoringOptions {
  readonly meta: TaskMetadata;
  /** The embeddings at one Matryoshka size, or a lexical retriever (only for types with `lexical`). */
  readonly model: { encoder: Encoder } | { lexical: LexicalRetriever };
  /** The split named by `trainSplit` (Classification's train split); null for types without one. */
  readonly train: D | null;
}

/**
 * One MTEB task type, whole: how its split files are read and how a split is scored. Each type is one
 * module in `src/eval/taskTypes/` and one line of the list in `registry.ts`; `loadLocalTask` and
 * `evaluateTask` dispatch through that list.
 */
export interface TaskTypeModule<T extends string, D extends { type: string }> {
  readonly type: T;
  /** Gecko's evaluation-time `{task}` string for the type (paper Table 9), unless a task sets `prompt`. */
  readonly geckoPrompt: string;
  /** True when a lexical retriever (BM25, hybrid) can be scored on the type. @default false */
  readonly lexical?: boolean;
  /** The split to fit on besides the evaluated ones (Classification), loaded once per task. */
  trainSplit?(meta: TaskMetadata): string;
  /**
   * Reads one split from a task folder.
   * @throws EvaluationError (NO_SPLIT) for a missing file; InputError `file:line` for a malformed record.
   */
  load(files: SplitFiles): Promise<D>;
  /** Scores one split with mteb's protocol for the type. */
  evaluate(data: D, run: TypeEvaluation<D>): Promise<SplitScores>;
}

/**
 * The JSONL file `<base>.jsonl[.gz]` of a task folder.
 * @throws EvaluationError (NO_SPLIT) when there is none.
 */
export function requireJsonl(files: SplitFiles, base: string): string {
  const p = findJsonl(join(files.folder, base));
  if (!p)
    throw new EvaluationError(files.meta.name, `missing ${base}.jsonl (or .jsonl.gz) in ${files.folder}`, {
      code: 'NO_SPLIT',
    });
  return p;
}

/**
 * The records of the split's own file `<split>.jsonl[.gz]`, with its path for the loaders' `file:line` errors.
 * @throws EvaluationError (NO_SPLIT) when there is none; InputError `file:line` for a line that is not JSON.
 */
export async function readSplitRows(files: SplitFiles): Promise<{ f: string; rows: JsonlLine[] }> {
  const f = requireJsonl(files, files.split);
  return { f, rows: await readJsonl(f) };
}

/** The error for a lexical retriever asked to score a task type it cannot. */
export function lexicalUnsupported(meta: TaskMetadata, retriever: LexicalRetriever): EvaluationError {
  return new EvaluationError(
    meta.name,
    `${retriever.id} is a lexical retriever and only evaluates Retrieval tasks, not ${meta.type}`,
    { code: 'UNSUPPORTED' },
  );
}

/**
 * The encoder of an embedding-only task type's evaluation.
 * @throws EvaluationError (UNSUPPORTED) when a lexical retriever is being evaluated.
 */
export function encoderOf(run: TypeEvaluation<unknown>): Encoder {
  if ('lexical' in run.model) throw lexicalUnsupported(run.meta, run.model.lexical);
  return run.model.encoder;
}
