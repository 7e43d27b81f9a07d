import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { runGecko } from '../helpers/cli.js';
import { SHARED_DATA } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';
import { STS_DEV, trainArgs, trainedTable, VOCAB } from '../helpers/trainCli.js';

const args = (out: string): string[] =>
  trainArgs(out, 30, ['--eval-every', '10', '--dev', `sts:${STS_DEV}`, '--matryoshka', '16,8']);

describe('gecko train (CLI)', () => {
  it('trains, keeps the best dev model, writes curves, and a killed run resumes to the same model', async () => {
    const full = tempDir();
    const r = await runGecko(['--json', ...args(full)]);
    expect(r.stderr).toContain('memory estimate');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.steps).toBe(30);
    expect(res.bestScore).toBeGreaterThan(-1);
    for (const f of [
      'model/model.safetensors',
      'best/model.safetensors',
      'curves.csv',
      'curves.svg',
      'checkpoint.safetensors',
    ]) {
      expect(existsSync(join(full, f))).toBe(true);
    }
    const csv = readFileSync(join(full, 'curves.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('step,epoch,lr,loss,loss@16,loss@8,dev,steps_per_s');
    expect(csv.length).toBe(4); // steps 10, 20, 30 (log every 10)
    expect(readFileSync(join(full, 'curves.svg'), 'utf8')).toContain('<polyline');

    // Stop part-way (as a kill after a checkpoint would), then run the same command again.
    const part = tempDir();
    const stopped = await runGecko([...args(part), '--stop-after', '12']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('stopped at step 12');
    expect(existsSync(join(part, 'model'))).toBe(false);
    const resumed = await runGecko(args(part));
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('resuming from step 12');
    expect(Array.from(await trainedTable(part))).toEqual(Array.from(await trainedTable(full)));
    // A different --steps is a different run: refused, with the way out named.
    const refused = await runGecko([...args(part), '--steps', '31']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('checkpoint from different settings');
  }, 180_000); // five CLI runs: over a minute on a loaded 2-CPU machine

  it('a finished run asked again trains nothing and reports the loss it ended with, not NaN', async () => {
    const out = tempDir();
    const small = trainArgs(out, 10);
    const first = JSON.parse((await runGecko(['--json', ...small])).stdout);
    expect(first).toMatchObject({ steps: 10, alreadyFinished: false });
    const table = Array.from(await trainedTable(out));
    const again = await runGecko(small);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('NaN');
    expect(again.stdout).toContain(
      `already finished: 10 of 10 steps, final loss ${first.finalLoss.toFixed(4)}`,
    );
    const json = JSON.parse((await runGecko(['--json', ...small])).stdout);
    expect(json).toMatchObject({ steps: 10, finalLoss: first.finalLoss, alreadyFinished: true });
    expect(Array.from(await trainedTable(out))).toEqual(table);
  }, 180_000);

  it('--term-frequency sets the pooling of a new model and switches that of a --model; a bad mode is a usage error', async () => {
    const out = tempDir();
    const r = await runGecko(['--json', ...trainArgs(out, 5, ['--term-frequency', 'sqrt'])]);
    expect(r.code).toBe(0);
    const model = await loadStaticModel(join(out, 'model'));
    expect(model.termFrequency).toBe('sqrt');
    const cont = tempDir();
    const c = await runGecko([
      'train',
      '--model',
      join(out, 'model'),
      '--term-frequency',
      'log',
      '--data',
      `scored-pairs:${STS_DEV}`,
      '--steps',
      '5',
      '-b',
      '32',
      '--out',
      cont,
    ]);
    expect(c.code).toBe(0);
    expect(c.stderr).toContain('termFrequency: sqrt -> log');
    expect((await loadStaticModel(join(cont, 'model'))).termFrequency).toBe('log');
    const bad = await runGecko(trainArgs(tempDir(), 5, ['--term-frequency', 'bm25']));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'bm25' is invalid");
  }, 120_000);

  it('rejects bad input with file:line and usage errors with exit 2', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.jsonl');
    await import('node:fs').then((fs) =>
      fs.writeFileSync(bad, '{"sentence1": "a", "sentence2": "b", "score": "high"}\n'),
    );
    const r = await runGecko(['train', '--vocab', VOCAB, '--data', bad, '--out', join(dir, 'o')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:1 (field "score")`);
    const u = await runGecko([
      'train',
      '--vocab',
      VOCAB,
      '--data',
      STS_DEV,
      '-b',
      '5000',
      '--out',
      join(dir, 'o'),
    ]);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('batch size must be an integer from 2 to 4096');
  });
});

describe('gecko tokenizer (CLI)', () => {
  it('trains a tokenizer with the requested vocabulary size and encodes with it', async () => {
    const dir = tempDir();
    const out = join(dir, 'tok.json');
    const r = await runGecko([
      '--json',
      'tokenizer',
      'train',
      join(SHARED_DATA, 'mteb/SciFact/corpus.jsonl'),
      '--vocab-size',
      '4000',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).vocabSize).toBe(4000);
    const e = await runGecko(['--json', 'tokenizer', 'encode', 'The cells divide.', '-t', out]);
    const tokens: string[] = JSON.parse(e.stdout).tokens;
    expect(tokens.slice(0, 2)).toEqual(['the', 'cells']);
    expect(tokens.join(' ').replace(/ ##/g, '')).toBe('the cells divide .');
  });
});
