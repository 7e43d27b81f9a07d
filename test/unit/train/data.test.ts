import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/InputError.js';
import { BatchSampler } from '../../../src/train/data/BatchSampler.js';
import { buildDataset } from '../../../src/train/data/Dataset.js';
import { readSource } from '../../../src/train/data/readers.js';
import type { Source } from '../../../src/train/data/types.js';
import { tempDir } from '../../helpers/tmp.js';

function jsonl(rows: unknown[]): string {
  const f = join(tempDir(), 'data.jsonl');
  writeFileSync(f, rows.map((r) => JSON.stringify(r)).join('\n'));
  return f;
}

describe('training data readers', () => {
  it('FRet records: unified query and document formats, null negatives', () => {
    const f = jsonl([
      {
        id: '1',
        task: 'fact checking',
        query: 'geckos climb',
        positive: { id: 'p', title: 'Geckos', text: 'They climb.' },
        negative: { id: 'n', title: '', text: 'Frogs jump.' },
      },
      {
        id: '2',
        task: 'search result',
        query: 'q2',
        positive: { id: 'p2', title: null, text: 't2' },
        negative: null,
      },
    ]);
    const s = readSource({ path: f }, 1);
    expect(s.kind).toBe('fret');
    expect(s.examples[0]).toEqual({
      anchor: 'task: fact checking | query: geckos climb',
      positive: 'title: Geckos | text: They climb.',
      negative: 'title: none | text: Frogs jump.',
      task: 'fact checking',
    });
    expect(s.examples[1]!.negative).toBeNull();
  });

  it('triplets as written, or formatted', () => {
    const f = jsonl([
      { anchor: 'a', positive: 'b' },
      { anchor: 'c', positive: 'd', negative: 'e' },
    ]);
    expect(readSource({ path: f }, 1).examples[1]).toMatchObject({
      anchor: 'c',
      positive: 'd',
      negative: 'e',
    });
    const qd = readSource({ path: f, format: 'query-document' }, 1).examples[0]!;
    expect(qd).toMatchObject({ anchor: 'task: search result | query: a', positive: 'title: none | text: b' });
  });

  it('scored pairs above the threshold, symmetric format', () => {
    const f = jsonl([
      { sentence1: 'a', sentence2: 'b', score: 4.5 },
      { sentence1: 'c', sentence2: 'd', score: 1 },
    ]);
    const s = readSource({ path: f, threshold: 4 }, 1);
    expect(s.kind).toBe('scored-pairs');
    expect(s.examples).toEqual([
      {
        anchor: 'task: semantic similarity | query: a',
        positive: 'task: semantic similarity | query: b',
        negative: null,
        task: 'semantic similarity',
      },
    ]);
  });

  it('classification triples: same-label positive, other-label negative, one id on all three', () => {
    const rows = ['x1', 'x2', 'x3']
      .map((t) => ({ text: t, label: 'x' }))
      .concat(['y1', 'y2'].map((t) => ({ text: t, label: 'y' })));
    const s = readSource({ path: jsonl(rows) }, 3);
    expect(s.kind).toBe('classification');
    expect(s.examples).toHaveLength(5);
    s.examples.forEach((e, i) => {
      const id = ` (id ${i})`;
      const strip = (t: string): string => t.replace('task: classification | query: ', '').replace(id, '');
      expect(e.anchor.endsWith(id) && e.positive.endsWith(id) && e.negative!.endsWith(id)).toBe(true);
      const [a, p, n] = [strip(e.anchor), strip(e.positive), strip(e.negative!)];
      expect(a[0]).toBe(p[0]);
      expect(n[0]).not.toBe(a[0]);
      expect(p).not.toBe(a);
    });
  });

  it('classification: a label whose texts are all one string makes no examples (and does not hang)', () => {
    const rows = [
      ...['same', 'same', 'same'].map((t) => ({ text: t, label: 'x' })),
      ...['y1', 'y2'].map((t) => ({ text: t, label: 'y' })),
    ];
    const s = readSource({ path: jsonl(rows) }, 3);
    expect(s.examples).toHaveLength(2);
    for (const e of s.examples) expect(e.anchor).toMatch(/query: y[12] \(id [34]\)$/);
  });

  it('self-supervised pairs from a corpus', () => {
    const f = jsonl([
      { _id: '1', title: 'Geckos', text: 'Geckos climb walls. They have sticky feet with setae.' },
      { _id: '2', title: '', text: 'No title here. But two sentences are enough to pair.' },
    ]);
    expect(readSource({ path: f }, 1).examples).toEqual([
      {
        anchor: 'task: search result | query: Geckos',
        positive: 'title: none | text: Geckos climb walls. They have sticky feet with setae.',
        negative: null,
        task: 'search result',
      },
    ]);
    const fs = readSource({ path: f, selfSupervised: 'first-sentence' }, 1).examples;
    expect(fs[0]).toMatchObject({
      anchor: 'task: search result | query: Geckos climb walls.',
      positive: 'title: none | text: They have sticky feet with setae.',
    });
    expect(fs).toHaveLength(2);
  });

  it('cloze pairs: one long sentence asks for the rest of its passage, the same one on every run', () => {
    const long = (w: string): string => `The ${w} sentence of this passage is long enough to ask about.`;
    const f = jsonl([
      { title: 'Three', text: `${long('first')} ${long('second')} Short one.` },
      { title: 'Two', text: `${long('first')} ${long('second')}` },
    ]);
    const read = (seed: number) =>
      readSource({ path: f, selfSupervised: ['title-body', 'cloze'] }, seed).examples;
    const ex = read(7);
    // Passage 1 gives a title pair and a cloze pair; passage 2 (two sentences) only its title pair.
    expect(ex.map((e) => e.anchor.replace(/^task: search result \| query: /, ''))).toEqual([
      'Three',
      expect.stringMatching(/^The (first|second) sentence/),
      'Two',
    ]);
    const cloze = ex[1]!;
    const asked = cloze.anchor.includes('first') ? 'first' : 'second';
    const other = asked === 'first' ? 'second' : 'first';
    expect(cloze.positive).toBe(`title: Three | text: ${long(other)} Short one.`);
    expect(read(7)).toEqual(ex);
    // Over seeds both long sentences get asked, the short one never.
    const asks = new Set(
      [1, 2, 3, 4, 5, 6, 8, 9].map((s) => (read(s)[1]!.anchor.includes('first') ? 'first' : 'second')),
    );
    expect(asks).toEqual(new Set(['first', 'second']));
  });

  it('names file, line and field of a bad record', () => {
    const f = jsonl([
      { sentence1: 'a', sentence2: 'b', score: 5 },
      { sentence1: 'a', sentence2: 7, score: 5 },
    ]);
    expect(() => readSource({ path: f }, 1)).toThrow(InputError);
    expect(() => readSource({ path: f }, 1)).toThrow(`${f}:2 (field "sentence2")`);
    const g = jsonl([{ foo: 1 }]);
    expect(() => readSource({ path: g }, 1)).toThrow(/cannot tell the kind/);
  });
});

function source(name: string, n: number, weight = 1, task = name, dupEvery = 0): Source {
  return {
    name,
    kind: 'triplets',
    weight,
    examples: Array.from({ length: n }, (_, i) => ({
      anchor: `${name} a${i}`,
      positive: dupEvery && i % dupEvery === 0 ? 'shared positive' : `${name} p${i}`,
      negative: null,
      task,
    })),
  };
}

describe('BatchSampler', () => {
  it('never repeats a text within a batch, deferring duplicates', () => {
    const ds = buildDataset([source('s', 200, 1, 's', 10)]);
    const sampler = new BatchSampler(ds, { batchSize: 16, seed: 1 });
    for (let b = 0; b < 30; b++) {
      const batch = sampler.next();
      const texts = new Set<number>();
      for (const e of batch) {
        for (const t of [ds.anchor[e]!, ds.positive[e]!]) {
          expect(texts.has(t)).toBe(false);
          texts.add(t);
        }
      }
    }
  });

  it('mixes sources by weight per epoch', () => {
    const ds = buildDataset([source('a', 100, 1), source('b', 100, 0.5)]);
    const sampler = new BatchSampler(ds, { batchSize: 10, seed: 2 });
    expect(sampler.epochSize).toBe(150);
    const counts = [0, 0];
    for (let b = 0; b < 15; b++) for (const e of sampler.next()) counts[ds.source[e]!]!++;
    expect(counts).toEqual([100, 50]);
  });

  it('uniform task sampling draws every task equally often', () => {
    const ds = buildDataset([source('a', 300, 1, 'qa'), source('b', 30, 1, 'fact')]);
    const sampler = new BatchSampler(ds, { batchSize: 30, seed: 3, taskSampling: 'uniform' });
    const counts = [0, 0];
    expect(sampler.epochSize).toBe(330);
    // Three epochs; repeats of the small task's examples can be deferred by a batch, hence the margin.
    for (let b = 0; b < 33; b++) for (const e of sampler.next()) counts[ds.task[e]!]!++;
    expect(Math.abs(counts[0]! - counts[1]!)).toBeLessThanOrEqual(30);
    expect(counts[0]! + counts[1]!).toBe(990);
  });

  it('is seeded and resumes exactly from its state', () => {
    const ds = buildDataset([source('a', 97, 1, 'a', 7)]);
    const a = new BatchSampler(ds, { batchSize: 8, seed: 4 });
    for (let i = 0; i < 17; i++) a.next();
    const b = new BatchSampler(ds, { batchSize: 8, seed: 4 }, a.state());
    for (let i = 0; i < 20; i++) expect(Array.from(b.next())).toEqual(Array.from(a.next()));
    const c = new BatchSampler(ds, { batchSize: 8, seed: 5 });
    const d = new BatchSampler(ds, { batchSize: 8, seed: 4 });
    expect(Array.from(c.next())).not.toEqual(Array.from(d.next()));
  });
});
