import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runGecko, TSX_LOADER } from '../helpers/cli.js';
import { writeDistillInputs } from '../helpers/distillInputs.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';

function finishedQueries(db: string): number {
  if (!existsSync(db)) return 0;
  const c = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (
      c.prepare("SELECT count(*) AS n FROM fret_queries WHERE status IN ('ok', 'failed')").get() as {
        n: number;
      }
    ).n;
  } catch {
    return 0; // the table does not exist yet
  } finally {
    c.close();
  }
}

/**
 * `gecko distill` is SIGKILLed in the middle of FRet generation; the same command then finishes the job,
 * continuing from the seeds already done (no seed twice, none lost) and recording every stage.
 */
describe('gecko distill resume', () => {
  it('continues after SIGKILL without repeating finished seeds', async () => {
    const dir = tempDir('gecko-distill-resume-');
    const gguf = writeDistillInputs(dir);
    writeFileSync(
      join(dir, 'gecko.config.json'),
      JSON.stringify({
        generate: { maxTokens: 96, retries: 0, maxPassageChars: 300, concurrency: 1 },
        mine: { candidates: 3 },
        student: { dim: 16, vocabSize: 400, maxLength: 32 },
        pretrain: { steps: 3, batchSize: 4 },
        train: { steps: 3, batchSize: 4, matryoshka: [16] },
        eval: { dims: [16], holdout: 0.3, bm25: false },
      }),
    );
    const args = ['--json', 'distill', '--corpus', 'corpus.jsonl', '--llm', `llama:${gguf}`, '--out', 'out'];
    const db = join(dir, 'out/work/gecko.db');
    const child = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: dir,
      env: { ...process.env, CI: '1' },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    let before = 0;
    try {
      for (let i = 0; i < 2400 && before < 5; i++) {
        await new Promise((r) => setTimeout(r, 50));
        if (child.exitCode !== null) throw new Error(`distill exited (${child.exitCode}) before the kill`);
        before = finishedQueries(db);
      }
      child.kill('SIGKILL');
      await exited;
    } finally {
      child.kill('SIGKILL');
    }
    before = finishedQueries(db);
    expect(before).toBeGreaterThanOrEqual(5);
    expect(before).toBeLessThan(30);

    const r = await runGecko(args, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`fret generate: 30 seeds (${before} already done)`);
    const result = JSON.parse(r.stdout) as { stages: { stage: string; skipped: boolean }[] };
    expect(result.stages).toHaveLength(9);
    expect(result.stages.find((s) => s.stage === 'ingest')?.skipped).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'out/fret/dataset.json'), 'utf8'));
    expect(manifest.counts.queries + manifest.counts.generation_failed).toBe(30);
    const ids = readFileSync(join(dir, 'out/fret/fret.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).seed_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(existsSync(join(dir, 'out/report.html'))).toBe(true);
  }, 300_000);
});
