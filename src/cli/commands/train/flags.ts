import { type Command, Option } from 'commander';
import { TERM_FREQUENCY_MODES, type TermFrequency } from '../../../model/termFrequency.js';
import { type PairFormat, SELF_SUPERVISED_MODES } from '../../../train/data/types.js';
import type { DecaySchedule } from '../../../train/optim/schedule.js';
import { MAX_BATCH_SIZE } from '../../../train/options.js';

/** `gecko train`'s flags as commander gives them: strings, until `trainSettingsFromArgs` checks them. */
export interface TrainArgs {
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
  termFrequency?: TermFrequency;
  init: 'random' | 'cooccurrence';
  stsThreshold: string;
  selfSupervised: string;
  pairFormat: PairFormat;
  limit?: string;
  stopAfter?: string;
}

/** Declares every `gecko train` flag, in the order `--help` lists them. */
export function declareTrainFlags(cmd: Command): Command {
  declareInputFlags(cmd);
  declareOptimiserFlags(cmd);
  return declareRunFlags(cmd);
}

/** The data, the output folder and the model to start from. */
function declareInputFlags(cmd: Command): Command {
  return cmd
    .requiredOption(
      '-d, --data <spec...>',
      'training data, [KIND:]PATH[@WEIGHT]; KIND: fret, triplets, scored-pairs, classification, corpus (detected when omitted)',
    )
    .requiredOption('-o, --out <dir>', 'output folder: model/, best/, checkpoint, curves.csv, curves.svg')
    .option('--model <dir|repo>', 'start from this model (folder or Hugging Face repo id)')
    .option('--tokenizer <file>', 'tokenizer.json for a new model')
    .option('--vocab <file>', 'BERT vocab.txt for a new model (instead of --tokenizer)')
    .option('--dim <n>', 'dimension of a new model', '256');
}

/** The length of the run, the optimiser, the loss and the mixture sampling. */
function declareOptimiserFlags(cmd: Command): Command {
  return cmd
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
    .option('--seed <n>', 'seed for initialisation and data order', '42');
}

/** Dev evaluation, checkpoints, the new model's table, and how sources become examples. */
function declareRunFlags(cmd: Command): Command {
  return cmd
    .option('--dev <spec>', 'dev evaluation for best-checkpoint keeping: sts:PATH')
    .option('--eval-every <n>', 'steps between dev evaluations', '500')
    .option('--checkpoint-every <n>', 'steps between checkpoints', '1000')
    .option('--restart', 'ignore an existing checkpoint in --out', false)
    .option('--max-length <n>', 'maximum tokens per text (longer texts are cut and counted)')
    .option('--token-weights', 'learn per-token weights (plain JS backend)', false)
    .addOption(
      new Option(
        '--term-frequency <mode>',
        "pooling of repeated tokens: linear (mean of every occurrence, model2vec's), sqrt or log (each distinct token once, weighted by sqrt(tf) / 1 + ln tf); default: the --model's, or sqrt for a new model",
      ).choices([...TERM_FREQUENCY_MODES]),
    )
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
    );
}
