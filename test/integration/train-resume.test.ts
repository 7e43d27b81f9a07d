import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { runGecko, TSX_LOADER } from '../helpers/cli.js';
import { ROOT, SHARED_DATA } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';

const VOCAB = join(SHARED_DATA, 'vocab/bert-base-uncased-vocab.txt');
const STS_DEV = join(SHARED_DATA, 'mteb/STSBenchmark/validation.jsonl');
const args = (out: string): string[] => [
  'train',
  '--vocab',
  VOCAB,
  '--dim',
  '16',
  '--data',
  `scored-pairs:${STS_DEV}`,
  '--sts-threshold',
  '3',
  '-b',
  '32',
  '--checkpoint-every',
  '5',
  '--out',
  out,
  '--steps',
  '150',
];

async function table(dir: string): Promise<Float32Array> {
  return (await loadStaticModel(join(dir, 'model'))).table;
}

describe('gecko train (CLI) after SIGKILL', () => {
  it('resumes after SIGKILL mid-run to exactly the uninterrupted model', async () => {
    const killed = tempDir();
    const child = spawn(
      process.execPath,
      ['--import', TSX_LOADER, join(ROOT, 'src/cli/main.ts'), ...args(killed)],
      {
        env: { ...process.env, CI: '1' },
        stdio: 'ignore',
      },
    );
    // Kill as soon as the first checkpoint is on disk.
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (existsSync(join(killed, 'checkpoint.safetensors'))) {
          clearInterval(t);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(t);
        resolve();
      });
      setTimeout(() => reject(new Error('no checkpoint within 60 s')), 60_000);
    });
    const resumed = await runGecko([...args(killed)]);
    expect(resumed.code).toBe(0);
    const again = tempDir();
    expect((await runGecko(args(again))).code).toBe(0);
    expect(Array.from(await table(killed))).toEqual(Array.from(await table(again)));
  });
});
