import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGecko } from '../helpers/cli.js';
import { writeDistillInputs, writeExampleCorpus } from '../helpers/distillInputs.js';
import { tempDir } from '../helpers/tmp.js';

function snapshot(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    const rel = relative(dir, p);
    if (rel.startsWith('work')) continue; // the SQLite workspace is opened (and may checkpoint) every run
    out.set(rel, statSync(p).mtimeMs);
  }
  return out;
}

interface Result {
  stages: { stage: string; skipped: boolean }[];
  llm: { opened: boolean; calls: number; cacheHits: number };
  scores: { task: string; model: string; dimensions: number | null; score: number }[];
  plan: { estimates: { stage: string; runs: boolean; calls: { min: number } }[] };
}

/**
 * `gecko distill` end to end with a real llama.cpp model: a tiny random GGUF whose vocabulary has many
 * pieces ending in a quote, so that under the JSON grammar it closes its strings and most seeds yield a
 * query (gibberish, but checked and mined like any other). 30 passages of the shipped example corpus, a
 * few training steps. The second run must recompute nothing; a changed evaluation setting reruns only the
 * evaluation and the report, without loading the LLM.
 */
describe('gecko distill', () => {
  it('runs every stage with the tiny GGUF, writes every artifact, and a rerun recomputes nothing', async () => {
    const dir = tempDir('gecko-distill-');
    const gguf = writeDistillInputs(dir);
    const config = {
      generate: { maxTokens: 96, retries: 0, maxPassageChars: 300, concurrency: 2 },
      mine: { candidates: 4 },
      student: { dim: 32, vocabSize: 600, maxLength: 64 },
      pretrain: { steps: 6, batchSize: 8 },
      train: { steps: 6, batchSize: 8, matryoshka: [32, 16] },
      eval: { dims: [32, 16], holdout: 0.3 },
    };
    writeFileSync(join(dir, 'gecko.config.json'), JSON.stringify(config));
    const args = ['--json', 'distill', '--corpus', 'corpus.jsonl', '--llm', `llama:${gguf}`, '--out', 'out'];

    const first = await runGecko(args, { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    // The plan comes first, with estimated LLM calls and tokens.
    expect(first.stderr.indexOf('plan: 30 passages')).toBeGreaterThanOrEqual(0);
    expect(first.stderr.indexOf('plan:')).toBeLessThan(first.stderr.indexOf('[generate] running'));
    expect(first.stderr).toMatch(/generate: ~30 LLM calls, ~[\d,]+ prompt tokens/);
    const r1 = JSON.parse(first.stdout) as Result;
    expect(r1.stages.map((s) => s.stage)).toEqual([
      'ingest',
      'pairs',
      'generate',
      'mine',
      'split',
      'pretrain',
      'train',
      'eval',
      'report',
    ]);
    expect(r1.stages.every((s) => !s.skipped)).toBe(true);
    expect(r1.llm.opened).toBe(true);
    expect(r1.llm.calls).toBeGreaterThan(30);

    const out = join(dir, 'out');
    const manifest = JSON.parse(readFileSync(join(out, 'fret/dataset.json'), 'utf8'));
    expect(manifest.counts.seeds).toBe(30);
    expect(manifest.counts.queries + manifest.counts.generation_failed).toBe(30);
    expect(manifest.counts.examples).toBeGreaterThan(10);
    const fret = readFileSync(join(out, 'fret/fret.jsonl'), 'utf8').trim().split('\n');
    expect(fret).toHaveLength(manifest.counts.examples);
    const train = readFileSync(join(out, 'data/fret.train.jsonl'), 'utf8').trim().split('\n').filter(Boolean);
    const held = readFileSync(join(out, 'data/heldout-fret.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean);
    expect(train.length + held.length).toBe(fret.length);
    // Held-out passages (their titles are evaluation queries) seed no training example and give no pair.
    const heldTitles = readFileSync(join(out, 'data/heldout-titles.jsonl'), 'utf8').trim().split('\n');
    const heldPassages = new Set(heldTitles.map((l) => JSON.parse(l).passageId as string));
    expect(heldPassages.size).toBeGreaterThan(0);
    for (const l of train) expect(heldPassages.has(JSON.parse(l).seed_id)).toBe(false);
    for (const l of held) expect(heldPassages.has(JSON.parse(l).seedId)).toBe(true);
    const pairs = readFileSync(join(out, 'data/pairs.train.jsonl'), 'utf8');
    for (const l of heldTitles) expect(pairs).not.toContain(`query: ${JSON.parse(l).text}"`);

    for (const f of [
      'model/model.safetensors',
      'model/tokenizer.json',
      'pretrain/curves.svg',
      'train/curves.csv',
    ])
      expect(statSync(join(out, f)).size, f).toBeGreaterThan(0);
    const saved = JSON.parse(readFileSync(join(out, 'model/gecko.distill.json'), 'utf8'));
    expect(saved).toEqual(JSON.parse(readFileSync(join(out, 'gecko.config.json'), 'utf8')));
    expect(saved.student.dim).toBe(32);
    expect(saved.train.matryoshka).toEqual([32, 16]);
    expect(saved.llm).toBe(`llama:${gguf}`);

    const tasks = new Set(r1.scores.map((s) => s.task));
    expect(tasks.has('HeldOutTitles')).toBe(true);
    for (const t of tasks) {
      expect(r1.scores.filter((s) => s.task === t && s.model === 'student').map((s) => s.dimensions)).toEqual(
        [32, 16],
      );
      expect(r1.scores.some((s) => s.task === t && s.model === 'bm25')).toBe(true);
    }
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    for (const h of [
      '## Plan',
      '## Dataset',
      '## Relabelled positives',
      '## Hard negatives',
      '## Training curves',
      '## Evaluation',
      '## Matryoshka dimension curve',
    ])
      expect(md).toContain(h);
    expect(md).toContain(`| relabel rate |`);
    expect(md).toMatch(/\| student 32d \| student 16d \| BM25 \|/);
    expect(md).toContain(
      '![Pre-finetuning (title → body, cloze, WordNet, in-batch negatives)](pretrain/curves.svg)',
    );
    expect(md).toContain('](eval/matryoshka.svg)');
    expect(readFileSync(join(out, 'eval/matryoshka.svg'), 'utf8')).toMatch(/^<svg[\s\S]*HeldOutTitles/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3); // two training curves + the dimension chart

    // Second run: every stage skipped, the LLM never loaded, no output file rewritten.
    const before = snapshot(out);
    const second = await runGecko(args, { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    const r2 = JSON.parse(second.stdout) as Result;
    expect(r2.stages.every((s) => s.skipped)).toBe(true);
    expect(r2.llm).toMatchObject({ opened: false, calls: 0, cacheHits: 0 });
    expect(r2.plan.estimates.every((e) => !e.runs && e.calls.min === 0)).toBe(true);
    expect(r2.scores).toEqual(r1.scores);
    expect(snapshot(out)).toEqual(before);

    // A new evaluation setting reruns evaluation and report only.
    const third = await runGecko([...args, '--dims', '16'], { cwd: dir });
    expect(third.code, third.stderr).toBe(0);
    const r3 = JSON.parse(third.stdout) as Result;
    expect(r3.stages.filter((s) => !s.skipped).map((s) => s.stage)).toEqual(['eval', 'report']);
    expect(r3.llm.opened).toBe(false);
    expect(r3.scores.filter((s) => s.model === 'student').every((s) => s.dimensions === 16)).toBe(true);
    expect(statSync(join(out, 'model/model.safetensors')).mtimeMs).toBe(
      before.get('model/model.safetensors'),
    );
  }, 300_000);

  it('names the config file and the field of a bad setting; --dry-run stops after the plan', async () => {
    const dir = tempDir('gecko-distill-bad-');
    writeFileSync(join(dir, 'gecko.config.json'), JSON.stringify({ train: { batchSize: 1 } }));
    writeFileSync(join(dir, 'c.jsonl'), '{"_id":"a","text":"x"}\n');
    const r = await runGecko(['distill', '--corpus', 'c.jsonl'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('gecko.config.json (field "train.batchSize")');
    // --dry-run ingests and prints the plan, and nothing else happens (no LLM, no model).
    writeFileSync(join(dir, 'gecko.config.json'), JSON.stringify({ mine: { candidates: 3 } }));
    const dry = await runGecko(['distill', '--corpus', 'c.jsonl', '--out', 'out', '--dry-run'], { cwd: dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/plan: 1 passages[\s\S]*mine: ~6 LLM calls/);
    expect(dry.stderr).not.toContain('[generate]');
    expect(dry.stdout).toContain('dry run');
    expect(JSON.parse(readFileSync(join(dir, 'out/gecko.config.json'), 'utf8')).mine.candidates).toBe(3);
    expect(existsSync(join(dir, 'out/model'))).toBe(false);
  }, 60_000);

  it('prints the plan, then fails with one clear line when the default LLM cannot be downloaded', async () => {
    const dir = tempDir('gecko-distill-offline-');
    writeExampleCorpus(join(dir, 'c.jsonl'), 5);
    const r = await runGecko(['distill', '--corpus', 'c.jsonl', '--out', 'out'], {
      cwd: dir,
      // A closed local port stands in for an unreachable hub; the model cache is empty.
      env: { HF_ENDPOINT: 'http://127.0.0.1:9/', GECKO_MODELS_DIR: join(dir, 'models') },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/plan: 5 passages .* teacher llama:hf:Qwen\/Qwen2\.5-1\.5B-Instruct-GGUF/);
    expect(r.stderr).toMatch(/gecko: Cannot download hf:Qwen.*looks offline.*--llm llama:/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 120_000);
});
