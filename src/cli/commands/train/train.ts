import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { UsageError } from '../../../errors/UsageError.js';
import { loadStaticModel } from '../../../model/formats/loadStaticModel.js';
import { cooccurrenceTable } from '../../../model/init/cooccurrence.js';
import { StaticModel } from '../../../model/StaticModel.js';
import type { Tokenizer } from '../../../model/tokenizer/Tokenizer.js';
import { readTokenizerFile, tokenizerFromVocabFile } from '../../../model/tokenizer/tokenizerFiles.js';
import { unformat } from '../../../model/unifiedFormat.js';
import { buildDataset } from '../../../train/data/Dataset.js';
import { readSource } from '../../../train/data/readers.js';
import {
  type PairFormat,
  SELF_SUPERVISED_MODES,
  type SelfSupervisedMode,
} from '../../../train/data/types.js';
import { devEvaluatorFromSpec } from '../../../train/devEvaluators.js';
import type { DecaySchedule } from '../../../train/optim/schedule.js';
import { MAX_BATCH_SIZE, resolveTrainOptions } from '../../../train/options.js';
import { trainStaticModel } from '../../../train/trainStaticModel.js';
import { contextFrom, parsePositiveInt, parsePositiveIntList } from '../../context.js';
import { parseNumber } from '../fret/resources.js';
import { parseDataSpec, parseNumberList, parsePositiveNumber } from './dataSpec.js';
import { trainProgress } from './progress.js';

interface TrainArgs {
  data: string[];
  out: string;
  model?: string;
  tokenizer?: string;
  vocab?: string;
  dim: string;
  steps?: string;
  epochs: string;
  batchSize: string;
  lr: string;
  warmupRatio: string;
  decay: DecaySchedule;
  weightDecay: string;
  clip: string;
  temperature: string;
  sameTower: boolean;
  hardNegatives: boolean;
  preFinetune: boolean;
  matryoshka?: string;
  matryoshkaWeights?: string;
  taskSampling: 'proportional' | 'uniform';
  seed: string;
  dev?: string;
  evalEvery: string;
  checkpointEvery: string;
  restart: boolean;
  maxLength?: string;
  tokenWeights: boolean;
  init: 'random' | 'cooccurrence';
  stsThreshold: string;
  selfSupervised: string;
  pairFormat: PairFormat;
  limit?: string;
  stopAfter?: string;
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description("train a static embedding model with Gecko's loss (Eq. 3) and Matryoshka dimensions")
    .requiredOption(
      '-d, --data <spec...>',
      'training data, [KIND:]PATH[@WEIGHT]; KIND: fret, triplets, scored-pairs, classification, corpus (detected when omitted)',
    )
    .requiredOption('-o, --out <dir>', 'output folder: model/, best/, checkpoint, curves.csv, curves.svg')
    .option('--model <dir|repo>', 'start from this model (folder or Hugging Face repo id)')
    .option('--tokenizer <file>', 'tokenizer.json for a new model')
    .option('--vocab <file>', 'BERT vocab.txt for a new model (instead of --tokenizer)')
    .option('--dim <n>', 'dimension of a new model', '256')
    .option('--steps <n>', 'optimisation steps (overrides --epochs)')
    .option('--epochs <n>', 'passes over the mixture', '1')
    .option('-b, --batch-size <n>', `examples per batch (max ${MAX_BATCH_SIZE})`, '256')
    .option('--lr <x>', 'peak learning rate', '0.05')
    .option('--warmup-ratio <x>', 'warm-up fraction of the steps', '0.05')
    .addOption(
      new Option('--decay <kind>', 'learning-rate decay')
        .choices(['constant', 'linear', 'cosine'])
        .default('linear'),
    )
    .option('--weight-decay <x>', 'AdamW decoupled weight decay (0 = Adam)', '0')
    .option('--clip <x>', 'gradient-norm clip (0 = off)', '1')
    .option('--temperature <x>', 'softmax temperature', '0.05')
    .option('--no-same-tower', 'leave out same-tower negatives')
    .option('--no-hard-negatives', 'leave out hard negatives')
    .option('--pre-finetune', 'in-batch negatives only (Gecko pre-finetuning loss)', false)
    .option('--matryoshka <dims>', 'Matryoshka dimensions, e.g. 256,128,64,32')
    .option('--matryoshka-weights <w>', 'one weight per Matryoshka dimension')
    .addOption(
      new Option('--task-sampling <mode>', 'mixture sampling')
        .choices(['proportional', 'uniform'])
        .default('proportional'),
    )
    .option('--seed <n>', 'seed for initialisation and data order', '42')
    .option('--dev <spec>', 'dev evaluation for best-checkpoint keeping: sts:PATH')
    .option('--eval-every <n>', 'steps between dev evaluations', '500')
    .option('--checkpoint-every <n>', 'steps between checkpoints', '1000')
    .option('--restart', 'ignore an existing checkpoint in --out', false)
    .option('--max-length <n>', 'maximum tokens per text (longer texts are cut and counted)')
    .option('--token-weights', 'learn per-token weights (plain JS backend)', false)
    .addOption(
      new Option(
        '--init <kind>',
        'table of a new model: random, or cooccurrence (PPMI + truncated SVD of the training texts)',
      )
        .choices(['random', 'cooccurrence'])
        .default('random'),
    )
    .option('--sts-threshold <x>', 'scored pairs: keep pairs scoring at least this', '4')
    .addOption(
      new Option(
        '--self-supervised <modes>',
        `corpus pairs, comma-separated: ${SELF_SUPERVISED_MODES.join(', ')} (cloze: one sentence -> the rest)`,
      ).default('title-body'),
    )
    .addOption(
      new Option('--pair-format <mode>', 'how {anchor, positive} texts are formatted')
        .choices(['raw', 'query-document', 'symmetric'])
        .default('raw'),
    )
    .option('--limit <n>', 'at most this many examples per source (seeded sample)')
    .addOption(
      new Option('--stop-after <n>', 'stop after n steps in this process (testing resume)').hideHelp(),
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ gecko train --vocab vocab.txt --data corpus:scifact/corpus.jsonl pairs.jsonl --pre-finetune --epochs 3 --out pre\n' +
        '  $ gecko train --model pre/model --data scored-pairs:sts-train.jsonl classification:banking77.jsonl \\\n' +
        '      --matryoshka 256,128,64,32 --dev sts:sts-dev.jsonl --epochs 5 --out ft\n' +
        '  $ gecko train --data fret.jsonl --tokenizer tokenizer.json --steps 20000 -b 1024 --out run  # resumes if killed',
    )
    .action(async (a: TrainArgs, cmd: Command) => {
      const ctx = contextFrom(cmd);
      // Every number is checked before any data is read, so a bad value fails at once and names its flag
      // (a typo must not wait for a big file).
      const seed = parsePositiveInt('--seed', a.seed);
      const stsThreshold = parseNumber('--sts-threshold', a.stsThreshold);
      const warmupRatio = parseNumber('--warmup-ratio', a.warmupRatio, 0);
      if (warmupRatio >= 1) throw new UsageError(`--warmup-ratio must be below 1, got "${a.warmupRatio}"`);
      const weightDecay = parseNumber('--weight-decay', a.weightDecay, 0);
      const clipNorm = parseNumber('--clip', a.clip, 0);
      const maxLength = a.maxLength ? parsePositiveInt('--max-length', a.maxLength) : undefined;
      const selfSupervised = parseModes(a.selfSupervised);
      const dim = a.model ? undefined : parsePositiveInt('--dim', a.dim);
      if (!a.model && !a.tokenizer && !a.vocab)
        throw new UsageError(
          'give --model to continue training a model, or --tokenizer / --vocab to start a new one',
        );
      if (!a.model && a.tokenizer && !existsSync(a.tokenizer))
        throw new UsageError(`--tokenizer ${a.tokenizer} does not exist`);
      const limit = a.limit ? parsePositiveInt('--limit', a.limit) : undefined;
      const dims = a.matryoshka ? parsePositiveIntList('--matryoshka', a.matryoshka) : undefined;
      const big = dim === undefined ? undefined : dims?.find((d) => d > dim);
      if (big !== undefined)
        throw new UsageError(`--matryoshka ${big} is larger than the model dimension --dim ${dim}`);
      const options = {
        outDir: a.out,
        ...(a.steps ? { steps: parsePositiveInt('--steps', a.steps) } : {}),
        epochs: parsePositiveNumber('--epochs', a.epochs),
        batchSize: parsePositiveInt('--batch-size', a.batchSize),
        lr: parsePositiveNumber('--lr', a.lr),
        warmupRatio,
        decay: a.decay,
        weightDecay,
        clipNorm,
        temperature: parsePositiveNumber('--temperature', a.temperature),
        sameTower: a.sameTower && !a.preFinetune,
        hardNegatives: a.hardNegatives && !a.preFinetune,
        ...(dims ? { matryoshkaDims: dims } : {}),
        ...(a.matryoshkaWeights
          ? { matryoshkaWeights: parseNumberList('--matryoshka-weights', a.matryoshkaWeights) }
          : {}),
        taskSampling: a.taskSampling,
        seed,
        evalEvery: parsePositiveInt('--eval-every', a.evalEvery),
        checkpointEvery: parsePositiveInt('--checkpoint-every', a.checkpointEvery),
        resume: !a.restart,
        ...(a.stopAfter ? { stopAfter: parsePositiveInt('--stop-after', a.stopAfter) } : {}),
      };
      // The trainer's own range checks (batch size, warm-up ratio), also before the data.
      resolveTrainOptions(options);
      const sources = a.data.map((s) => {
        const spec = parseDataSpec(s);
        return readSource(
          {
            ...spec,
            threshold: stsThreshold,
            selfSupervised,
            format: a.pairFormat,
            ...(limit ? { limit } : {}),
          },
          seed,
        );
      });
      const ds = buildDataset(sources);
      const model = await initialModel(a, seed, dim, maxLength, ctx.reporter, ds.texts);
      for (const s of ds.sources)
        ctx.reporter.info(`data: ${s.name} (${s.kind}, weight ${s.weight}): ${s.count} examples`);
      ctx.reporter.info(
        `data: ${ds.anchor.length} examples, ${ds.texts.length} distinct texts, tasks: ${ds.taskNames.join(', ')}`,
      );
      const progress = trainProgress(ctx.verbosity === 'quiet');
      const abort = new AbortController();
      const onSignal = (): void => abort.abort();
      process.once('SIGINT', onSignal);
      try {
        const result = await trainStaticModel(model, ds, {
          ...options,
          ...(a.dev ? { evaluate: devEvaluatorFromSpec(a.dev) } : {}),
          reporter: ctx.reporter,
          onStep: progress.onStep,
          signal: abort.signal,
        });
        progress.stop();
        ctx.print({ ...result, history: undefined, out: a.out }, () =>
          result.stopped
            ? `stopped at step ${result.steps}; checkpoint in ${a.out} (run the same command to resume)`
            : result.alreadyFinished
              ? `already finished: ${result.steps} of ${result.steps} steps, final loss ${result.finalLoss.toFixed(4)}` +
                (result.bestScore !== null
                  ? `, best dev ${result.bestScore.toFixed(4)} at step ${result.bestStep}`
                  : '') +
                `; nothing left to train (checkpoint in ${a.out}; --restart trains again)\nmodel: ${join(a.out, 'model')}`
              : `trained ${result.steps} steps in ${result.seconds.toFixed(1)}s, final loss ${result.finalLoss.toFixed(4)}` +
                (result.bestScore !== null
                  ? `, best dev ${result.bestScore.toFixed(4)} at step ${result.bestStep}`
                  : '') +
                `\nmodel: ${join(a.out, 'model')}${result.bestScore !== null ? `, best: ${join(a.out, 'best')}` : ''}; curves: ${join(a.out, 'curves.csv')}, ${join(a.out, 'curves.svg')}`,
        );
      } finally {
        progress.stop();
        process.off('SIGINT', onSignal);
      }
    });
}

async function initialModel(
  a: TrainArgs,
  seed: number,
  dim: number | undefined,
  maxLength: number | undefined,
  reporter: import('../../../util/Reporter.js').Reporter,
  texts: readonly string[],
): Promise<StaticModel> {
  const config = maxLength ? { maxLength } : {};
  if (a.model) {
    const m = await loadStaticModel(a.model, { reporter, ...config });
    if (a.tokenWeights && !m.weights) {
      return new StaticModel({
        tokenizer: m.tokenizer,
        table: m.table,
        dim: m.dimensions,
        weights: new Float32Array(m.tokenizer.vocabSize).fill(1),
        config: m.config,
        reporter,
      });
    }
    return m;
  }
  let tokenizer: Tokenizer;
  if (a.tokenizer) {
    if (!existsSync(a.tokenizer)) throw new UsageError(`--tokenizer ${a.tokenizer} does not exist`);
    tokenizer = readTokenizerFile(a.tokenizer);
  } else if (a.vocab) {
    tokenizer = tokenizerFromVocabFile(a.vocab);
  } else {
    throw new UsageError(
      'give --model to continue training a model, or --tokenizer / --vocab to start a new one',
    );
  }
  if (dim === undefined) throw new UsageError('--dim is needed for a new model');
  const model = StaticModel.create(tokenizer, dim, { seed, tokenWeights: a.tokenWeights, config });
  if (a.init === 'random') return model;
  const init = cooccurrenceTable(tokenizer, texts.map(unformat), dim, { seed, reporter });
  reporter.info(
    `init: co-occurrence table from ${init.tokens} tokens (${init.coveredTokens} of ${tokenizer.vocabSize} vocabulary tokens seen)`,
  );
  return new StaticModel({ tokenizer, table: init.table, dim, weights: model.weights, config, reporter });
}

function parseModes(value: string): SelfSupervisedMode[] {
  const modes = value.split(',').map((m) => m.trim());
  for (const m of modes) {
    if (!(SELF_SUPERVISED_MODES as readonly string[]).includes(m)) {
      throw new UsageError(
        `--self-supervised: unknown mode "${m}"; expected a comma-separated list of ${SELF_SUPERVISED_MODES.join(', ')}`,
      );
    }
  }
  return modes as SelfSupervisedMode[];
}
