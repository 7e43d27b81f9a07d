import { join } from 'node:path';
import type { Passage } from '../corpus/passage.js';
import { corpusPair } from '../train/data/corpusPairs.js';
import { atomicWriteFile } from '../util/atomicWrite.js';

/** What {@link writeClozeQueries} wrote. */
export interface ClozeQueries {
  files: { queries: string; qrels: string };
  passages: number;
  queries: number;
}

/**
 * FRet's inputs without an LLM: for each passage, up to `seeds.length` cloze sentences (the trainer's seeded
 * choice, `corpusPair('cloze', …)`; a sentence asked twice is kept once) become queries whose seed and only
 * relevant passage is the passage itself. Writes BEIR `queries.jsonl` (`_id`, `text`, `seed_id`) and
 * `qrels.tsv`, the inputs of `gecko fret mine --queries Q --judge qrels:QRELS`, which then mines BM25
 * candidates: positive = the passage, hard negative = the N-th candidate. Passages with fewer than three
 * sentences give none. docs/experiments.md ("Cloze FRet") measures it.
 *
 * @example
 * await writeClozeQueries(corpus, 'data/cloze', { seeds: [42, 43, 44] });
 */
export async function writeClozeQueries(
  passages: AsyncIterable<Pick<Passage, 'id' | 'title' | 'text'>>,
  dir: string,
  options: { seeds?: readonly number[] } = {},
): Promise<ClozeQueries> {
  const seeds = options.seeds ?? [42];
  const queries: string[] = [];
  const qrels: string[] = ['query-id\tcorpus-id\tscore'];
  let index = 0;
  for await (const p of passages) {
    const asked = new Set<string>();
    for (const seed of seeds) {
      const pair = corpusPair('cloze', p.text, p.title ?? null, seed, index);
      if (!pair || asked.has(pair.query)) continue;
      asked.add(pair.query);
      const id = `cloze-${seed}-${p.id}`;
      queries.push(JSON.stringify({ _id: id, text: pair.query, seed_id: p.id }));
      qrels.push(`${id}\t${p.id}\t1`);
    }
    index++;
  }
  const files = { queries: join(dir, 'queries.jsonl'), qrels: join(dir, 'qrels.tsv') };
  await atomicWriteFile(files.queries, queries.length ? `${queries.join('\n')}\n` : '');
  await atomicWriteFile(files.qrels, `${qrels.join('\n')}\n`);
  return { files, passages: index, queries: queries.length };
}
