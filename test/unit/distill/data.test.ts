import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHeldOut, selfSupervisedPairs, splitFret, writeHeldOutTask } from '../../../src/distill/data.js';
import { loadLocalTask } from '../../../src/eval/tasks/loadLocalTask.js';
import { tempDir } from '../../helpers/tmp.js';

describe('held-out split and pairs', () => {
  it('holds out a stable, seeded fraction of passages', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `p${i}`);
    const held = ids.filter((id) => isHeldOut(id, 42, 0.1));
    expect(held.length / ids.length).toBeGreaterThan(0.085);
    expect(held.length / ids.length).toBeLessThan(0.115);
    expect(ids.filter((id) => isHeldOut(id, 42, 0.1))).toEqual(held);
    expect(ids.filter((id) => isHeldOut(id, 7, 0.1))).not.toEqual(held);
    expect(ids.some((id) => isHeldOut(id, 42, 0))).toBe(false);
  });

  it('makes title → body pairs, or first sentence → rest for untitled passages', () => {
    expect(selfSupervisedPairs({ title: 'Geckos', text: 'They climb walls.' }, ['title-body'], 1, 0)).toEqual(
      [{ anchor: 'Geckos', positive: 'They climb walls.', title: null, kind: 'title-body' }],
    );
    expect(
      selfSupervisedPairs(
        { title: null, text: 'Geckos climb walls easily. Their toes hold millions of setae.' },
        ['title-body'],
        1,
        0,
      ),
    ).toMatchObject([{ anchor: 'Geckos climb walls easily.', kind: 'first-sentence' }]);
    expect(selfSupervisedPairs({ title: '', text: 'no sentence end' }, ['title-body'], 1, 0)).toEqual([]);
  });

  it('adds a cloze pair per passage: a long sentence out, the titled rest as the positive', () => {
    const text =
      'Geckos climb smooth walls with ease. Their toes carry millions of tiny setae. ' +
      'Van der Waals forces hold each seta to the surface.';
    const pairs = selfSupervisedPairs({ title: 'Geckos', text }, ['title-body', 'cloze'], 3, 5);
    expect(pairs.map((p) => p.kind)).toEqual(['title-body', 'cloze']);
    const cloze = pairs[1]!;
    expect(cloze.title).toBe('Geckos');
    expect(text).toContain(cloze.anchor);
    expect(cloze.positive).not.toContain(cloze.anchor);
    expect(cloze.positive.length + cloze.anchor.length + 1).toBe(text.length);
    // Seeded by (seed, index): the same call gives the same sentence, and other indices ask other ones.
    expect(selfSupervisedPairs({ title: 'Geckos', text }, ['cloze'], 3, 5)).toEqual([cloze]);
    const asked = new Set(
      Array.from(
        { length: 30 },
        (_, i) => selfSupervisedPairs({ title: 'Geckos', text }, ['cloze'], 3, i)[0]!.anchor,
      ),
    );
    expect(asked.size).toBe(3);
    // Fewer than three sentences: no cloze pair.
    expect(
      selfSupervisedPairs({ title: 'G', text: 'One sentence only here. And two.' }, ['cloze'], 3, 0),
    ).toEqual([]);
  });

  it('splits FRet examples by seed passage and writes a loadable held-out retrieval task', async () => {
    const dir = tempDir('gecko-split-');
    const seeds = Array.from({ length: 60 }, (_, i) => `d${i}`);
    const examples = seeds.map((s, i) => ({
      id: `r/${s}`,
      task: 't',
      query: `q${i}`,
      family: 'f',
      positive: { id: i % 5 === 0 ? seeds[(i + 1) % 60] : s, title: null, text: 'x' },
      negative: null,
      seed_id: s,
      relabeled: i % 5 === 0,
      candidates: [],
      scores: {},
      ranks: {},
      llm: { model: null, scoring: 'qrels' },
    }));
    const fret = join(dir, 'fret.jsonl');
    writeFileSync(fret, examples.map((e) => JSON.stringify(e)).join('\n'));
    const r = await splitFret(fret, dir, 1, 0.3);
    expect(r.counts.train + r.counts.heldOut).toBe(60);
    expect(r.counts.heldOut).toBeGreaterThan(5);
    const train = readFileSync(r.files.train, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const e of train) expect(isHeldOut(e.seed_id, 1, 0.3)).toBe(false);
    const corpus = join(dir, 'corpus.jsonl');
    writeFileSync(
      corpus,
      seeds.map((s) => JSON.stringify({ _id: s, title: '', text: `text ${s}` })).join('\n'),
    );
    const taskDir = await writeHeldOutTask(
      join(dir, 'tasks'),
      'HeldOut',
      corpus,
      r.files.heldout,
      'search result',
    );
    const task = loadLocalTask(taskDir as string);
    expect(task.metadata).toMatchObject({ name: 'HeldOut', type: 'Retrieval', prompt: 'search result' });
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '');
    expect(await writeHeldOutTask(join(dir, 'tasks'), 'None', corpus, empty, 'x')).toBeNull();
  });
});
