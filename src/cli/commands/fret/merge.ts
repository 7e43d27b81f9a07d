import type { Command } from 'commander';
import { mergeDatasets } from '../../../fret/merge.js';
import { contextFrom } from '../../context.js';

export function registerMergeCommand(fret: Command): void {
  fret
    .command('merge')
    .description('combine the dataset folders of shards (--shard i/n) into one dataset')
    .argument('<dirs...>', 'dataset folders written by "gecko fret mine"')
    .requiredOption('--out <dir>', 'merged dataset folder')
    .option('--parquet', 'also write fret.parquet', false)
    .addHelpText('after', '\nExamples:\n  $ gecko fret merge shard0/ shard1/ shard2/ shard3/ --out fret-all/')
    .action(async (dirs: string[], args: { out: string; parquet: boolean }, cmd: Command) => {
      const ctx = contextFrom(cmd);
      const s = await mergeDatasets(dirs, args.out, { parquet: args.parquet });
      if (s.missingShards.length)
        ctx.reporter.warn(`shards missing from the merge: ${s.missingShards.join(', ')}`);
      ctx.print(
        s,
        () =>
          `merged ${s.inputs} folders (shards ${s.shards.join(', ')}): ${s.examples} examples, ${s.duplicates} duplicate lines dropped -> ${args.out}`,
      );
    });
}
