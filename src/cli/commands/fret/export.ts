import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DATASET_FILES } from '../../../fret/dataset.js';
import { exportSentenceTransformers } from '../../../fret/exportSt.js';
import { contextFrom } from '../../context.js';

export function registerExportCommand(fret: Command): void {
  fret
    .command('export')
    .description(
      'write a FRet dataset as sentence-transformers {anchor, positive, negative} JSONL in the unified format',
    )
    .argument('<dataset>', 'a dataset folder or its fret.jsonl')
    .requiredOption('--out <file>', 'output JSONL')
    .option(
      '--skip-without-negative',
      'leave out examples without a hard negative (all rows get three columns)',
      false,
    )
    .addHelpText('after', '\nExamples:\n  $ gecko fret export gecko-work/fret/default --out train.jsonl')
    .action(async (dataset: string, args: { out: string; skipWithoutNegative: boolean }, cmd: Command) => {
      const ctx = contextFrom(cmd);
      const file =
        existsSync(dataset) && statSync(dataset).isDirectory() ? join(dataset, DATASET_FILES.jsonl) : dataset;
      const s = await exportSentenceTransformers(file, args.out, {
        missingNegative: args.skipWithoutNegative ? 'skip' : 'keep',
      });
      ctx.print(
        s,
        () =>
          `wrote ${s.rows} rows to ${args.out} (${s.withoutNegative} without a negative${s.skipped ? ', skipped' : ''})`,
      );
    });
}
