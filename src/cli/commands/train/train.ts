import type { Command } from 'commander';
import { addHelpEpilogue, type HelpEpilogue } from '../../helpText.js';
import { trainAction } from './action.js';
import { declareTrainFlags } from './flags.js';

const TRAIN_HELP: HelpEpilogue = {
  examples: [
    'gecko train --vocab vocab.txt --data corpus:scifact/corpus.jsonl pairs.jsonl --pre-finetune --epochs 3 --out pre',
    'gecko train --model pre/model --data scored-pairs:sts-train.jsonl classification:banking77.jsonl \\\n' +
      '      --matryoshka 256,128,64,32 --dev sts:sts-dev.jsonl --epochs 5 --out ft',
    'gecko train --data fret.jsonl --tokenizer tokenizer.json --steps 20000 -b 1024 --out run  # resumes if killed',
  ],
};

/**
 * `gecko train`: the flags (`flags.ts`), their checks and mapping onto `TrainOptions` (`trainSettings.ts`),
 * the action (`action.ts`) and the starting model (`initialModel.ts`).
 */
export function registerTrainCommand(program: Command): void {
  const cmd = program
    .command('train')
    .description("train a static embedding model with Gecko's loss (Eq. 3) and Matryoshka dimensions");
  addHelpEpilogue(declareTrainFlags(cmd), TRAIN_HELP).action(trainAction);
}
