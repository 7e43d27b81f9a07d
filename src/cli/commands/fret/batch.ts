import type { Command } from 'commander';
import { openCorpus } from '../../../corpus/Corpus.js';
import { exportGenerateBatch, importGenerateBatch } from '../../../fret/batch.js';
import { DEFAULT_GENERATE } from '../../../fret/generate.js';
import { contextFrom } from '../../context.js';
import { addGenerateOptions, type GenerateArgs, generateOptionsFrom } from './generate.js';

export function registerBatchCommands(fret: Command): void {
  addGenerateOptions(
    fret
      .command('export-batch')
      .description(
        'write step-1 requests for the pending seeds as an OpenAI Batch API file (/v1/chat/completions)',
      )
      .requiredOption('--model <name>', 'model name put in each request body')
      .requiredOption('--out <file>', 'request file (JSONL)'),
  )
    .addHelpText(
      'after',
      '\nUpload the file to the provider\'s batch service, then load its output with "gecko fret import-batch".\n' +
        'Rejected answers are exported again (new sampling seed) by the next export-batch, up to --retries.\n\n' +
        'Examples:\n  $ gecko fret export-batch --model gpt-4o-mini --limit 100000 --out requests.jsonl',
    )
    .action(async (args: GenerateArgs & { model: string; out: string }, cmd: Command) => {
      const ctx = contextFrom(cmd);
      const corpus = openCorpus(ctx.work);
      try {
        const s = await exportGenerateBatch(corpus, args.model, args.out, generateOptionsFrom(args));
        ctx.print(
          s,
          () => `wrote ${s.requests} requests to ${args.out} (${s.finished} seeds already finished)`,
        );
      } finally {
        corpus.close();
      }
    });

  fret
    .command('import-batch')
    .description(
      'read an OpenAI Batch API output file into the run: check each answer, record queries and failures',
    )
    .argument('<results>', 'batch output file (JSONL)')
    .option('--run <name>', 'run name', DEFAULT_GENERATE.run)
    .addHelpText(
      'after',
      '\nExamples:\n  $ gecko fret import-batch batch_output.jsonl && gecko fret mine --llm llama:./m.gguf',
    )
    .action(async (results: string, args: { run: string }, cmd: Command) => {
      const ctx = contextFrom(cmd);
      const corpus = openCorpus(ctx.work);
      try {
        const s = await importGenerateBatch(corpus, results, { run: args.run });
        ctx.print(
          s,
          () =>
            `imported: ${s.ok} queries, ${s.retry} to retry (export again), ${s.failed} failed for good, ${s.stale} stale results ignored`,
        );
      } finally {
        corpus.close();
      }
    });
}
