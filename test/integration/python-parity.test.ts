import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmbedKind } from '../../src/model/Embedder.js';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { saveStaticModel } from '../../src/model/formats/saveStaticModel.js';
import { StaticModel } from '../../src/model/StaticModel.js';
import { runGecko } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';
import { bertTokenizer, sharedTexts } from '../unit/model/fixtures.js';

/**
 * Debian's python3 with python3-numpy (.ci/run installs it); a pyenv python3 on PATH may lack numpy, so the
 * path is explicit. GECKO_PYTHON overrides it; GECKO_PYTHON_PARITY=required (set by .ci/run) turns a missing
 * numpy into a failure instead of a skip.
 */
const PYTHON = process.env.GECKO_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
const hasNumpy = probe.status === 0;
const required = process.env.GECKO_PYTHON_PARITY === 'required';
const skipReason = hasNumpy
  ? ''
  : `${PYTHON} with numpy is not available (${probe.error?.message ?? probe.stderr.trim().split('\n').pop()}); apt-get install python3-numpy`;
if (!hasNumpy && !required) console.warn(`python parity check skipped: ${skipReason}`);

/** Texts with words the BERT vocabulary lacks ([UNK] for emoji, rare symbols, over-long words). */
const UNKNOWN = [
  'geckos 🦎 climb glass walls ☃ with setae',
  'ⅻ ⸘ ꙮ unknown symbols between known words',
  `a ${'x'.repeat(120)} word too long for WordPiece`,
  'naïve café ΣΑΣ σας İstanbul a\u000bb 中文字 ＡＢＣ',
  '🦎🦎🦎',
  '',
];

/** One-token words of 12-13 characters: 512 x 6 (BERT's median token length) characters hold ~230 of them. */
const LONG_WORDS = 'international understanding relationship organization environmental '.repeat(150);

/** Documents longer than 512 tokens, and one whose long words hit model2vec's character cut first. */
function longTexts(): string[] {
  const docs = sharedTexts('mteb/SciFact/corpus.jsonl', 'text', 40);
  const joined = docs.join(' ');
  return [joined.slice(0, 6000), `${joined.slice(6000, 9000)} 🦎 ${joined.slice(9000, 12000)}`, LONG_WORDS];
}

interface Case {
  name: string;
  library: 'model2vec' | 'sentence-transformers';
  texts: string[];
  prompt_name: 'query' | 'document' | null;
  max_length?: number | null;
  dimensionality?: number;
  truncate_dim?: number;
  normalize_embeddings?: boolean;
  expect?: 'equal' | 'differ';
  expected: number[][];
}

async function vectors(
  dir: string,
  texts: string[],
  kind: EmbedKind,
  opts: { maxLength?: number; dimensions?: number } = {},
): Promise<number[][]> {
  const m = await loadStaticModel(dir, opts.maxLength !== undefined ? { maxLength: opts.maxLength } : {});
  const rows = await m.embed(texts, { kind, ...(opts.dimensions ? { dimensions: opts.dimensions } : {}) });
  return rows.map((r) => Array.from(r));
}

async function cases(dir: string): Promise<Case[]> {
  const long = longTexts();
  const both = ['model2vec', 'sentence-transformers'] as const;
  const out: Case[] = [];
  for (const library of both) {
    out.push(
      {
        name: 'queries with unknown words',
        library,
        texts: UNKNOWN,
        prompt_name: 'query',
        expected: await vectors(dir, UNKNOWN, 'query'),
      },
      {
        name: 'documents with unknown words',
        library,
        texts: UNKNOWN,
        prompt_name: 'document',
        expected: await vectors(dir, UNKNOWN, 'document'),
      },
      {
        name: 'Matryoshka 16 dims',
        library,
        texts: UNKNOWN.slice(0, 3),
        prompt_name: 'query',
        ...(library === 'model2vec'
          ? { dimensionality: 16 }
          : { truncate_dim: 16, normalize_embeddings: true }),
        expected: await vectors(dir, UNKNOWN.slice(0, 3), 'query', { dimensions: 16 }),
      },
      {
        name: 'long documents, no length limit (gecko maxLength Infinity)',
        library,
        texts: long,
        prompt_name: 'document',
        max_length: null,
        expected: await vectors(dir, long, 'document', { maxLength: Number.POSITIVE_INFINITY }),
      },
    );
  }
  out.push(
    {
      name: 'long documents at 512 tokens (model2vec default)',
      library: 'model2vec',
      texts: long,
      prompt_name: 'document',
      max_length: 512,
      expected: await vectors(dir, long, 'document'),
    },
    {
      // Documented: sentence-transformers' StaticEmbedding does not cut texts, gecko cuts at maxLength.
      name: 'long documents: gecko cut at 512, sentence-transformers uncut',
      library: 'sentence-transformers',
      texts: long,
      prompt_name: 'document',
      expect: 'differ',
      expected: await vectors(dir, long, 'document'),
    },
  );
  return out;
}

function runCheck(dir: string, specCases: Case[]): { status: number | null; out: string } {
  const spec = join(dir, '..', `parity-${Date.now()}.json`);
  writeFileSync(spec, JSON.stringify({ model: dir, cases: specCases }));
  const r = spawnSync(PYTHON, [join(ROOT, 'scripts/parity/check.py'), spec], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!hasNumpy && !required)('Python parity of exported folders (scripts/parity/check.py)', () => {
  it('python3 with numpy is there when CI requires it', () => {
    expect(skipReason).toBe('');
  });

  for (const format of ['model2vec', 'sentence-transformers'] as const) {
    it(`gecko export --format ${format}: model2vec and sentence-transformers give gecko's vectors`, async () => {
      const root = tempDir('gecko-parity-');
      const src = join(root, 'trained');
      const model = StaticModel.create(bertTokenizer(), 32, {
        seed: 11,
        config: { maxLength: 512, matryoshkaDims: [32, 16] },
      });
      await saveStaticModel(model, src);
      const out = join(root, 'exported');
      const r = await runGecko([
        'export',
        src,
        '--out',
        out,
        '--format',
        format,
        '--name',
        'acme/gecko-parity',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const { status, out: report } = runCheck(out, await cases(out));
      expect(report).toMatch(/10 of 10 cases as expected/);
      expect(status).toBe(0);
      expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('acme/gecko-parity');
      // The long-word document is decided by model2vec's character cut, not by its 512-token cut.
      const exported = await loadStaticModel(out);
      const cut = exported.tokenize([`title: none | text: ${LONG_WORDS}`]);
      expect(exported.tokenizer.medianTokenLength).toBe(6);
      expect(cut.ids.length).toBeLessThan(300);
      expect(cut.truncated).toBe(1);
    }, 180_000);
  }

  it('fails when the vectors differ (the check can fail)', async () => {
    const root = tempDir('gecko-parity-');
    const dir = join(root, 'm');
    await saveStaticModel(StaticModel.create(bertTokenizer(), 8, { seed: 2 }), dir);
    const texts = ['geckos climb walls'];
    const wrong = (await vectors(dir, texts, 'document')).map((r) =>
      r.map((x, i) => (i === 0 ? x + 1e-5 : x)),
    );
    const { status, out } = runCheck(dir, [
      { name: 'perturbed', library: 'model2vec', texts, prompt_name: 'document', expected: wrong },
    ]);
    expect(out).toMatch(/FAIL model2vec/);
    expect(status).toBe(1);
  });
});
