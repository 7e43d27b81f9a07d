import type { Command } from 'commander';
import { addCommandGroup } from '../../helpText.js';
import { registerBatchCommands } from './batch.js';
import { registerClozeCommand } from './cloze.js';
import { registerExportCommand } from './export.js';
import { registerGenerateCommand } from './generate.js';
import { registerMergeCommand } from './merge.js';
import { registerMineCommand } from './mine.js';

/** `gecko fret …`: distil the corpus into (task, query, positive, hard negative) training data with an LLM. */
export function registerFretCommands(program: Command): void {
  const fret = addCommandGroup(
    program,
    'fret',
    'FRet: LLM-generated queries and LLM-mined positives and hard negatives (Gecko §3.2)',
    [
      'gecko fret generate --llm llama:./m.gguf --limit 1000',
      'gecko fret mine --llm llama:./m.gguf --out data/fret',
      'gecko fret export data/fret --out train.jsonl',
    ],
  );
  registerGenerateCommand(fret);
  registerMineCommand(fret);
  registerClozeCommand(fret);
  registerMergeCommand(fret);
  registerExportCommand(fret);
  registerBatchCommands(fret);
}
