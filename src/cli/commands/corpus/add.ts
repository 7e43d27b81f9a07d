import type { Command } from 'commander';
import { openCorpus } from '../../../corpus/Corpus.js';
import { defaultIndexWorkers } from '../../../corpus/fts/ParallelIndexer.js';
import type { InputFormat } from '../../../corpus/readers/types.js';
import { UsageError } from '../../../errors/UsageError.js';
import { contextFrom, parseNonNegativeInt, parsePositiveInt } from '../../context.js';

interface AddArgs {
  format?: InputFormat;
  idColumn?: string;
  titleColumn?: string;
  textColumn?: string;
  chunkSize?: string;
  chunkOverlap: string;
  chunkUnit: 'tokens' | 'chars';
  skipInvalid: boolean;
  rejects?: string;
  indexWorkers: string;
}

const FORMATS: InputFormat[] = ['jsonl', 'csv', 'tsv', 'parquet'];

export function registerAddCommand(corpus: Command): void {
  corpus
    .command('add')
    .description(
      'add passages from JSONL, CSV/TSV, Parquet (or .gz of these) files, or folders of .txt/.md files',
    )
    .argument('<paths...>', 'files or folders to ingest')
    .option('--format <format>', `input format instead of the extension's (${FORMATS.join(', ')})`)
    .option('--id-column <name>', 'column/field holding the id (default: _id or id)')
    .option('--title-column <name>', 'column/field holding the title (default: title)')
    .option('--text-column <name>', 'column/field holding the text (default: text)')
    .option('--chunk-size <n>', 'split documents longer than n units into passages')
    .option('--chunk-overlap <n>', 'units shared by consecutive passages', '0')
    .option('--chunk-unit <unit>', 'tokens (whitespace-separated words) or chars', 'tokens')
    .option(
      '--skip-invalid',
      'skip invalid records instead of failing the file; write them to a rejects file',
      false,
    )
    .option('--rejects <file>', 'rejects file (default: <work>/rejects/<name>.rejects.jsonl)')
    .option(
      '--index-workers <n>',
      'threads that build parts of the BM25 index in parallel (0: index in the main thread)',
      String(defaultIndexWorkers()),
    )
    .addHelpText(
      'after',
      '\nEach file is added in one transaction: on a bad record nothing from that file is stored, and the error\n' +
        'names file:line and the problem. Re-adding a file adds nothing. Exact duplicate passages are stored\n' +
        'but indexed once.\n\nExamples:\n' +
        '  $ gecko corpus add corpus.jsonl\n' +
        '  $ gecko corpus add docs/ --chunk-size 200 --chunk-overlap 20\n' +
        '  $ gecko corpus add faq.csv --id-column qid --text-column answer --skip-invalid\n' +
        '  $ gecko corpus add dump.jsonl.gz --json\n' +
        '  $ gecko corpus add big.jsonl --index-workers 3',
    )
    .action(async (paths: string[], args: AddArgs, cmd: Command) => {
      const ctx = contextFrom(cmd);
      if (args.format && !FORMATS.includes(args.format)) {
        throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${args.format}"`);
      }
      if (args.rejects && !args.skipInvalid) throw new UsageError('--rejects needs --skip-invalid');
      const chunk = args.chunkSize
        ? {
            size: parsePositiveInt('--chunk-size', args.chunkSize),
            overlap: parseNonNegativeInt('--chunk-overlap', args.chunkOverlap),
            unit: args.chunkUnit,
          }
        : undefined;
      const corpus = openCorpus(ctx.work);
      try {
        const results = await corpus.add(paths, {
          format: args.format,
          columns: { id: args.idColumn, title: args.titleColumn, text: args.textColumn },
          chunk,
          skipInvalid: args.skipInvalid,
          rejectsFile: args.rejects,
          reporter: ctx.reporter,
          index: { workers: parseNonNegativeInt('--index-workers', args.indexWorkers) },
        });
        const total = corpus.count();
        ctx.print(
          { sources: results.map((r) => ({ ...r, rejected: r.rejected.length })), passages: total },
          () =>
            results
              .map((r) => {
                const rf = (r as { rejectsFile?: string }).rejectsFile;
                return r.skipped
                  ? `${r.source}: unchanged, skipped`
                  : `${r.source}: +${r.added} passages (${r.duplicates} duplicates, ${r.unchanged} already present` +
                      (r.rejected.length ? `, ${r.rejected.length} rejected -> ${rf}` : '') +
                      ')';
              })
              .join('\n') + `\ncorpus: ${total} passages`,
        );
      } finally {
        corpus.close();
      }
    });
}
