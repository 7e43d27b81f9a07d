import type { Command } from 'commander';
import { trainAction } from './action.js';
import { declareTrainFlags } from './flags.js';

const EXAMPLES =
  '\nExamples:\n' +
  '  $ gecko train --vocab vocab.txt --data corpus:scifact/corpus.jsonl pairs.jsonl --pre-finetune --epochs 3 --out pre\n' +
  '  $ gecko train --model pre/model --data scored-pairs:sts-train.jsonl classification:banking77.jsonl \\\n' +
  '      --matryoshka 256,128,64,32 --dev sts:sts-dev.jsonl --epochs 5 --out ft\n' +
  '  $ gecko train --data fret.jsonl --tokenizer tokenizer.json --steps 20000 -b 1024 --out run  # resumes if killed';

/**
 * `gecko train`: the flags (`flags.ts`), their checks and mapping onto `TrainOptions` (`trainSettings.ts`),
 * the action (`action.ts`) and the starting model (`initialModel.ts`).
 */
export function registerTrainCommand(program: Command): void {
  const cmd = program
    .command('train')
    .description("train a static embedding model with Gecko's loss (Eq. 3) and Matryoshka dimensions");
  declareTrainFlags(cmd).addHelpText('after', EXAMPLES).action(trainAction);
}
