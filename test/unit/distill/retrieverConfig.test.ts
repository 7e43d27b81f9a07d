import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, resolveDistillConfig } from '../../../src/distill/config.js';
import { InputError } from '../../../src/errors/InputError.js';
import { UsageError } from '../../../src/errors/UsageError.js';
import { tempDir } from '../../helpers/tmp.js';

const file = (value: unknown): string => {
  const f = join(tempDir('gecko-distill-retriever-'), 'gecko.config.json');
  writeFileSync(f, JSON.stringify(value));
  return f;
};

describe('distill config: mine.retriever', () => {
  it('defaults to BM25 (no embedder), and takes dense or hybrid with an embedder', () => {
    const d = resolveDistillConfig([{ source: 'flags', config: { corpus: ['c'] } }]);
    expect(d.mine).toMatchObject({ retriever: 'bm25', embedder: null, embedderKeyEnv: null, rrfK: 60 });
    const h = resolveDistillConfig([
      {
        source: 'flags',
        config: { corpus: ['c'], mine: { retriever: 'hybrid', embedder: './m', rrfK: 10 } },
      },
    ]);
    expect(h.mine).toMatchObject({ retriever: 'hybrid', embedder: './m', rrfK: 10 });
  });

  it('names the file and field of a bad value; a flag at fault is a usage error', () => {
    const bad = file({ mine: { retriever: 'splade' } });
    expect(() => loadConfigFile(bad)).toThrow(InputError);
    expect(() => loadConfigFile(bad)).toThrow(/field "?mine\.retriever"?.*expected bm25, dense or hybrid/);
    const noEmbedder = file({ mine: { retriever: 'dense' } });
    const layers = [{ source: noEmbedder, config: loadConfigFile(noEmbedder) }];
    expect(() => resolveDistillConfig([...layers, { source: 'flags', config: { corpus: ['c'] } }])).toThrow(
      InputError,
    );
    expect(() => resolveDistillConfig([...layers, { source: 'flags', config: { corpus: ['c'] } }])).toThrow(
      /mine\.embedder.*mine\.retriever "dense" needs an embedder/,
    );
    const flags = () =>
      resolveDistillConfig([
        {
          source: 'command-line flags',
          config: { corpus: ['c'], mine: { retriever: 'hybrid' } },
          usage: true,
        },
      ]);
    expect(flags).toThrow(UsageError);
    expect(flags).toThrow(/command-line flags \(field "mine.embedder"\)/);
    expect(() => loadConfigFile(file({ mine: { rrfK: -1 } }))).toThrow(/mine\.rrfK/);
  });
});
