import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Corpus, openCorpus } from '../../src/corpus/index.js';
import { checkGeneration } from '../../src/fret/checks.js';
import { passageForPrompt } from '../../src/fret/generate.js';
import { generateQueries, importQueries, LlmJudge, minePairs, writeDataset } from '../../src/fret/index.js';
import { rcScore } from '../../src/fret/judge/LlmJudge.js';
import { loadPrompt, renderPrompt } from '../../src/fret/prompts.js';
import { FretStore } from '../../src/fret/store.js';
import { createLlamaProvider } from '../../src/llm/llama/LlamaProvider.js';
import type { LanguageModel } from '../../src/llm/types.js';
import { writeTinyLlamaGguf } from '../helpers/gguf/tinyLlama.js';
import { SHARED_DATA } from '../helpers/paths.js';

/**
 * FRet through a real llama.cpp model: a tiny random GGUF (gibberish text, real tokenizer, grammar and
 * log-probabilities) on 50 real passages. It proves the wiring, not quality: step 1's answers are mostly
 * rejected (the random model rarely closes a JSON string within the token limit), each with its reason;
 * step 2 runs on 50 queries and its scores must be the model's own log-probabilities.
 */
let dir: string;
let corpus: Corpus;
let llm: LanguageModel;
const passages: { id: string; title: string; text: string }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gecko-fret-gguf-'));
  for await (const line of createInterface({
    input: createReadStream(join(SHARED_DATA, 'mteb/SciFact/corpus.jsonl')),
  })) {
    const r = JSON.parse(line) as { _id: string; title: string; text: string };
    passages.push({ id: r._id, title: r.title, text: r.text.slice(0, 300) });
    if (passages.length === 50) break;
  }
  corpus = openCorpus(join(dir, 'ws'));
  await corpus.addPassages(passages);
  llm = await createLlamaProvider({
    model: writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 3 }),
    contextSize: 2048,
    threads: 1,
  });
});
afterAll(async () => {
  await llm?.close();
  corpus?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('FRet with a tiny GGUF model', () => {
  it('step 1 gives every seed exactly one outcome: a checked query or a failure with its reason', async () => {
    const s = await generateQueries(corpus, llm, { maxTokens: 32, retries: 0, maxPassageChars: 300 });
    expect(s.selected).toBe(50);
    expect(s.ok + s.failed).toBe(50);
    const rows = new FretStore(corpus.workspace).queries('default');
    expect(rows).toHaveLength(50);
    const known = [
      'malformed-json',
      'truncated',
      'missing-field',
      'empty',
      'too-short',
      'too-long',
      'copy',
      'language',
      'refusal',
    ];
    for (const r of rows) {
      expect(r.attempts).toBe(1);
      if (r.status === 'ok') {
        const again = checkGeneration(
          JSON.stringify({ task: r.task, query: r.query }),
          corpus.get(r.item_id)?.text ?? '',
        );
        expect(again).toMatchObject({ ok: true });
      } else {
        expect(known).toContain(r.reason);
        expect(JSON.parse(r.history)).toHaveLength(1);
      }
    }
  });

  it('step 2 scores candidates with the model: QL and RC are its log-probabilities, fused by ranks', async () => {
    const qfile = join(dir, 'queries.jsonl');
    writeFileSync(
      qfile,
      passages
        .map((p) =>
          JSON.stringify({ _id: `q-${p.id}`, text: p.title.split(' ').slice(0, 5).join(' '), seed_id: p.id }),
        )
        .join('\n'),
    );
    await importQueries(corpus, qfile, { run: 'titles', task: 'Given a title, find its abstract.' });
    const judge = new LlmJudge(llm, { maxPassageChars: 300 });
    const s = await minePairs(corpus, judge, { run: 'titles', candidates: 4 });
    expect(s).toMatchObject({ items: 50, ok: 50, failed: 0 });
    const m = await writeDataset(new FretStore(corpus.workspace), {
      run: 'titles',
      job: s.job,
      outDir: join(dir, 'out'),
      scoring: judge.scoring,
      prompts: {},
    });
    expect(m.counts.examples).toBe(50);
    expect(m.relabel.with_seed).toBe(50);

    const store = new FretStore(corpus.workspace);
    const example = JSON.parse(store.examples('titles', s.job)[0]?.example as string);
    const ql = loadPrompt('query-likelihood');
    const rc = loadPrompt('relevance');
    const labels = ['Highly relevant', 'Somewhat relevant', 'Not relevant'];
    for (const [i, id] of (example.candidates as string[]).entries()) {
      const p = corpus.get(id) as { title: string | null; text: string };
      const passage = passageForPrompt(p, 300);
      const [q] = await llm.scoreContinuations(
        renderPrompt(ql, { passage, title: p.title ?? 'none', task: example.task }),
        [` ${example.query}`],
      );
      expect(example.scores.ql[i]).toBeCloseTo(q?.logProb as number, 6);
      const rcPrompt = renderPrompt(rc, {
        passage,
        title: p.title ?? 'none',
        task: example.task,
        query: example.query,
        labels: labels.join(', '),
        label_high: labels[0] as string,
        label_mid: labels[1] as string,
        label_low: labels[2] as string,
      });
      const scores = await llm.scoreContinuations(
        rcPrompt,
        labels.map((l) => ` ${l}`),
      );
      expect(example.scores.rc[i]).toBeCloseTo(
        rcScore(
          scores.map((x) => x.logProb),
          'top',
        ),
        6,
      );
    }
    const n = example.candidates.length as number;
    const fused = (example.candidates as string[]).map(
      (_, i) => 1 / example.ranks.ql[i] + 1 / example.ranks.rc[i],
    );
    expect(example.positive.id).toBe(example.candidates[fused.indexOf(Math.max(...fused))]);
    expect(example.ranks.fused.indexOf(n)).toBe(example.candidates.indexOf(example.negative.id));
  });
});
