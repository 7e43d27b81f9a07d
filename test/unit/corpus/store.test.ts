import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCorpus } from '../../../src/corpus/index.js';
import { tempDir } from '../../helpers/tmp.js';

const docs = [
  {
    _id: 'g1',
    title: 'Gecko adhesion',
    text: 'Gecko feet stick to glass through millions of setae and van der Waals forces.',
  },
  {
    _id: 'g2',
    title: 'Gecko diet',
    text: 'Most geckos eat insects; some species also lick nectar and fruit.',
  },
  { _id: 'g3', title: 'Snakes', text: 'Snakes smell with their tongues and have no eyelids.' },
  {
    _id: 'g4',
    title: 'Gecko adhesion',
    text: 'Gecko feet stick to glass through millions of setae and van der Waals forces.',
  },
  { _id: 'g5', title: 'Weather', text: 'The rain in Spain falls mainly on the plain.' },
];
const file = (d: string): string => {
  const f = join(d, 'c.jsonl');
  writeFileSync(f, docs.map((x) => JSON.stringify(x)).join('\n'));
  return f;
};

describe('corpus store', () => {
  it('detects exact duplicates by content hash: stored, counted, indexed once', async () => {
    const d = tempDir();
    const corpus = openCorpus(join(d, 'ws'));
    try {
      const [r] = await corpus.add(file(d));
      expect(r).toMatchObject({ added: 5, duplicates: 1 });
      expect(corpus.count()).toBe(5);
      expect(corpus.get('g4')?.text).toBe(docs[3]!.text);
      const hits = corpus.search('gecko feet glass setae', 10);
      expect(hits[0]?.id).toBe('g1');
      expect(hits.map((h) => h.id)).not.toContain('g4');
      expect(corpus.stats()).toMatchObject({ passages: 5, unique: 4, duplicates: 1 });
    } finally {
      corpus.close();
    }
  });

  it('re-adding the same file adds nothing; a copy elsewhere counts as unchanged', async () => {
    const d = tempDir();
    const f = file(d);
    const corpus = openCorpus(join(d, 'ws'));
    try {
      await corpus.add(f);
      const [again] = await corpus.add(f);
      expect(again).toMatchObject({ skipped: true, added: 0 });
      const copy = join(d, 'copy.jsonl');
      copyFileSync(f, copy);
      const [c] = await corpus.add(copy);
      expect(c).toMatchObject({ skipped: false, added: 0, unchanged: 5 });
      expect(corpus.count()).toBe(5);
      expect(corpus.search('geckos insects', 3)[0]?.id).toBe('g2');
    } finally {
      corpus.close();
    }
  });

  it('persists across reopen and iterates every passage once, in order', async () => {
    const d = tempDir();
    const ws = join(d, 'ws');
    const a = openCorpus(ws);
    await a.addPassages(
      Array.from({ length: 2345 }, (_, i) => ({ id: `p${i}`, text: `passage ${i} words` })),
    );
    a.close();
    const b = openCorpus(ws, { readonly: true });
    try {
      const ids: string[] = [];
      for await (const p of b) ids.push(p.id);
      expect(ids).toHaveLength(2345);
      expect(new Set(ids).size).toBe(2345);
      expect(ids[0]).toBe('p0');
      expect(ids[2344]).toBe('p2344');
    } finally {
      b.close();
    }
  });

  it('BM25 search ranks, scores descending, and treats query text as words, not FTS syntax', async () => {
    const d = tempDir();
    const corpus = openCorpus(join(d, 'ws'));
    try {
      await corpus.add(file(d));
      const hits = corpus.search('Do snakes have eyelids?', 5);
      expect(hits[0]?.id).toBe('g3');
      for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
      for (const q of ['NEAR(gecko) AND "', 'gecko* OR ^feet', '(((', 'title:gecko', '-', '']) {
        expect(() => corpus.search(q, 3)).not.toThrow();
      }
      expect(corpus.search('', 3)).toEqual([]);
      expect(corpus.searchWithSnippets('nectar', 1)[0]).toMatchObject({ id: 'g2', title: 'Gecko diet' });
      expect(corpus.searchWithSnippets('nectar', 1)[0]!.snippet).toContain('[nectar]');
      expect(() => corpus.search('x', 0)).toThrow(/positive integer/);
    } finally {
      corpus.close();
    }
  });

  it('queries of stopwords or ubiquitous words still answer, through the pooled plan', async () => {
    const d = tempDir();
    const corpus = openCorpus(join(d, 'ws'));
    try {
      await corpus.addPassages(
        Array.from({ length: 50 }, (_, i) => ({
          id: `d${i}`,
          text: `common words here ${i % 7 === 0 ? 'rare' : ''} number ${i}`,
        })),
      );
      const plan = corpus.explain('common words');
      expect(plan.mode).toBe('pooled');
      expect(corpus.search('common words', 5)).toHaveLength(5);
      const mixed = corpus.explain('common rare');
      expect(mixed.mode).toBe('ranked');
      expect(mixed.terms).toEqual([
        { word: 'common', df: 50, used: false },
        { word: 'rare', df: 8, used: true },
      ]);
      expect(corpus.search('common rare', 20).map((h) => h.id)).toHaveLength(8);
      expect(corpus.search('the of and', 3)).toEqual([]); // stopwords only, matching nothing
    } finally {
      corpus.close();
    }
  });
});
