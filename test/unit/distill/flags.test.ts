import { describe, expect, it } from 'vitest';
import { applySets } from '../../../src/cli/commands/distill/distill.js';
import { checkFlagsConfig, resolveDistillConfig } from '../../../src/distill/config.js';
import { UsageError } from '../../../src/errors/UsageError.js';

describe('distill --set', () => {
  it('sets any field, parsing JSON values and keeping bare strings', () => {
    const c = applySets({ corpus: ['c'], train: { steps: 5 } }, [
      'generate.temperature=0.5',
      'train.matryoshka=[128,64]',
      'llm=openai:http://h/v1#m',
      'eval.bm25=false',
    ]);
    const r = resolveDistillConfig([{ source: 'flags', config: c }]);
    expect(r.generate.temperature).toBe(0.5);
    expect(r.train).toMatchObject({ steps: 5, matryoshka: [128, 64] });
    expect(r.llm).toBe('openai:http://h/v1#m');
    expect(r.eval.bm25).toBe(false);
  });

  it('rejects a malformed assignment, and the schema names a wrong field', () => {
    expect(() => applySets({}, ['temperature'])).toThrow(UsageError);
    expect(() =>
      resolveDistillConfig([
        { source: 'command-line flags', config: applySets({ corpus: ['c'] }, ['mine.candidates="x"']) },
      ]),
    ).toThrow(/command-line flags \(field "mine.candidates"\)/);
  });

  it('a misspelt or bad --set field is a usage error naming it and listing the valid ones', () => {
    const unknown = () => checkFlagsConfig(applySets({ corpus: ['c'] }, ['train.stepz=5']));
    expect(unknown).toThrow(UsageError);
    expect(unknown).toThrow(
      /command-line flags \(field "train.stepz"\): unknown field\(s\) stepz; valid fields of train are steps, epochs, batchSize, lr,/,
    );
    expect(() => checkFlagsConfig(applySets({}, ['trian.steps=5']))).toThrow(
      /field "trian"\): unknown field\(s\) trian; valid fields are corpus, out, llm,/,
    );
    expect(() => checkFlagsConfig(applySets({}, ['generate.temperature=-1']))).toThrow(UsageError);
    expect(() => checkFlagsConfig(applySets({ corpus: ['c'] }, ['generate.temperature=0.5']))).not.toThrow();
    // Merged errors owned by the command line are usage errors too; a config file's stay input errors.
    expect(() =>
      resolveDistillConfig([
        { source: 'command-line flags', config: { corpus: [], student: { dim: 64 } }, usage: true },
      ]),
    ).toThrow(UsageError);
    // --dim 64 against the default Matryoshka sizes: the flag is at fault, so exit 2.
    const small = () =>
      resolveDistillConfig([
        { source: 'command-line flags', config: { corpus: ['c'], student: { dim: 64 } }, usage: true },
      ]);
    expect(small).toThrow(UsageError);
    expect(small).toThrow(/field "train.matryoshka"\): dimension 256 is larger than student.dim 64/);
  });
});
