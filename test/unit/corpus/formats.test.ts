import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { openCorpus } from '../../../src/corpus/index.js';
import { tempDir } from '../../helpers/tmp.js';

const rows = [
  { id: 'a', title: 'Geckos', text: 'Geckos climb smooth walls using van der Waals forces.' },
  { id: 'b', title: '', text: 'Tokay geckos are loud and territorial.' },
  { id: 'c', title: 'Lizards', text: 'Most lizards cannot climb glass.' },
];

const jsonl = rows.map((r) => JSON.stringify({ _id: r.id, title: r.title, text: r.text })).join('\n') + '\n';
const csvField = (s: string): string => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

async function addAndList(file: string, options: Parameters<ReturnType<typeof openCorpus>['add']>[1] = {}) {
  const corpus = openCorpus(join(tempDir(), 'ws'));
  try {
    const [result] = await corpus.add(file, options);
    const passages = [];
    for await (const p of corpus) passages.push(p);
    return { result: result!, passages, corpus };
  } finally {
    corpus.close();
  }
}

describe('corpus input formats', () => {
  it('reads BEIR-style JSONL with _id, and titles (empty title becomes null)', async () => {
    const f = join(tempDir(), 'corpus.jsonl');
    writeFileSync(f, jsonl);
    const { result, passages } = await addAndList(f);
    expect(result.added).toBe(3);
    expect(passages.map((p) => [p.id, p.title, p.text])).toEqual([
      ['a', 'Geckos', rows[0]!.text],
      ['b', null, rows[1]!.text],
      ['c', 'Lizards', rows[2]!.text],
    ]);
  });

  it('reads JSONL with "id" and numeric ids, CRLF line ends and a BOM', async () => {
    const f = join(tempDir(), 'c.jsonl');
    writeFileSync(f, '\ufeff{"id": 7, "text": "seven"}\r\n\r\n{"id": "8", "text": "eight"}\r\n');
    const { passages } = await addAndList(f);
    expect(passages.map((p) => p.id)).toEqual(['7', '8']);
  });

  it('reads CSV with named columns, quoted fields and embedded newlines', async () => {
    const f = join(tempDir(), 'faq.csv');
    const body = rows.map((r) => [r.id, csvField(r.title), csvField(r.text)].join(',')).join('\n');
    writeFileSync(f, `qid,heading,answer\n${body}\nd,"multi","line one\nline ""two"""\n`);
    const { passages } = await addAndList(f, { columns: { id: 'qid', title: 'heading', text: 'answer' } });
    expect(passages).toHaveLength(4);
    expect(passages[3]).toMatchObject({ id: 'd', title: 'multi', text: 'line one\nline "two"' });
  });

  it('reads TSV with a header', async () => {
    const f = join(tempDir(), 'p.tsv');
    writeFileSync(f, `id\ttitle\ttext\n${rows.map((r) => `${r.id}\t${r.title}\t${r.text}`).join('\n')}\n`);
    const { passages } = await addAndList(f);
    expect(passages.map((p) => p.text)).toEqual(rows.map((r) => r.text));
  });

  it('reads Parquet one row group at a time', async () => {
    const f = join(tempDir(), 'p.parquet');
    const n = 2500;
    const buf = parquetWriteBuffer({
      columnData: [
        { name: '_id', data: Array.from({ length: n }, (_, i) => `doc${i}`), type: 'STRING' },
        { name: 'title', data: Array.from({ length: n }, (_, i) => `title ${i}`), type: 'STRING' },
        {
          name: 'text',
          data: Array.from({ length: n }, (_, i) => `passage number ${i} about geckos`),
          type: 'STRING',
        },
      ],
      rowGroupSize: 1000,
    });
    writeFileSync(f, new Uint8Array(buf));
    const { result, passages } = await addAndList(f);
    expect(result.added).toBe(n);
    expect(passages[2499]).toMatchObject({
      id: 'doc2499',
      title: 'title 2499',
      text: 'passage number 2499 about geckos',
    });
  });

  it('reads .gz of JSONL, CSV and Parquet', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'a.jsonl.gz'), gzipSync(jsonl));
    writeFileSync(join(d, 'b.csv.gz'), gzipSync(`id,text\nx1,hello from csv\n`));
    const pq = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ['p1'], type: 'STRING' },
        { name: 'text', data: ['hello from parquet'], type: 'STRING' },
      ],
    });
    writeFileSync(join(d, 'c.parquet.gz'), gzipSync(new Uint8Array(pq)));
    const corpus = openCorpus(join(d, 'ws'));
    try {
      const results = await corpus.add([join(d, 'a.jsonl.gz'), join(d, 'b.csv.gz'), join(d, 'c.parquet.gz')]);
      expect(results.map((r) => [r.format, r.added])).toEqual([
        ['jsonl', 3],
        ['csv', 1],
        ['parquet', 1],
      ]);
      expect(corpus.get('p1')?.text).toBe('hello from parquet');
    } finally {
      corpus.close();
    }
  });

  it('reads a folder of .txt and .md files, taking a Markdown H1 as title', async () => {
    const d = join(tempDir(), 'docs');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'one.txt'), 'Plain text document.\n');
    writeFileSync(join(d, 'sub', 'two.md'), '# Gecko feet\n\nSetae on gecko toes.\n');
    writeFileSync(join(d, 'ignored.bin'), 'not text');
    const { passages } = await addAndList(d);
    expect(passages.map((p) => [p.id, p.title, p.text])).toEqual([
      ['one.txt', null, 'Plain text document.'],
      ['sub/two.md', 'Gecko feet', 'Setae on gecko toes.'],
    ]);
  });

  it('chunks long documents and records the parent document', async () => {
    const f = join(tempDir(), 'long.jsonl');
    const words = Array.from({ length: 25 }, (_, i) => `w${i}`).join(' ');
    writeFileSync(
      f,
      `${JSON.stringify({ _id: 'L', text: words })}\n${JSON.stringify({ _id: 'S', text: 'short' })}\n`,
    );
    const { passages } = await addAndList(f, { chunk: { size: 10, overlap: 2 } });
    expect(passages.map((p) => [p.id, p.docId, p.chunk])).toEqual([
      ['L#0', 'L', 0],
      ['L#1', 'L', 1],
      ['L#2', 'L', 2],
      ['S', 'S', 0],
    ]);
    expect(passages[1]!.text.split(' ')[0]).toBe('w8');
    expect(passages[2]!.text).toBe('w16 w17 w18 w19 w20 w21 w22 w23 w24');
  });
});
