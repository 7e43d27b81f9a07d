/**
 * Bad flags are usage errors (exit 2) found before any data is read. The data "file" here is a named pipe
 * that nobody writes: a command that opened it before checking its flags would block until the test's
 * timeout, so a prompt exit 2 shows the flags were checked first. A missing file would be exit 1
 * (file not found), so exit 2 there shows the same.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGecko } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { VOCAB } from '../helpers/trainCli.js';

let dir: string;
let pipe: string;
beforeAll(() => {
  dir = tempDir('gecko-usage-');
  pipe = join(dir, 'never-written.jsonl');
  execFileSync('mkfifo', [pipe]);
});

describe('gecko train checks its numeric flags before reading data', () => {
  it('exits 2 naming the flag, with a data file that never ends or does not exist', async () => {
    // Four runs (CLI starts are slow on a loaded machine): a number, a trainer range check and a cross-flag
    // check on the pipe, and a bad number with a missing file. Each parser's own cases are unit-tested.
    const runs = [
      { data: pipe, flags: ['--lr', 'fast'], message: /--lr must be a positive number, got "fast"/ },
      {
        data: pipe,
        flags: ['-b', '5000'],
        message: /batch size must be an integer from 2 to 4096, got 5000/,
      },
      {
        data: pipe,
        flags: ['--dim', '16', '--matryoshka', '32,16'],
        message: /--matryoshka 32 is larger than the model dimension --dim 16/,
      },
      {
        data: join(dir, 'missing.jsonl'),
        flags: ['--clip', '-1'],
        message: /--clip must be a number >= 0, got "-1"/,
      },
    ];
    // Independent CLI runs, in parallel to keep the suite short.
    const results = await Promise.all(
      runs.map((c) =>
        runGecko(['train', '--vocab', VOCAB, '--data', c.data, ...c.flags, '--out', join(dir, 'o')]),
      ),
    );
    results.forEach((r, i) => {
      expect(r.code, `${runs[i]!.flags.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(runs[i]!.message);
    });
  }, 180_000);
});

describe('gecko distill --set', () => {
  it('an unknown field is exit 2, naming it and the valid fields, before the corpus is read', async () => {
    const [r, bad] = await Promise.all([
      runGecko(['distill', '--corpus', pipe, '--set', 'train.stepz=5', '--out', join(dir, 'd')]),
      runGecko(['distill', '--corpus', pipe, '--holdout', 'most', '--out', join(dir, 'd')]),
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /command-line flags \(field "train.stepz"\): unknown field\(s\) stepz; valid fields of train are steps, epochs, batchSize, lr/,
    );
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/--holdout must be a number >= 0, got "most"/);
  }, 120_000);
});
