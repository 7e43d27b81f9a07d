import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCorpus } from '../../../src/corpus/index.js';
import { InputError } from '../../../src/errors/InputError.js';
import { tempDir } from '../../helpers/tmp.js';

const good = (id: string, text = `text of ${id}`): string => JSON.stringify({ _id: id, text });

function setup(content: string | Uint8Array, name = 'bad.jsonl') {
  const d = tempDir();
  const f = join(d, name);
  writeFileSync(f, content);
  return { d, f, corpus: openCorpus(join(d, 'ws')) };
}

async function expectInputError(content: string | Uint8Array, pattern: RegExp, line: number, name?: string) {
  const { f, corpus } = setup(content, name);
  try {
    const err = await corpus.add(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.message).toMatch(pattern);
    expect(e.location).toMatchObject({ file: f, line });
    expect(e.message.startsWith(`${f}:${line}`)).toBe(true);
    expect(corpus.count()).toBe(0); // one transaction per file: nothing from it is committed
  } finally {
    corpus.close();
  }
}

describe('bad input', () => {
  it('malformed JSON names file and line, and commits nothing', async () => {
    await expectInputError(
      [good('1'), good('2'), '{"_id": "3", "text": ', good('4')].join('\n'),
      /malformed JSON/,
      3,
    );
  });

  it('a JSON value that is not an object', async () => {
    await expectInputError([good('1'), '[1,2]'].join('\n'), /expected a JSON object/, 2);
  });

  it('missing and empty text fields', async () => {
    await expectInputError([good('1'), '{"_id": "2", "title": "t"}'].join('\n'), /missing text/, 2);
    await expectInputError([good('1'), good('2'), '{"_id": "3", "text": "   "}'].join('\n'), /empty text/, 3);
    await expectInputError('{"_id": "1", "text": 42}', /text must be a string/, 1);
  });

  it('missing id', async () => {
    await expectInputError([good('1'), '{"text": "no id"}'].join('\n'), /missing id/, 2);
  });

  it('an id seen twice with different text, in one file or across files', async () => {
    await expectInputError(
      [good('1', 'one'), good('2'), good('1', 'other')].join('\n'),
      /id "1" was already added with different text/,
      3,
    );
    const { d, f, corpus } = setup(good('x', 'first'));
    try {
      await corpus.add(f);
      const f2 = join(d, 'second.jsonl');
      writeFileSync(f2, [good('y'), good('x', 'changed')].join('\n'));
      await expect(corpus.add(f2)).rejects.toThrow(
        `${f2}:2 (field "_id"): id "x" was already added with different text`,
      );
      expect(corpus.count()).toBe(1);
      expect(corpus.get('y')).toBeUndefined();
    } finally {
      corpus.close();
    }
  });

  it('undecodable bytes name the line, in JSONL and CSV', async () => {
    const bad = Buffer.concat([
      Buffer.from(`${good('1')}\n${good('2')}\n{"_id": "3", "text": "caf`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}\n'),
    ]);
    await expectInputError(bad, /invalid UTF-8/, 3);
    const csv = Buffer.concat([
      Buffer.from('id,text\na,fine\nb,bro'),
      Buffer.from([0xff]),
      Buffer.from('ken\n'),
    ]);
    await expectInputError(csv, /invalid UTF-8/, 3, 'bad.csv');
  });

  it('CSV without the text column says which columns exist', async () => {
    await expectInputError('id,body\n1,hello\n', /no text column "text" \(columns: id, body\)/, 1, 'x.csv');
  });

  it('--skip-invalid keeps the good rows, counts and writes the rejects with reasons', async () => {
    const content = [good('1'), '{oops', '{"_id": "3"}', good('4'), good('1', 'different')].join('\n');
    const { d, f, corpus } = setup(content);
    try {
      const rejects = join(d, 'rejects.jsonl');
      const [r] = await corpus.add(f, { skipInvalid: true, rejectsFile: rejects });
      expect(r!.added).toBe(2);
      expect(r!.rejected.map((x) => x.line)).toEqual([2, 3, 5]);
      const lines = readFileSync(rejects, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.reason)).toEqual([
        expect.stringMatching(/malformed JSON/),
        'missing text field',
        'id "1" was already added with different text; ids must be unique',
      ]);
      expect(corpus.count()).toBe(2);
    } finally {
      corpus.close();
    }
  });
});

describe('CSV/TSV rows with the wrong number of fields (issue 14)', () => {
  it('fail the file with file:line instead of hanging, and are rejected with skipInvalid', async () => {
    await expectInputError('id,text\n2,b,c\n3,d\n', /row has 3 fields, the header has 2/, 2, 't.csv');
    await expectInputError('id\ttext\n1\ta\n2\tb\tc\n3\td\n', /row has 3 fields/, 3, 't.tsv');
    const { d, f, corpus } = setup('id,text\n2,b,c\n3,d\n', 't.csv');
    try {
      const [r] = await corpus.add(f, { skipInvalid: true, rejectsFile: join(d, 'rej.jsonl') });
      expect(r).toMatchObject({ added: 1 });
      expect(r!.rejected).toEqual([expect.objectContaining({ line: 2 })]);
      expect(corpus.get('3')?.text).toBe('d');
      // A later file is still read.
      const g = join(d, 'later.csv');
      writeFileSync(g, 'id,text\n4,e\n');
      await corpus.add(g);
      expect(corpus.get('4')?.text).toBe('e');
    } finally {
      corpus.close();
    }
  });
});
