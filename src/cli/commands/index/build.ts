import { join } from 'node:path';
import type { Command } from 'commander';
import { openCorpus } from '../../../corpus/Corpus.js';
import { UsageError } from '../../../errors/UsageError.js';
import { buildCorpusIndex, DEFAULT_INDEX_DIR, saveCorpusIndex } from '../../../index/corpusIndex.js';
import { type IndexKind, type IndexQuantization, QUANTIZATIONS } from '../../../index/VectorIndex.js';
import { loadStaticModel } from '../../../model/formats/loadStaticModel.js';
import { contextFrom, parsePositiveInt } from '../../context.js';

interface BuildArgs {
  model: string;
  out?: string;
  kind: string;
  quantization: string;
  dimensions?: string;
  connectivity: string;
  expansionAdd: string;
  expansionSearch: string;
  recallQueries: string;
}

export function registerBuildCommand(index: Command): void {
  index
    .command('build')
    .description(
      "embed the workspace's corpus with a model and build a vector index; reports recall@10 against exact search",
    )
    .requiredOption('-m, --model <dirOrRepo>', 'model folder or Hugging Face repo id')
    .option('-o, --out <dir>', 'index folder (default: <work>/vector-index)')
    .option('--kind <kind>', 'auto (exact below 20,000 passages), exact or hnsw', 'auto')
    .option('--quantization <q>', `HNSW storage: ${QUANTIZATIONS.join(', ')}`, 'f32')
    .option('--dimensions <n>', 'Matryoshka prefix to index (default: all)')
    .option('--connectivity <n>', 'HNSW edges per node', '16')
    .option('--expansion-add <n>', 'HNSW candidates while building', '128')
    .option('--expansion-search <n>', 'HNSW candidates while searching', '64')
    .option('--recall-queries <n>', 'passages used as queries to measure recall@10', '200')
    .addHelpText(
      'after',
      '\nExamples:\n  $ gecko index build --model out/model\n  $ gecko index build --model out/model --kind hnsw --quantization i8 --dimensions 128 --json',
    )
    .action(async (args: BuildArgs, cmd: Command) => {
      const ctx = contextFrom(cmd);
      if (!['auto', 'exact', 'hnsw'].includes(args.kind)) {
        throw new UsageError(`--kind must be auto, exact or hnsw, got "${args.kind}".`);
      }
      if (!QUANTIZATIONS.includes(args.quantization as IndexQuantization)) {
        throw new UsageError(
          `--quantization must be one of ${QUANTIZATIONS.join(', ')}, got "${args.quantization}".`,
        );
      }
      const options = {
        kind: args.kind as IndexKind,
        quantization: args.quantization as IndexQuantization,
        ...(args.dimensions ? { dimensions: parsePositiveInt('--dimensions', args.dimensions) } : {}),
        connectivity: parsePositiveInt('--connectivity', args.connectivity),
        expansionAdd: parsePositiveInt('--expansion-add', args.expansionAdd),
        expansionSearch: parsePositiveInt('--expansion-search', args.expansionSearch),
        recallQueries: parsePositiveInt('--recall-queries', args.recallQueries),
        reporter: ctx.reporter,
      };
      const model = await loadStaticModel(args.model, { reporter: ctx.reporter });
      const corpus = openCorpus(ctx.work, { readonly: true });
      try {
        const built = await buildCorpusIndex(model, corpus, options);
        const out = args.out ?? join(ctx.work, DEFAULT_INDEX_DIR);
        await saveCorpusIndex(built, out);
        const r = built.report;
        ctx.print({ out, ...r }, () =>
          [
            `indexed ${r.count} passages (${r.dimensions} dims, ${r.kind}${r.kind === 'hnsw' ? ` ${r.quantization}` : ''}) into ${out}`,
            `embedding ${r.embedSeconds.toFixed(2)} s, index build ${r.buildSeconds.toFixed(2)} s`,
            `recall@10 against exact search: ${r.recallAt10.toFixed(4)} over ${r.recallQueries} queries`,
          ].join('\n'),
        );
      } finally {
        corpus.close();
      }
    });
}
