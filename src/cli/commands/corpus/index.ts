import type { Command } from 'commander';
import { addCommandGroup } from '../../helpText.js';
import { registerAddCommand } from './add.js';
import { registerSearchCommand } from './search.js';
import { registerStatsCommand } from './stats.js';

/** `gecko corpus …`: ingest passages, search them with BM25, and inspect the store. */
export function registerCorpusCommands(program: Command): void {
  const corpus = addCommandGroup(
    program,
    'corpus',
    'ingest passages into the workspace and search them with BM25',
    ['gecko corpus add corpus.jsonl', 'gecko corpus search "query" -k 10', 'gecko corpus stats'],
  );
  registerAddCommand(corpus);
  registerSearchCommand(corpus);
  registerStatsCommand(corpus);
}
