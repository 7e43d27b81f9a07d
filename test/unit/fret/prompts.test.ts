import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTaskFamilies } from '../../../src/fret/families.js';
import { clipPassage, loadPrompt, renderPrompt } from '../../../src/fret/prompts.js';
import { tempDir } from '../../helpers/tmp.js';

describe('prompts', () => {
  it('loads the bundled versioned prompts with their hashes', () => {
    for (const role of ['generate', 'query-likelihood', 'relevance', 'relevance-graded'] as const) {
      const p = loadPrompt(role);
      expect(p.source).toMatch(/\.v1\.md$/);
      expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('renders placeholders and refuses unknown ones', () => {
    const p = loadPrompt('query-likelihood');
    const text = renderPrompt(p, { passage: 'Geckos climb walls.', title: 'none', task: 't' });
    expect(text).toContain('Passage: Geckos climb walls.\nQuery:');
    expect(text.endsWith('Query:\n')).toBe(true);
    expect(() => renderPrompt(p, {})).toThrow(/unknown placeholder \{\{passage\}\}/);
  });

  it('rejects an override without the required placeholders, naming the file', () => {
    const dir = tempDir();
    const file = join(dir, 'gen.md');
    writeFileSync(file, 'Write a query for {{passage}}');
    expect(() => loadPrompt('generate', file)).toThrow(/gen\.md.*\{\{family\}\}/);
    writeFileSync(file, 'Family {{family}}: write a query for {{passage}}');
    expect(loadPrompt('generate', file).source).toBe(file);
  });

  it('clips long passages at a word boundary', () => {
    expect(clipPassage('short', 100)).toBe('short');
    const clipped = clipPassage('word '.repeat(100), 52);
    expect(clipped.length).toBeLessThanOrEqual(53);
    expect(clipped.endsWith('word…')).toBe(true);
  });

  it('resolves task families from names or a JSON file', () => {
    expect(resolveTaskFamilies().map((f) => f.name)).toEqual([
      'question answering',
      'search result',
      'fact checking',
      'sentence similarity',
      'free-form',
    ]);
    expect(resolveTaskFamilies('fact checking').map((f) => f.name)).toEqual(['fact checking']);
    expect(() => resolveTaskFamilies('poetry')).toThrow(/unknown task family "poetry"/);
    const dir = tempDir();
    const file = join(dir, 'families.json');
    writeFileSync(file, JSON.stringify([{ name: 'code', hint: 'a code search query' }]));
    expect(resolveTaskFamilies(file)).toEqual([{ name: 'code', hint: 'a code search query' }]);
    writeFileSync(file, JSON.stringify([{ name: '' }]));
    expect(() => resolveTaskFamilies(file)).toThrow(/families\.json \(field "\[0\]"\)/);
  });
});
