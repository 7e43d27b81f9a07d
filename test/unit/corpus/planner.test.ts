import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readVarints } from '../../../src/corpus/fts/varint.js';
import { openCorpus } from '../../../src/corpus/index.js';
import { tempDir } from '../../helpers/tmp.js';

describe('BM25 query planner', () => {
  it('keeps rare terms within the postings budget and pools when none fits', async () => {
    const corpus = openCorpus(join(tempDir(), 'ws'));
    try {
      // "alpha" in every 2nd passage, "beta" in every 4th, "gamma" in every 50th, of 400.
      await corpus.addPassages(
        Array.from({ length: 400 }, (_, i) => ({
          id: `p${i}`,
          text: [
            `filler${i}`,
            i % 2 === 0 ? 'alpha' : '',
            i % 4 === 0 ? 'beta beta' : '',
            i % 50 === 0 ? 'gamma' : '',
          ].join(' '),
        })),
      );
      const exact = corpus.explain('alpha beta gamma', { maxPostings: Number.POSITIVE_INFINITY });
      expect(exact.terms).toEqual([
        { word: 'alpha', df: 200, used: true },
        { word: 'beta', df: 100, used: true },
        { word: 'gamma', df: 8, used: true },
      ]);
      const bounded = corpus.explain('alpha beta gamma', { maxPostings: 50 });
      expect(bounded.mode).toBe('ranked');
      expect(bounded.terms.map((t) => t.used)).toEqual([false, false, true]);
      // Above the budget, document frequencies are estimated from where the (budget+1)-th match sits.
      expect(bounded.terms[0]!.df).toBeGreaterThan(150);
      expect(bounded.terms[0]!.df).toBeLessThan(250);
      const ranked = corpus.search('alpha beta gamma', 8, { maxPostings: 50 });
      expect(ranked.map((h) => Number(h.id.slice(1)) % 50)).toEqual(Array(8).fill(0)); // only "gamma" is scored

      const pooled = corpus.explain('alpha beta', { maxPostings: 50 });
      expect(pooled.mode).toBe('pooled');
      const hits = corpus.search('alpha beta', 5, { maxPostings: 50, poolSize: 40 });
      expect(hits).toHaveLength(5);
      // Passages with both words (every 4th) outrank those with only "alpha".
      for (const h of hits) expect(Number(h.id.slice(1)) % 4).toBe(0);
      for (let i = 1; i < hits.length; i++) expect(hits[i]!.score).toBeLessThanOrEqual(hits[i - 1]!.score);
      const withSnippets = corpus.searchWithSnippets('alpha beta', 2, { maxPostings: 50 });
      expect(withSnippets[0]!.snippet).toContain('[beta]');
    } finally {
      corpus.close();
    }
  });

  it('decodes SQLite varints', () => {
    expect(readVarints(new Uint8Array([0x05, 0x81, 0x00, 0x7f]))).toEqual([5, 128, 127]);
  });
});
