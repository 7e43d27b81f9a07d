import type { Command } from 'commander';
import { openCorpus } from '../../../corpus/Corpus.js';
import { contextFrom } from '../../context.js';

export function registerStatsCommand(corpus: Command): void {
  corpus
    .command('stats')
    .description('print passage counts, sources, sizes and index settings')
    .addHelpText('after', '\nExamples:\n  $ gecko corpus stats\n  $ gecko corpus stats --json')
    .action((_args: unknown, cmd: Command) => {
      const ctx = contextFrom(cmd);
      const corpus = openCorpus(ctx.work, { readonly: true });
      try {
        const s = corpus.stats();
        ctx.print(s, () =>
          [
            `passages:   ${s.passages} (${s.unique} unique, ${s.duplicates} exact duplicates)`,
            `documents:  ${s.documents}`,
            `length:     ${s.avgChars} chars on average, ${s.maxChars} at most`,
            `index:      FTS5 BM25 (k1=${s.index.k1}, b=${s.index.b}), tokenizer "${s.index.tokenizer}", ${s.index.terms} terms`,
            `database:   ${(s.databaseBytes / 1e6).toFixed(1)} MB`,
            `sources:    ${s.sources.length}`,
            ...s.sources.map(
              (x) =>
                `  ${x.path} (${x.format}): ${x.added} added, ${x.duplicates} duplicates, ${x.rejected} rejected`,
            ),
          ].join('\n'),
        );
      } finally {
        corpus.close();
      }
    });
}
