import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Corpus } from '../corpus/Corpus.js';
import type { Passage } from '../corpus/passage.js';
import type { FretExample } from '../fret/mine.js';
import { DEFAULT_QUERY_TASK, formatDocument, formatQuery } from '../model/unifiedFormat.js';
import { corpusPair } from '../train/data/corpusPairs.js';
import type { SelfSupervisedMode } from '../train/data/types.js';
import { atomicWriteFile } from '../util/atomicWrite.js';
import { sha256 } from '../util/hash.js';
import { readJsonlValues } from '../util/jsonl.js';

/**
 * Whether a passage is held out for evaluation: a stable hash of (seed, id) below `fraction`. The same
 * passages are held out of both the self-supervised pairs and the FRet data, so no evaluation query was
 * trained on, whatever stage produced it.
 */
export function isHeldOut(id: string, seed: number, fraction: number): boolean {
  if (fraction <= 0) return false;
  return Number.parseInt(sha256(`${seed}:${id}`).slice(0, 8), 16) / 0x1_0000_0000 < fraction;
}

/** A held-out evaluation query and the passage it should find. */
export interface HeldOutQuery {
  id: string;
  text: string;
  passageId: string;
  /** The FRet query's seed passage (held out), when it came from one. */
  seedId?: string;
}

/** A self-supervised pair of one passage, before formatting. */
export interface DistillPair {
  anchor: string;
  positive: string;
  /** Shown with the document (cloze pairs keep the passage's title). */
  title: string | null;
  kind: SelfSupervisedMode;
}

/**
 * The self-supervised pairs of one passage, one per mode (`corpusPair`, shared with `gecko train`), except
 * that `title-body` falls back to first sentence -> rest for an untitled passage, so every passage gives a
 * pair whatever the corpus looks like. `index` seeds the cloze sentence.
 */
export function selfSupervisedPairs(
  p: Pick<Passage, 'title' | 'text'>,
  modes: readonly SelfSupervisedMode[],
  seed: number,
  index: number,
): DistillPair[] {
  const title = p.title?.trim() || null;
  const out: DistillPair[] = [];
  for (const mode of new Set(modes)) {
    const kind = mode === 'title-body' && !title ? 'first-sentence' : mode;
    // The fallback stands in for title-body only: when first-sentence is asked as well, it makes that pair.
    if (kind !== mode && modes.includes(kind)) continue;
    const pair = corpusPair(kind, p.text, title, seed, index);
    if (pair) out.push({ anchor: pair.query, positive: pair.text, title: pair.title, kind });
  }
  return out;
}

/**
 * Writes the pre-finetuning pairs (`triplets` JSONL in the unified format, ready for the trainer) and
 * collects the held-out title queries. Also writes the corpus as a BEIR `corpus.jsonl`, which the held-out
 * evaluation tasks search.
 */
export async function writePairs(
  corpus: Corpus,
  dir: string,
  opts: { seed: number; holdout: number; modes: readonly SelfSupervisedMode[] },
): Promise<{
  files: { pairs: string; corpus: string; heldout: string };
  counts: {
    passages: number;
    pairs: number;
    titleBody: number;
    firstSentence: number;
    cloze: number;
    heldOut: number;
  };
}> {
  const pairs: string[] = [];
  const docs: string[] = [];
  const held: HeldOutQuery[] = [];
  const counts = { passages: 0, pairs: 0, titleBody: 0, firstSentence: 0, cloze: 0, heldOut: 0 };
  const key = { 'title-body': 'titleBody', 'first-sentence': 'firstSentence', cloze: 'cloze' } as const;
  let index = 0;
  for await (const p of corpus) {
    counts.passages++;
    docs.push(JSON.stringify({ _id: p.id, title: p.title ?? '', text: p.text }));
    const made = selfSupervisedPairs(p, opts.modes, opts.seed, index++);
    if (made.length === 0) continue;
    if (isHeldOut(p.id, opts.seed, opts.holdout)) {
      // Titles make meaningful queries; a passage's own sentences would be lexical give-aways.
      if (p.title && p.title.trim() !== '')
        held.push({ id: `title-${p.id}`, text: p.title.trim(), passageId: p.id });
      counts.heldOut++;
      continue;
    }
    for (const pair of made) {
      pairs.push(
        JSON.stringify({
          anchor: formatQuery(pair.anchor, DEFAULT_QUERY_TASK),
          positive: formatDocument(pair.positive, pair.title),
        }),
      );
      counts.pairs++;
      counts[key[pair.kind]]++;
    }
  }
  const files = {
    pairs: join(dir, 'pairs.train.jsonl'),
    corpus: join(dir, 'corpus.jsonl'),
    heldout: join(dir, 'heldout-titles.jsonl'),
  };
  await atomicWriteFile(files.pairs, lines(pairs));
  await atomicWriteFile(files.corpus, lines(docs));
  await atomicWriteFile(files.heldout, lines(held.map((q) => JSON.stringify(q))));
  return { files, counts };
}

/**
 * Splits the FRet dataset by the same held-out passages: examples seeded by a held-out passage become
 * evaluation queries (the positive the LLM chose is the relevant passage); the rest are training data.
 */
export async function splitFret(
  fretJsonl: string,
  dir: string,
  seed: number,
  holdout: number,
): Promise<{ files: { train: string; heldout: string }; counts: { train: number; heldOut: number } }> {
  const train: string[] = [];
  const held: HeldOutQuery[] = [];
  for await (const e of readJsonlValues<FretExample>(fretJsonl)) {
    const key = e.seed_id ?? e.positive.id;
    if (isHeldOut(key, seed, holdout))
      held.push({ id: `fret-${e.id}`, text: e.query, passageId: e.positive.id, seedId: key });
    else train.push(JSON.stringify(e));
  }
  const files = { train: join(dir, 'fret.train.jsonl'), heldout: join(dir, 'heldout-fret.jsonl') };
  await atomicWriteFile(files.train, lines(train));
  await atomicWriteFile(files.heldout, lines(held.map((q) => JSON.stringify(q))));
  return { files, counts: { train: train.length, heldOut: held.length } };
}

/**
 * Writes a local Retrieval task folder (the layout of `shared/data/README.md`) from held-out queries, so the
 * evaluation part scores it like any MTEB task; `corpusJsonl` (as `writePairs` writes it) is copied as is.
 * Returns null when there are no queries.
 */
export async function writeHeldOutTask(
  root: string,
  name: string,
  corpusJsonl: string,
  heldoutJsonl: string,
  prompt: string,
): Promise<string | null> {
  const queries: HeldOutQuery[] = [];
  for await (const q of readJsonlValues<HeldOutQuery>(heldoutJsonl)) queries.push(q);
  if (queries.length === 0) return null;
  const dir = join(root, name);
  const task = {
    name,
    type: 'Retrieval',
    main_score: 'ndcg_at_10',
    eval_splits: ['test'],
    prompt,
    source: 'gecko distill: queries of held-out passages (never trained on)',
  };
  await atomicWriteFile(join(dir, 'task.json'), `${JSON.stringify(task, null, 2)}\n`);
  await atomicWriteFile(
    join(dir, 'corpus.jsonl'),
    existsSync(corpusJsonl) ? await readFile(corpusJsonl) : '',
  );
  await atomicWriteFile(
    join(dir, 'queries.jsonl'),
    lines(queries.map((q) => JSON.stringify({ _id: q.id, text: q.text }))),
  );
  await atomicWriteFile(
    join(dir, 'qrels', 'test.tsv'),
    `query-id\tcorpus-id\tscore\n${queries.map((q) => `${q.id}\t${q.passageId}\t1`).join('\n')}\n`,
  );
  return dir;
}

function lines(rows: readonly string[]): string {
  return rows.length ? `${rows.join('\n')}\n` : '';
}
