/**
 * README "No LLM yet": runs exactly the README's commands (with `gecko` the CLI from source) on the files
 * shipped in examples/, in an empty folder, and checks that the scores the README quotes are the ones they
 * produce. Also checks the example files agree with what the README and task.json say about them.
 */
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { ROOT } from '../helpers/paths.js';
import { readmeShellBlock, runReadmeBlock } from '../helpers/readme.js';
import { tempDir } from '../helpers/tmp.js';

const EXAMPLES = join(ROOT, 'examples');
const TASK = join(EXAMPLES, 'eval/ExampleSearch');

function jsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** nDCG@10 (x100) from the results JSON `gecko eval --out DIR` wrote for ExampleSearch. */
function ndcg10(outDir: string): number {
  const [model] = readdirSync(outDir).filter((d) => !d.startsWith('report'));
  const r = JSON.parse(readFileSync(join(outDir, model!, 'full/ExampleSearch.json'), 'utf8')) as {
    scores: { test: { ndcg_at_10: number }[] };
  };
  return r.scores.test[0]!.ndcg_at_10 * 100;
}

describe('examples/ files', () => {
  it('the eval task holds the same corpus, and none of its answers is a training positive', () => {
    expect(readFileSync(join(TASK, 'corpus.jsonl'), 'utf8')).toBe(
      readFileSync(join(EXAMPLES, 'corpus.jsonl'), 'utf8'),
    );
    const ids = new Set(jsonl(join(EXAMPLES, 'corpus.jsonl')).map((r) => r._id));
    const positives = jsonl(join(EXAMPLES, 'pairs.jsonl')).map((r) => (r.positive as { id: string }).id);
    expect(positives).toHaveLength(128);
    for (const id of positives) expect(ids.has(id), id).toBe(true);
    const qrels = readFileSync(join(TASK, 'qrels/test.tsv'), 'utf8').trim().split('\n').slice(1);
    expect(qrels).toHaveLength(jsonl(join(TASK, 'queries.jsonl')).length);
    for (const line of qrels) {
      const doc = line.split('\t')[1]!;
      expect(ids.has(doc), doc).toBe(true);
      expect(positives).not.toContain(doc);
    }
  });
});

describe('README "No LLM yet"', () => {
  it('runs as written and gives the scores the README quotes', async () => {
    const block = readmeShellBlock('No LLM yet');
    expect(block).toMatch(/gecko train /);
    const dir = tempDir('gecko-readme-');
    symlinkSync(EXAMPLES, join(dir, 'examples'));
    const r = await runReadmeBlock(block, dir);
    expect(r.code, r.stderr).toBe(0);

    const model = await loadStaticModel(join(dir, 'my-model/run/model'));
    expect(model.dimensions).toBe(128);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quoted = /nDCG@10 \*\*([\d.]+)\*\* on it and BM25 \*\*([\d.]+)\*\*/.exec(readme);
    expect(quoted, 'README quotes "nDCG@10 **x** on it and BM25 **y**"').not.toBeNull();
    expect(ndcg10(join(dir, 'my-model/eval'))).toBeCloseTo(Number(quoted![1]), 0);
    expect(ndcg10(join(dir, 'my-model/eval-bm25'))).toBeCloseTo(Number(quoted![2]), 0);
  }, 240_000);
});
