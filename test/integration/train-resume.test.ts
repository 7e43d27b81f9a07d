import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGecko, TSX_LOADER } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';
import { trainArgs, trainedTable } from '../helpers/trainCli.js';

const args = (out: string): string[] => trainArgs(out, 150);

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
    expect(Array.from(await trainedTable(killed))).toEqual(Array.from(await trainedTable(again)));
  });
});
