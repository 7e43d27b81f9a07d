import type { Command } from 'commander';
import { openCorpus } from '../../../corpus/Corpus.js';
import { writeClozeQueries } from '../../../fret/clozeQueries.js';
import { contextFrom, parseNonNegativeInt, parsePositiveInt } from '../../context.js';
import { addHelpEpilogue } from '../../helpText.js';

/** `gecko fret cloze`: FRet queries and qrels from the corpus itself, for mining without an LLM. */
export function registerClozeCommand(fret: Command): void {
  const cmd = fret
    .command('cloze')
    .description(
      'queries without an LLM: cloze sentences of the corpus passages, with qrels naming their passage (mine them with --judge qrels:)',
    )
    .requiredOption('--out <dir>', 'folder for queries.jsonl and qrels.tsv')
    .option('--per-passage <k>', 'cloze queries per passage (seeds SEED..SEED+k-1)', '1')
    .option('--seed <n>', 'seed of the sentence choice', '42')
    .action(runCloze);
  addHelpEpilogue(cmd, {
    examples: [
      'gecko fret cloze --out data/cloze --per-passage 3',
      'gecko fret mine --run cloze --queries data/cloze/queries.jsonl --judge qrels:data/cloze/qrels.tsv --bm25-text query --out data/cloze-fret',
    ],
  });
}

async function runCloze(
  args: { out: string; perPassage: string; seed: string },
  cmd: Command,
): Promise<void> {
  const ctx = contextFrom(cmd);
  const k = parsePositiveInt('--per-passage', args.perPassage);
  const seed = parseNonNegativeInt('--seed', args.seed);
  const corpus = openCorpus(ctx.work);
  try {
    const seeds = Array.from({ length: k }, (_, i) => seed + i);
    const r = await writeClozeQueries(corpus, args.out, { seeds });
    ctx.print(
      r,
      () =>
        `${r.queries} cloze queries from ${r.passages} passages -> ${r.files.queries}, ${r.files.qrels}\n` +
        `next: gecko fret mine --run cloze --queries ${r.files.queries} --judge qrels:${r.files.qrels} --bm25-text query --out DIR`,
    );
  } finally {
    corpus.close();
  }
}
