import { InputError } from '../errors/InputError.js';
import { UsageError } from '../errors/UsageError.js';
import { openEvalModel } from '../eval/openModel.js';
import type { Embedder } from '../model/Embedder.js';
import { countTokens } from '../model/init/sifWeights.js';
import { distillVocabulary, type VocabDistillSummary } from '../model/init/vocabDistill.js';
import type { StaticModel } from '../model/StaticModel.js';
import type { Tokenizer } from '../model/tokenizer/Tokenizer.js';
import type { Reporter } from '../util/Reporter.js';
import type { Workspace } from '../workspace/Workspace.js';
import type { DistillConfig } from './config.js';
import { newStudent, studentModelConfig } from './student.js';

/**
 * The teacher embedder a distillation initialises its student from, or null for a random start:
 * `student.teacherEmbedder` when given, else (with `init: auto` or `teacher`) the teacher LLM itself when
 * it is a llama: GGUF, whose embedding context node-llama-cpp provides.
 * @throws InputError when `student.init` is `teacher` but no teacher embedder is available.
 * @example teacherEmbedderSpec(config); // 'llama:./qwen.gguf'
 */
export function teacherEmbedderSpec(config: DistillConfig): string | null {
  const s = config.student;
  if (s.init === 'random') return null;
  if (s.teacherEmbedder) return s.teacherEmbedder;
  if (config.llm.startsWith('llama:')) return config.llm;
  if (s.init === 'teacher')
    throw new InputError(
      { file: 'config', field: 'student.teacherEmbedder' },
      `student.init "teacher" needs a teacher embedder: give --teacher-embedder SPEC (openai:URL#model, llama:FILE.gguf, transformers:DIR), or a llama: --llm (${config.llm} has no embeddings endpoint gecko can assume)`,
    );
  return null;
}

/**
 * Opens a teacher embedder spec with the evaluator's spec parser (`openai:URL#model`, `llama:FILE.gguf`,
 * `transformers:DIR`, a static model folder); `close()` frees a local model.
 * @throws UsageError for `bm25`, which ranks documents but has no vectors; the parser's errors otherwise.
 * @example const { embedder, close } = await openTeacherEmbedder('openai:http://127.0.0.1:8080#bge', reporter);
 */
export async function openTeacherEmbedder(
  spec: string,
  reporter: Reporter,
): Promise<{ embedder: Embedder; close(): void | Promise<void> }> {
  const m = await openEvalModel(spec, { reporter });
  if (!('embedder' in m)) {
    await m.close();
    throw new UsageError(`teacher embedder "${spec}" gives no vectors; use openai:, llama: or transformers:`);
  }
  return { embedder: m.embedder, close: () => m.close() };
}

/** How a student was initialised, for the stage summary and report. */
export type StudentInit = { method: 'random' } | ({ method: 'teacher' } & VocabDistillSummary);

/**
 * The student a distillation starts from: the teacher's vocabulary distilled (PCA to `student.dim`, SIF
 * weights from the corpus's token counts) when a teacher embedder is available, else a seeded random table.
 * Teacher vectors are cached in `workspace`, so a rerun or a resumed run embeds nothing twice.
 * @example const { model, init } = await initialStudent(tokenizer, config, { workspace, corpusTexts, reporter });
 */
export async function initialStudent(
  tokenizer: Tokenizer,
  config: DistillConfig,
  options: {
    workspace: Workspace;
    /** Texts whose token counts give the SIF probabilities (else Zipf over the vocabulary order). */
    corpusTexts?: AsyncIterable<string>;
    reporter: Reporter;
    signal?: AbortSignal;
  },
): Promise<{ model: StaticModel; init: StudentInit }> {
  const spec = teacherEmbedderSpec(config);
  if (spec === null) return { model: newStudent(tokenizer, config), init: { method: 'random' } };
  options.reporter.info(`initialising the student from the teacher embedder ${spec}`);
  const teacher = await openTeacherEmbedder(spec, options.reporter);
  try {
    const counts = options.corpusTexts ? await countTokens(tokenizer, options.corpusTexts) : null;
    const { model, summary } = await distillVocabulary(tokenizer, teacher.embedder, {
      dim: config.student.dim,
      sifCoefficient: config.student.sif,
      tokenCounts: counts,
      seed: config.seed,
      workspace: options.workspace,
      reporter: options.reporter,
      config: studentModelConfig(config),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { model, init: { method: 'teacher', ...summary } };
  } finally {
    await teacher.close();
  }
}
