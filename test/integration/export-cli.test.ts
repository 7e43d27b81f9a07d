import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MTEB_COMPAT, type TaskResult, writeResults } from '../../src/eval/results.js';
import { detectLayout, loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { saveStaticModel } from '../../src/model/formats/saveStaticModel.js';
import { StaticModel } from '../../src/model/StaticModel.js';
import { runGecko } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { tinyTokenizer } from '../unit/model/fixtures.js';

/** A model folder as `gecko distill --out run` leaves it: run/model plus run/eval/scores.json. */
async function distillOutput(): Promise<{ run: string; model: StaticModel }> {
  const run = join(tempDir('gecko-export-'), 'run');
  const model = StaticModel.create(tinyTokenizer(), 8, {
    seed: 1,
    config: {
      maxLength: 128,
      matryoshkaDims: [8, 4],
      training: {
        steps: 40,
        batchSize: 4,
        lr: 0.01,
        seed: 1,
        loss: { name: 'gecko' },
        sources: [
          { name: 'fret.jsonl', kind: 'triplets', weight: 1, count: 120 },
          { name: 'sts-pairs.jsonl', kind: 'pairs', weight: 0.5, count: 60 },
        ],
      },
    },
  });
  await saveStaticModel(model, join(run, 'model'));
  mkdirSync(join(run, 'eval'), { recursive: true });
  writeFileSync(
    join(run, 'eval', 'scores.json'),
    JSON.stringify([
      {
        task: 'SciFact',
        type: 'Retrieval',
        model: 'student',
        dimensions: null,
        metric: 'ndcg_at_10',
        score: 61.23,
      },
      {
        task: 'SciFact',
        type: 'Retrieval',
        model: 'student',
        dimensions: 4,
        metric: 'ndcg_at_10',
        score: 55.5,
      },
      {
        task: 'SciFact',
        type: 'Retrieval',
        model: 'bm25',
        dimensions: null,
        metric: 'ndcg_at_10',
        score: 66.6,
      },
    ]),
  );
  return { run, model };
}

/** The YAML front matter lines between the leading `---` fences. */
function frontMatter(card: string): string[] {
  const lines = card.split('\n');
  expect(lines[0]).toBe('---');
  const end = lines.indexOf('---', 1);
  expect(end).toBeGreaterThan(1);
  return lines.slice(1, end);
}

describe('gecko export', () => {
  it('writes a model2vec folder with a real card: name, tokenizer, sources, dims, scores, license', async () => {
    const { run, model } = await distillOutput();
    const out = join(run, '..', 'acme-small');
    const r = await runGecko([
      'export',
      join(run, 'model'),
      '--out',
      out,
      '--license',
      'apache-2.0',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'model2vec', name: 'acme-small', dimensions: 8 });
    expect(detectLayout(out)?.name).toBe('model2vec');
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    const yaml = frontMatter(card);
    expect(yaml).toEqual(
      expect.arrayContaining([
        'library_name: model2vec',
        'license: apache-2.0',
        'pipeline_tag: sentence-similarity',
        'tags:',
        '- static-embeddings',
        '- sentence-transformers',
        '- matryoshka',
      ]),
    );
    expect(card).toContain('\n# acme-small\n');
    expect(card).toContain('| Dimensions | 8 (Matryoshka sizes: 8, 4) |');
    expect(card).toContain('| Tokenizer | WordPiece, 11 tokens, lower-cased (BERT-style) |');
    expect(card).toContain('| Maximum tokens | 128 per text (longer texts are cut) |');
    expect(card).toContain('| fret.jsonl | triplets | 120 | 1 |');
    expect(card).toContain('| sts-pairs.jsonl | pairs | 60 | 0.5 |');
    // The student's scores at both sizes; BM25's row is not the model's.
    expect(card).toContain('| Task | Type | Metric | full | 4d |');
    expect(card).toContain('| SciFact | Retrieval | ndcg_at_10 | 61.23 | 55.50 |');
    expect(card).not.toContain('66.6');
    // Usage under the real name in all three libraries; model2vec told the model's own max_length.
    expect(card).toContain("loadStaticModel('acme-small')");
    expect(card).toContain('StaticModel.from_pretrained("acme-small")');
    expect(card).toContain('max_length=128');
    expect(card).toContain('SentenceTransformer("acme-small")');
    expect(card).toContain('prompt_name="query"');
    for (const bad of ['PATH', 'https://github.com/)', '.tmp-', run]) expect(card).not.toContain(bad);
    // The exported model gives the same vectors as the one it came from.
    const back = await loadStaticModel(out);
    const texts = ['gecko climbs a wall.', 'walls zebra'];
    expect((await back.embed(texts)).map((v) => Array.from(v))).toEqual(
      (await model.embed(texts)).map((v) => Array.from(v)),
    );
  }, 180_000);

  it('--format sentence-transformers, --name, --base-model, and scores from a gecko eval results folder', async () => {
    const { run } = await distillOutput();
    const results = join(run, '..', 'eval-results');
    const result: TaskResult = {
      dataset_revision: 'x',
      task_name: 'STSBenchmark',
      mteb_version: MTEB_COMPAT,
      scores: { test: [{ main_score: 0.7731, hf_subset: 'default', languages: ['eng-Latn'] }] },
      evaluation_time: 1,
      kg_co2_emissions: null,
      gecko: {
        schema_version: 1,
        gecko_version: 'test',
        model: 'acme',
        task_type: 'STS',
        main_score_name: 'cosine_spearman',
        dimensions: null,
        prompts: {},
        seed: 42,
        sklearn: '1.4+',
        data_sha256: null,
      },
    };
    await writeResults(results, [result]);
    const out = join(run, '..', 'st');
    const r = await runGecko([
      'export',
      join(run, 'model'),
      '--out',
      out,
      '--format',
      'sentence-transformers',
      '--name',
      'acme/gecko-small',
      '--base-model',
      'acme/gecko-base',
      '--scores',
      results,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(detectLayout(out)?.name).toBe('sentence-transformers-module');
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    expect(frontMatter(card)).toEqual(
      expect.arrayContaining([
        'library_name: sentence-transformers',
        'license: unknown',
        'base_model: acme/gecko-base',
      ]),
    );
    expect(card).toContain('# acme/gecko-small');
    expect(card).toContain('StaticModel.from_sentence_transformers("acme/gecko-small")');
    expect(card).toContain('| STSBenchmark | STS | cosine_spearman | 77.31 |');
  }, 180_000);

  it('refuses a bad --format, a non-empty --out and exporting onto the model itself (exit 2)', async () => {
    const { run } = await distillOutput();
    const model = join(run, 'model');
    const bad = await runGecko(['export', model, '--out', join(run, 'x'), '--format', 'onnx']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--format must be one of model2vec, sentence-transformers, got "onnx"/);
    const busy = await runGecko(['export', model, '--out', join(run, 'eval')]);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/is not empty; pass --force/);
    const self = await runGecko(['export', model, '--out', model, '--force']);
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/--out is the model folder itself/);
    const badScores = await runGecko([
      'export',
      model,
      '--out',
      join(run, 'y'),
      '--scores',
      join(run, 'model', 'gecko.json'),
    ]);
    expect(badScores.code).toBe(1);
    expect(badScores.stderr).toMatch(/gecko\.json: expected a JSON array of score rows/);
  }, 180_000);
});
