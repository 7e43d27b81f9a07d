import type { Command } from 'commander';
import { openCorpus } from '../../../corpus/Corpus.js';
import { contextFrom, parsePositiveInt } from '../../context.js';

export function registerSearchCommand(corpus: Command): void {
  corpus
    .command('search')
    .description('search the corpus with BM25 and print ranked passages with scores and snippets')
    .argument('<query>', 'the query text')
    .option('-k, --top <k>', 'number of results', '10')
    .addHelpText(
      'after',
      '\nExamples:\n  $ gecko corpus search "how do geckos climb walls" -k 5\n  $ gecko corpus search "vitamin d deficiency" --json',
    )
    .action((query: string, args: { top: string }, cmd: Command) => {
      const ctx = contextFrom(cmd);
      const k = parsePositiveInt('-k', args.top);
      const corpus = openCorpus(ctx.work, { readonly: true });
      try {
        const t0 = performance.now();
        const hits = corpus.searchWithSnippets(query, k);
        const ms = performance.now() - t0;
        // The plan costs its own document-frequency probes: build it only when it will be printed.
        if (ctx.verbosity === 'verbose') {
          ctx.reporter.debug(`plan: ${JSON.stringify(corpus.explain(query))}; ${ms.toFixed(2)} ms`);
        }
        ctx.print({ query, hits }, () =>
          hits.length === 0
            ? 'no results'
            : hits
                .map(
                  (h, i) =>
                    `${String(i + 1).padStart(2)}. ${h.score.toFixed(3)}  ${h.id}${h.title ? `  ${h.title}` : ''}\n    ${h.snippet.replace(/\s+/g, ' ')}`,
                )
                .join('\n'),
        );
      } finally {
        corpus.close();
      }
    });
}
