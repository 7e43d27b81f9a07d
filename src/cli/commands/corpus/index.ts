import type { Command } from 'commander';
import { registerAddCommand } from './add.js';
import { registerSearchCommand } from './search.js';
import { registerStatsCommand } from './stats.js';

/** `gecko corpus …`: ingest passages, search them with BM25, and inspect the store. */
export function registerCorpusCommands(program: Command): void {
  const corpus = program
    .command('corpus')
    .description('ingest passages into the workspace and search them with BM25')
    .addHelpText(
      'after',
      '\nExamples:\n  $ gecko corpus add corpus.jsonl\n  $ gecko corpus search "query" -k 10\n  $ gecko corpus stats',
    );
  registerAddCommand(corpus);
  registerSearchCommand(corpus);
  registerStatsCommand(corpus);
}
