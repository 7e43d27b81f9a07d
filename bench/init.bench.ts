/**
 * `npm run bench -- init [--tokens N] [--batch N]`: teacher-vocabulary distillation (`gecko init teacher`)
 * per teacher kind, in tokens/s.
 * For each teacher the same BERT-vocabulary tokens are
 * 1. embedded with the teacher's own `embed()` in batches of --batch, nothing else (the baseline: what the
 *    teacher alone costs),
 * 2. distilled with a cold workspace cache (embedding + the cache's SQLite writes + PCA + SIF weights),
 * 3. distilled again with the warm cache (every vector read back, nothing embedded).
 * "overhead" is 1 - (2)/(1): the share of a cold run spent outside the teacher.
 * Teachers: an OpenAI-compatible /v1/embeddings server on loopback (a separate process, 768 wide), a tiny
 * random GGUF through node-llama-cpp's embedding context (64 wide, when node-llama-cpp is installed), and a
 * gecko static model folder (256 wide). A transformers.js teacher needs a downloaded model and is not run.
 * Options: --tokens N vocabulary tokens (default 4000; 1500 for the GGUF), --batch N (default 256).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTeacherEmbedder } from '../src/distill/teacherInit.js';
import type { Embedder } from '../src/model/Embedder.js';
import { saveStaticModel } from '../src/model/formats/saveStaticModel.js';
import { distillVocabulary, vocabTokenText } from '../src/model/init/vocabDistill.js';
import { StaticModel } from '../src/model/StaticModel.js';
import { Tokenizer } from '../src/model/tokenizer/Tokenizer.js';
import { wordPieceTokenizerJson } from '../src/model/tokenizer/wordPieceJson.js';
import { silentReporter } from '../src/util/Reporter.js';
import { openWorkspace } from '../src/workspace/Workspace.js';
import { writeTinyLlamaGguf } from '../test/helpers/gguf/tinyLlama.js';
import { startOpenAIServerProcess } from '../test/helpers/openaiServer/process.js';
import { numberArg, printTable, sharedDataDir } from './table.js';

const TEACHER_DIM = 768;

/** The first `n` real pieces of the BERT vocabulary (after [PAD], the [unusedN] block and the specials). */
function vocabulary(n: number): Tokenizer {
  const lines = readFileSync(join(sharedDataDir(), 'vocab/bert-base-uncased-vocab.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0 && !/^\[unused\d+\]$/.test(l));
  return Tokenizer.fromJSON(wordPieceTokenizerJson(lines.slice(0, n)));
}

async function rawEmbed(teacher: Embedder, texts: string[], batch: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i += batch) await teacher.embed(texts.slice(i, i + batch));
  return (performance.now() - t0) / 1000;
}

async function measure(
  kind: string,
  spec: string,
  tokenizer: Tokenizer,
  batch: number,
  dir: string,
): Promise<Record<string, string | number>> {
  const { embedder, close } = await openTeacherEmbedder(spec, silentReporter);
  try {
    const texts = [
      ...new Set(
        Array.from({ length: tokenizer.vocabSize }, (_, id) => vocabTokenText(tokenizer.idToToken(id)!)),
      ),
    ];
    await embedder.embed(texts.slice(0, batch)); // warm-up: connections, compute graph, first allocations
    const raw = await rawEmbed(embedder, texts, batch);
    const workspace = openWorkspace(join(dir, `work-${kind}`));
    try {
      const dim = Math.min(256, embedder.dimensions);
      const o = { workspace, batchSize: batch, dim, reporter: silentReporter };
      let t0 = performance.now();
      const cold = await distillVocabulary(tokenizer, embedder, o);
      const coldS = (performance.now() - t0) / 1000;
      t0 = performance.now();
      const warm = await distillVocabulary(tokenizer, embedder, o);
      const warmS = (performance.now() - t0) / 1000;
      if (warm.summary.embedded !== 0)
        throw new Error(`${kind}: the warm run embedded ${warm.summary.embedded}`);
      const n = cold.summary.tokens;
      return {
        teacher: kind,
        width: `${embedder.dimensions} -> ${dim}`,
        tokens: n,
        'teacher embed() tok/s (baseline)': Math.round(texts.length / raw),
        'distill, cold cache tok/s': Math.round(n / coldS),
        overhead: `${Math.max(0, (1 - raw / coldS) * 100).toFixed(0)}%`,
        'distill, warm cache tok/s': Math.round(n / warmS),
        'warm / baseline': `${(raw / warmS).toFixed(1)}x`,
      };
    } finally {
      workspace.close();
    }
  } finally {
    await close();
  }
}

export async function run(args: string[]): Promise<void> {
  const n = numberArg(args, '--tokens', 4000);
  const batch = numberArg(args, '--batch', 256);
  const dir = mkdtempSync(join(tmpdir(), 'gecko-bench-init-'));
  const rows: Record<string, string | number>[] = [];
  const notes: string[] = [];
  try {
    const server = await startOpenAIServerProcess(['--embedding-dim', String(TEACHER_DIM)]);
    try {
      rows.push(
        await measure('openai (loopback)', `openai:${server.baseUrl}#fake`, vocabulary(n), batch, dir),
      );
    } finally {
      server.stop();
    }
    const staticDir = join(dir, 'static-teacher');
    const teacherTokenizer = vocabulary(30_000);
    await saveStaticModel(StaticModel.create(teacherTokenizer, 256, { seed: 1 }), staticDir);
    rows.push(await measure('gecko static model', staticDir, vocabulary(n), batch, dir));
    let llamaAvailable = true;
    try {
      await import('node-llama-cpp');
    } catch {
      llamaAvailable = false;
      notes.push('GGUF teacher skipped: node-llama-cpp (an optional dependency) is not installed.');
    }
    if (llamaAvailable) {
      const gguf = writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 5 });
      rows.push(
        await measure(
          'GGUF (tiny, node-llama-cpp)',
          `llama:${gguf}`,
          vocabulary(Math.min(n, 1500)),
          batch,
          dir,
        ),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(`Teacher-vocabulary distillation, batch ${batch}, one process`, rows);
  notes.push('transformers.js teacher not run: it needs a downloaded ONNX model.');
  for (const note of notes) console.log(`\n${note}`);
}
