import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FretExample } from '../../src/fret/index.js';
import { runGecko } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const lines = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

// Twelve passages of four sentences each (all long enough to be asked), sharing most of their words so BM25
// has close candidates to offer as hard negatives; one passage too short to give a cloze query.
const TOPICS = ['geckos', 'spiders', 'beetles', 'lizards', 'frogs', 'snails'];
const passages = [
  ...TOPICS.flatMap((t, i) =>
    [0, 1].map((v) => ({
      id: `p${i}-${v}`,
      title: `${t} ${v}`,
      text:
        `The ${t} of region ${v} climb smooth glass walls with ease. ` +
        `Their toes carry millions of tiny ${t} setae number ${v}. ` +
        `Van der Waals forces hold each ${t} seta to the surface. ` +
        `Researchers in region ${v} measured the adhesion of ${t} in detail.`,
    })),
  ),
  { id: 'short', title: 'Short', text: 'Too short to ask.' },
];

describe('gecko fret cloze', () => {
  it('writes cloze queries with qrels that fret mine turns into FRet examples without an LLM', async () => {
    const dir = tempDir('gecko-fret-cloze-');
    const ws = join(dir, 'ws');
    const corpusFile = join(dir, 'corpus.jsonl');
    writeFileSync(corpusFile, passages.map((p) => JSON.stringify(p)).join('\n'));
    expect((await runGecko(['-w', ws, 'corpus', 'add', corpusFile, '--quiet'])).code).toBe(0);

    const cloze = await runGecko([
      '-w',
      ws,
      '--json',
      'fret',
      'cloze',
      '--out',
      join(dir, 'q'),
      '--per-passage',
      '2',
    ]);
    expect(cloze.code, cloze.stderr).toBe(0);
    const summary = JSON.parse(cloze.stdout);
    expect(summary.passages).toBe(13);
    const queries = lines<{ _id: string; text: string; seed_id: string }>(join(dir, 'q/queries.jsonl'));
    expect(queries.length).toBe(summary.queries);
    // Two seeds per passage, a sentence asked twice kept once: between 12 and 24 queries, none of `short`.
    expect(queries.length).toBeGreaterThanOrEqual(12);
    expect(queries.length).toBeLessThanOrEqual(24);
    const byId = new Map(passages.map((p) => [p.id, p]));
    for (const q of queries) {
      expect(q.seed_id).not.toBe('short');
      expect(byId.get(q.seed_id)!.text).toContain(q.text);
    }
    const qrels = readFileSync(join(dir, 'q/qrels.tsv'), 'utf8').trim().split('\n');
    expect(qrels[0]).toBe('query-id\tcorpus-id\tscore');
    expect(qrels.slice(1).sort()).toEqual(queries.map((q) => `${q._id}\t${q.seed_id}\t1`).sort());
    // Seeded: the same command gives the same files.
    await runGecko(['-w', ws, 'fret', 'cloze', '--out', join(dir, 'q2'), '--per-passage', '2', '--quiet']);
    expect(readFileSync(join(dir, 'q2/queries.jsonl'), 'utf8')).toBe(
      readFileSync(join(dir, 'q/queries.jsonl'), 'utf8'),
    );

    const mine = await runGecko([
      '-w',
      ws,
      'fret',
      'mine',
      '--run',
      'cloze',
      '--queries',
      join(dir, 'q/queries.jsonl'),
      '--judge',
      `qrels:${join(dir, 'q/qrels.tsv')}`,
      '--bm25-text',
      'query',
      '--candidates',
      '5',
      '--out',
      join(dir, 'fret'),
      '--quiet',
    ]);
    expect(mine.code, mine.stderr).toBe(0);
    const examples = lines<FretExample>(join(dir, 'fret/fret.jsonl'));
    expect(examples.length).toBe(queries.length);
    for (const e of examples) {
      expect(e.positive.id).toBe(e.seed_id);
      expect(e.negative).not.toBeNull();
      expect(e.negative!.id).not.toBe(e.seed_id);
    }
  }, 120_000);

  it('refuses a bad --per-passage with exit 2, naming the flag', async () => {
    const dir = tempDir('gecko-fret-cloze-');
    const r = await runGecko([
      '-w',
      join(dir, 'ws'),
      'fret',
      'cloze',
      '--out',
      join(dir, 'q'),
      '--per-passage',
      '0',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--per-passage');
  });
});
