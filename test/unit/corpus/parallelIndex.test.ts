import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeAverages,
  decodeStructure,
  encodeAverages,
  encodeStructure,
} from '../../../src/corpus/fts/structure.js';
import { readVarints, writeVarint } from '../../../src/corpus/fts/varint.js';
import { type Corpus, openCorpus } from '../../../src/corpus/index.js';
import { InputError } from '../../../src/errors/InputError.js';
import { syntheticPassage, wordAt } from '../../helpers/syntheticCorpus.js';
import { tempDir } from '../../helpers/tmp.js';

/** JSONL of synthetic passages `from`..`to`, with every 50th passage an exact copy of the one before. */
function corpusFile(dir: string, name: string, from: number, to: number, duplicates = true): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++) {
    const { _id, title, text } = syntheticPassage(i, 40);
    const copy = duplicates && i % 50 === 49 ? syntheticPassage(i - 1, 40) : { title, text };
    lines.push(JSON.stringify({ _id, title: copy.title, text: copy.text }));
  }
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const queries = [
  ...Array.from({ length: 20 }, (_, i) => `${wordAt(300 + i * 37)} ${wordAt(2000 + i * 101)}`),
  ...Array.from({ length: 10 }, (_, i) => `${wordAt(30 + i)} ${wordAt(5 + i)} ${wordAt(900 + i)}`),
  'the of and',
];

/** Everything a reader of the index can observe: ranked ids with exact scores, snippets and statistics. */
function observe(corpus: Corpus) {
  const { databaseBytes: _, sources: __, ...stats } = corpus.stats();
  return {
    hits: queries.map((q) => corpus.search(q, 20)),
    snippets: queries.slice(0, 5).map((q) => corpus.searchWithSnippets(q, 3)),
    stats,
  };
}

function ftsIntegrity(corpus: Corpus): void {
  corpus.workspace.db.exec("INSERT INTO passages_fts(passages_fts, rank) VALUES ('integrity-check', 0)");
}

const shardFiles = (ws: string): string[] =>
  existsSync(join(ws, 'tmp')) ? readdirSync(join(ws, 'tmp')).filter((f) => f.startsWith('fts-shard-')) : [];

describe('FTS5 records', () => {
  it('encodes varints as SQLite does and decodes them back', () => {
    const out: number[] = [];
    for (const v of [0, 127, 128, 16_383, 16_384, 2 ** 40 + 5]) writeVarint(out, v);
    expect(out.slice(0, 5)).toEqual([0x00, 0x7f, 0x81, 0x00, 0xff]);
    expect(readVarints(new Uint8Array(out))).toEqual([0, 127, 128, 16_383, 16_384, 2 ** 40 + 5]);
    expect(() => writeVarint([], -1)).toThrow(RangeError);
  });

  it('round-trips the structure and averages records, and refuses a V2 structure', () => {
    const s = {
      cookie: new Uint8Array([0, 0, 0, 3]),
      writeCounter: 4242,
      levels: [
        { merging: 0, segments: [{ id: 1, firstPage: 1, lastPage: 300 }] },
        { merging: 2, segments: [2, 3, 4].map((id) => ({ id, firstPage: 1, lastPage: id * 1000 })) },
      ],
    };
    expect(decodeStructure(encodeStructure(s))).toEqual(s);
    expect(decodeAverages(encodeAverages([10, 200, 3000]), 2)).toEqual([10, 200, 3000]);
    expect(decodeAverages(new Uint8Array(0), 2)).toEqual([0, 0, 0]);
    const v2 = Buffer.concat([Buffer.from([0, 0, 0, 3, 0xff, 0, 0, 1]), encodeStructure(s).subarray(4)]);
    expect(() => decodeStructure(v2)).toThrow(/V2/);
  });
});

describe('parallel indexing', () => {
  it('builds exactly the index that one thread builds, file after file', async () => {
    const d = tempDir();
    const first = corpusFile(d, 'a.jsonl', 0, 3000);
    const second = corpusFile(d, 'b.jsonl', 3000, 4500);
    const single = openCorpus(join(d, 'single'));
    const parallel = openCorpus(join(d, 'parallel'));
    try {
      for (const file of [first, second]) {
        const [s] = await single.add(file, { index: { workers: 0 } });
        const [p] = await parallel.add(file, { index: { workers: 2, batch: 128 } });
        expect(s?.indexed.byWorkers).toBe(0);
        expect(p?.indexed.byWorkers).toBeGreaterThan(0);
        expect((p?.indexed.byWorkers ?? 0) + (p?.indexed.inThread ?? 0)).toBe(
          (p?.added ?? 0) - (p?.duplicates ?? 0),
        );
        expect(p).toMatchObject({ added: s?.added, duplicates: s?.duplicates });
        ftsIntegrity(parallel);
        expect(observe(parallel)).toEqual(observe(single));
        expect(shardFiles(join(d, 'parallel'))).toEqual([]);
      }
      expect(parallel.search(queries[0] as string, 5).length).toBeGreaterThan(0);
    } finally {
      single.close();
      parallel.close();
    }
  });

  it('indexes every passage of the content table, as FTS5 checks it', async () => {
    const d = tempDir();
    const corpus = openCorpus(join(d, 'ws'));
    try {
      // Without duplicates every stored passage is indexed, so FTS5 can check the index against the table.
      const [r] = await corpus.add(corpusFile(d, 'a.jsonl', 0, 1500, false), {
        index: { workers: 1, batch: 100 },
      });
      expect(r?.indexed.byWorkers).toBeGreaterThan(0);
      corpus.workspace.db.exec("INSERT INTO passages_fts(passages_fts, rank) VALUES ('integrity-check', 1)");
    } finally {
      corpus.close();
    }
  });

  it('a bad record late in the file stores nothing, index included, and leaves no scratch files', async () => {
    const d = tempDir();
    const ws = join(d, 'ws');
    const file = corpusFile(d, 'a.jsonl', 0, 2000);
    writeFileSync(file, `${JSON.stringify({ _id: 'late', text: '' })}\n`, { flag: 'a' });
    const corpus = openCorpus(ws);
    try {
      await expect(corpus.add(file, { index: { workers: 1, batch: 100 } })).rejects.toThrow(InputError);
      expect(corpus.count()).toBe(0);
      ftsIntegrity(corpus);
      expect(corpus.search(queries[0] as string, 5)).toEqual([]);
      expect(shardFiles(ws)).toEqual([]);
      const [r] = await corpus.add(file, { index: { workers: 1, batch: 100 }, skipInvalid: true });
      expect(r).toMatchObject({ added: 2000 });
      expect(r?.indexed.byWorkers).toBeGreaterThan(0);
      ftsIntegrity(corpus);
    } finally {
      corpus.close();
    }
  });

  it('removes the scratch shards of a crashed ingest, and only those', async () => {
    const d = tempDir();
    const ws = join(d, 'ws');
    mkdirSync(join(ws, 'tmp'), { recursive: true });
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const stale = `fts-shard-${deadPid}-abc-0.db`;
    const live = `fts-shard-${process.pid}-xyz-0.db`;
    writeFileSync(join(ws, 'tmp', stale), '');
    writeFileSync(join(ws, 'tmp', live), '');
    const corpus = openCorpus(ws);
    try {
      await corpus.add(corpusFile(d, 'a.jsonl', 0, 100), { index: { workers: 1 } });
      expect(shardFiles(ws)).toEqual([live]);
    } finally {
      corpus.close();
    }
  });

  it("removes a killed ingest's shard journals (-journal, -wal, -shm) too, also when indexing in one thread", async () => {
    const d = tempDir();
    const ws = join(d, 'ws');
    mkdirSync(join(ws, 'tmp'), { recursive: true });
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const stale = ['', '-journal', '-wal', '-shm'].map((s) => `fts-shard-${deadPid}-abc-1.db${s}`);
    const live = `fts-shard-${process.pid}-xyz-0.db-journal`;
    for (const f of [...stale, live]) writeFileSync(join(ws, 'tmp', f), 'x');
    const corpus = openCorpus(ws);
    try {
      await corpus.add(corpusFile(d, 'a.jsonl', 0, 100), { index: { workers: 0 } });
      expect(shardFiles(ws)).toEqual([live]);
      await corpus.add(corpusFile(d, 'b.jsonl', 100, 200), { index: { workers: 1 } });
      expect(shardFiles(ws)).toEqual([live]);
    } finally {
      corpus.close();
    }
  });
});
