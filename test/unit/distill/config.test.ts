import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DISTILL,
  DEFAULT_LLM,
  loadConfigFile,
  resolveDistillConfig,
} from '../../../src/distill/config.js';
import { InputError } from '../../../src/errors/InputError.js';
import { tempDir } from '../../helpers/tmp.js';

const write = (value: unknown, raw?: string): string => {
  const f = join(tempDir('gecko-distill-config-'), 'gecko.config.json');
  writeFileSync(f, raw ?? JSON.stringify(value));
  return f;
};
const error = (fn: () => unknown): InputError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('distill config', () => {
  it('fills the embedded defaults: the default LLM is a GGUF fetched from the hub', () => {
    const c = resolveDistillConfig([{ source: 'flags', config: { corpus: ['c.jsonl'] } }]);
    expect(c.llm).toBe(DEFAULT_LLM);
    expect(DEFAULT_LLM).toMatch(/^llama:hf:[^/]+\/[^/]+\/.+\.gguf$/);
    expect(c.mine.judge).toBe('auto');
    expect(c.student.dim).toBe(256);
    expect(c).toEqual({ ...DEFAULT_DISTILL, corpus: ['c.jsonl'] });
  });

  it('layers defaults < file < flags, field by field inside a group', () => {
    const file = loadConfigFile(write({ llm: 'openai:http://x/v1#m', train: { steps: 9, lr: 0.01 } }));
    const c = resolveDistillConfig([
      { source: 'gecko.config.json', config: file },
      { source: 'flags', config: { corpus: ['a.jsonl'], train: { steps: 3, batchSize: undefined } } },
    ]);
    expect(c.llm).toBe('openai:http://x/v1#m');
    expect(c.train).toMatchObject({ steps: 3, lr: 0.01, batchSize: DEFAULT_DISTILL.train.batchSize });
  });

  it('names the file and the field of a bad value', () => {
    const f = write({ mine: { candidates: 1 } });
    const e = error(() =>
      resolveDistillConfig([
        { source: f, config: loadConfigFile(f) },
        { source: 'flags', config: { corpus: ['c'] } },
      ]),
    );
    expect(e.location).toMatchObject({ file: f, field: 'mine.candidates' });
  });

  it('rejects unknown fields, bad JSON and wrong types in the file itself', () => {
    expect(error(() => loadConfigFile(write({ trian: {} }))).message).toMatch(/unknown field\(s\) trian/);
    const dimz = error(() => loadConfigFile(write({ eval: { dimz: [1] } })));
    expect(dimz.location.field).toBe('eval.dimz');
    expect(dimz.message).toMatch(
      /unknown field\(s\) dimz; valid fields of eval are holdout, tasks, data, dims, bm25/,
    );
    expect(error(() => loadConfigFile(write(null, '{"llm": '))).message).toMatch(/not valid JSON/);
    expect(error(() => loadConfigFile(write({ seed: 'x' }))).location.field).toBe('seed');
    expect(error(() => loadConfigFile(write({ mine: { judge: 'oracle' } }))).message).toMatch(/qrels:FILE/);
    expect(error(() => loadConfigFile('/nonexistent/gecko.config.json')).message).toMatch(/not found/);
  });

  it('checks Matryoshka sizes against the student dimension and needs a corpus', () => {
    const e = error(() =>
      resolveDistillConfig([{ source: 'flags', config: { corpus: ['c'], student: { dim: 64 } } }]),
    );
    expect(e.location).toMatchObject({ file: 'defaults', field: 'train.matryoshka' });
    expect(error(() => resolveDistillConfig([{ source: 'flags', config: {} }])).location.field).toBe(
      'corpus',
    );
  });
});
