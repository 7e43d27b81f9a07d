import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openTeacherEmbedder } from '../../../distill/teacherInit.js';
import { UsageError } from '../../../errors/UsageError.js';
import { saveStaticModel } from '../../../model/formats/saveStaticModel.js';
import { countTokens, DEFAULT_SIF_COEFFICIENT } from '../../../model/init/sifWeights.js';
import { distillVocabulary } from '../../../model/init/vocabDistill.js';
import type { Tokenizer } from '../../../model/tokenizer/Tokenizer.js';
import { readTokenizerFile, tokenizerFromVocabFile } from '../../../model/tokenizer/tokenizerFiles.js';
import { openWorkspace } from '../../../workspace/Workspace.js';
import { contextFrom, parseNonNegativeInt, parsePositiveInt } from '../../context.js';
import { addHelpEpilogue, type HelpEpilogue } from '../../helpText.js';
import { parseNumber } from '../fret/resources.js';
import { readTrainingTexts } from '../tokenizer/texts.js';

/** What `gecko init teacher --help` prints after the options. */
const TEACHER_HELP: HelpEpilogue = {
  notes: [
    'Teacher vectors are cached in the workspace (-w): a rerun embeds nothing, and an interrupted run',
    'resumes where it stopped. Fine-tune the result with gecko train --model <out>.',
  ],
};

interface InitTeacherArgs {
  teacherEmbedder: string;
  tokenizer?: string;
  vocab?: string;
  out: string;
  dim: string;
  corpus?: string[];
  field?: string;
  sif: string | false;
  batchSize: string;
  maxLength?: string;
  seed: string;
}

export function registerInitTeacherCommand(init: Command): void {
  const cmd = init
    .command('teacher')
    .description(
      "distil a teacher embedder's vocabulary into a static model (model2vec): embed every token, PCA to --dim, SIF-weight",
    )
    .requiredOption(
      '--teacher-embedder <spec>',
      'openai:URL#model (/v1/embeddings) | llama:FILE.gguf (node-llama-cpp) | transformers:DIR',
    )
    .option('--tokenizer <file>', "the student's tokenizer.json")
    .option('--vocab <file>', "the student's BERT vocab.txt (instead of --tokenizer)")
    .requiredOption('-o, --out <dir>', 'model folder to write')
    .option('--dim <n>', 'student dimension (PCA components)', '256')
    .option(
      '--corpus <files...>',
      'JSONL or text files whose token counts give the SIF weights (default: Zipf over the vocabulary order)',
    )
    .option('--field <name>', 'read only this JSONL field of --corpus')
    .option('--sif <a>', 'SIF coefficient a in a / (a + p)', String(DEFAULT_SIF_COEFFICIENT))
    .option('--no-sif', 'no frequency weighting')
    .option('--batch-size <n>', 'tokens per teacher call and per cached batch', '256')
    .option('--max-length <n>', 'tokens kept per text by the model (stored in its config)')
    .option('--seed <n>', 'seed of the noise columns when the teacher is narrower than --dim', '42');
  addHelpEpilogue(cmd, TEACHER_HELP).action(runInitTeacher);
}

/** The student's vocabulary: `--tokenizer tokenizer.json` or `--vocab vocab.txt`, exactly one of them. */
function studentTokenizer(a: Pick<InitTeacherArgs, 'tokenizer' | 'vocab'>): Tokenizer {
  if (a.tokenizer && a.vocab) throw new UsageError('give --tokenizer or --vocab, not both');
  if (a.tokenizer) {
    if (!existsSync(a.tokenizer)) throw new UsageError(`--tokenizer ${a.tokenizer} does not exist`);
    return readTokenizerFile(a.tokenizer);
  }
  if (a.vocab) {
    if (!existsSync(a.vocab)) throw new UsageError(`--vocab ${a.vocab} does not exist`);
    return tokenizerFromVocabFile(a.vocab);
  }
  throw new UsageError('give the student vocabulary: --tokenizer tokenizer.json or --vocab vocab.txt');
}

async function runInitTeacher(a: InitTeacherArgs, cmd: Command): Promise<void> {
  const ctx = contextFrom(cmd);
  const dim = parsePositiveInt('--dim', a.dim);
  const sif = a.sif === false ? null : parseNumber('--sif', a.sif, 0);
  if (sif !== null && !(sif > 0 && sif < 1)) throw new UsageError(`--sif must be in (0, 1), got "${a.sif}"`);
  const tokenizer = studentTokenizer(a);
  const counts = a.corpus
    ? await countTokens(
        tokenizer,
        (function* () {
          for (const f of a.corpus ?? []) yield* readTrainingTexts(f, a.field);
        })(),
      )
    : null;
  const teacher = await openTeacherEmbedder(a.teacherEmbedder, ctx.reporter);
  const ws = openWorkspace(ctx.work);
  try {
    const { model, summary } = await distillVocabulary(tokenizer, teacher.embedder, {
      dim,
      sifCoefficient: sif,
      tokenCounts: counts,
      seed: parseNonNegativeInt('--seed', a.seed),
      batchSize: parsePositiveInt('--batch-size', a.batchSize),
      workspace: ws,
      reporter: ctx.reporter,
      config: a.maxLength ? { maxLength: parsePositiveInt('--max-length', a.maxLength) } : {},
    });
    await saveStaticModel(model, a.out);
    ctx.print(
      { out: a.out, ...summary },
      () =>
        `wrote ${a.out}: ${summary.tokens} tokens x ${dim} dims from ${summary.teacher} (${summary.embedded} embedded, ${summary.cacheHits} cached; PCA keeps ${(summary.explainedVariance * 100).toFixed(1)}% of the variance; weighting ${summary.weighting})`,
    );
  } finally {
    ws.close();
    await teacher.close();
  }
}
