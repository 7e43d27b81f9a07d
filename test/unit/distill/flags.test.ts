import { describe, expect, it } from 'vitest';
import { applySets } from '../../../src/cli/commands/distill/distill.js';
import { resolveDistillConfig } from '../../../src/distill/config.js';
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
});
