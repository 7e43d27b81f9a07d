import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  countJsonlRecords,
  type JsonlLine,
  parseJsonlLine,
  readJsonlLines,
  readJsonlSync,
  readJsonlValues,
} from '../../../src/util/jsonl.js';
import { tempDir } from '../../helpers/tmp.js';

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
};

describe('readJsonlValues', () => {
  const all = async (path: string): Promise<unknown[]> => {
    const out: unknown[] = [];
    for await (const v of readJsonlValues(path)) out.push(v);
    return out;
  };
  it('names a missing file and a malformed line with file:line instead of yielding nothing or a raw SyntaxError', async () => {
    const dir = tempDir();
    await expect(all(join(dir, 'missing.jsonl'))).rejects.toThrow(/missing\.jsonl.*file not found/);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"a": 1}\n\n{"a": \n');
    await expect(all(bad)).rejects.toThrow(/bad\.jsonl:3: not valid JSON/);
    writeFileSync(bad, '{"a": 1}\n\n{"a": 2}\n');
    expect(await all(bad)).toEqual([{ a: 1 }, { a: 2 }]);
  });
});

describe('the one JSONL reader', () => {
  let dir = '';
  beforeEach(() => {
    dir = tempDir('gecko-jsonl-');
  });
  // A byte-order mark, CRLF line ends, a blank line and no final newline: what editors and exporters write.
  const text = '\uFEFF{"a": 1}\r\n\r\n  \n{"b": "x"}\r\n{"c": [1]}';
  const expected: JsonlLine[] = [
    { line: 1, text: '{"a": 1}', value: { a: 1 } },
    { line: 4, text: '{"b": "x"}', value: { b: 'x' } },
    { line: 5, text: '{"c": [1]}', value: { c: [1] } },
  ];

  it('streams and reads synchronously the same lines, numbers and values, gzipped or not', async () => {
    const plain = join(dir, 'plain.jsonl');
    const gz = join(dir, 'packed.jsonl.gz');
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(Buffer.from(text)));
    expect(await collect(readJsonlLines(plain))).toEqual(expected);
    expect(await collect(readJsonlLines(gz))).toEqual(expected);
    expect(readJsonlSync(plain)).toEqual(expected);
    expect(readJsonlSync(gz)).toEqual(expected);
  });

  it('rejects a line that is JSON but not an object, naming file:line', async () => {
    for (const bad of ['null', '[1, 2]', '"text"', '3']) {
      const f = join(dir, 'notobject.jsonl');
      writeFileSync(f, `{"ok": true}\n${bad}\n`);
      await expect(collect(readJsonlLines(f))).rejects.toThrow(
        /notobject\.jsonl:2: expected a JSON object on each line/,
      );
      expect(() => readJsonlSync(f)).toThrow(/notobject\.jsonl:2: expected a JSON object on each line/);
    }
  });

  it('names the line of a byte that is not UTF-8 instead of reading U+FFFD', async () => {
    const f = join(dir, 'latin1.jsonl');
    writeFileSync(
      f,
      Buffer.concat([Buffer.from('{"a": 1}\n{"a": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]),
    );
    await expect(collect(readJsonlLines(f))).rejects.toThrow(/latin1\.jsonl:2: invalid UTF-8/);
    expect(() => readJsonlSync(f)).toThrow(/latin1\.jsonl:2: invalid UTF-8/);
  });

  it('says a file is missing from the synchronous reader too', () => {
    expect(() => readJsonlSync(join(dir, 'nope.jsonl'))).toThrow(/nope\.jsonl: file not found/);
  });

  it('keeps the wording a caller asks for', () => {
    expect(() => parseJsonlLine('{"a":', 'c.jsonl', 7, { invalid: 'malformed JSON' })).toThrow(
      /^c\.jsonl:7: malformed JSON \(/,
    );
    expect(() => parseJsonlLine('[]', 'c.jsonl', 7, { notObject: 'expected {"_id": ...}' })).toThrow(
      'c.jsonl:7: expected {"_id": ...}',
    );
  });

  it('counts records, stopping at a limit before a later bad line', async () => {
    const f = join(dir, 'count.jsonl');
    writeFileSync(f, '{"a": 1}\n\n{"a": 2}\n{"a": 3}\n');
    expect(await countJsonlRecords(f)).toBe(3);
    writeFileSync(f, '{"a": 1}\n{"a": 2}\nnot json\n');
    expect(await countJsonlRecords(f, 1)).toBe(1);
    await expect(countJsonlRecords(f)).rejects.toThrow(/count\.jsonl:3: not valid JSON/);
    writeFileSync(f, '\n');
    expect(await countJsonlRecords(f, 1)).toBe(0);
  });
});
