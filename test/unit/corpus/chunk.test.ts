import { describe, expect, it } from 'vitest';
import { chunkText } from '../../../src/corpus/chunk.js';

describe('chunkText', () => {
  const text = 'alpha beta gamma delta epsilon zeta eta theta';

  it('returns a text that fits whole', () => {
    expect(chunkText(text, { size: 8 })).toEqual([text]);
    expect(chunkText(text, { size: 100, unit: 'chars' })).toEqual([text]);
  });

  it('windows by words with overlap', () => {
    expect(chunkText(text, { size: 3, overlap: 1 })).toEqual([
      'alpha beta gamma',
      'gamma delta epsilon',
      'epsilon zeta eta',
      'eta theta',
    ]);
  });

  it('windows by characters at word boundaries, never exceeding size', () => {
    const chunks = chunkText(text, { size: 18, overlap: 6, unit: 'chars' });
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(18);
    expect(chunks[0]).toBe('alpha beta gamma');
    expect(chunks.join(' ')).toContain('theta');
    // Overlap: each chunk after the first starts with a word that ended the previous chunk.
    for (let i = 1; i < chunks.length; i++) {
      const first = chunks[i]!.split(' ')[0]!;
      expect(chunks[i - 1]!.split(' ')).toContain(first);
    }
  });

  it('rejects nonsense options', () => {
    expect(() => chunkText(text, { size: 0 })).toThrow(/positive integer/);
    expect(() => chunkText(text, { size: 5, overlap: 5 })).toThrow(/overlap/);
  });
});
