import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGecko } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { trainArgs } from '../helpers/trainCli.js';

/** A bad option value is a usage error: exit 2, one line naming the flag, never "unexpected error". */
async function expectUsageError(args: string[], flag: string): Promise<void> {
  const r = await runGecko(args);
  expect(r.stderr).not.toContain('unexpected error');
  expect(r.stderr).toContain(flag);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.code).toBe(2);
}

// Each case is one CLI start (a few seconds alone, much longer on a loaded 2-CPU machine).
describe('option checks are usage errors naming the option (issue 14 item 7)', () => {
  it('gecko serve: a port above 65535 and timeouts beyond what Node timers take', async () => {
    // Options are checked before the model is opened, so no model is needed here.
    const serve = ['serve', '--model', join(tempDir(), 'none'), '--no-search'];
    await expectUsageError([...serve, '--port', '70000'], '--port');
    await expectUsageError([...serve, '--timeout-ms', '1e20'], '--timeout-ms');
    await expectUsageError([...serve, '--headers-timeout-ms', '3000000000'], '--headers-timeout-ms');
    await expectUsageError([...serve, '--max-body-bytes', '1e300'], '--max-body-bytes');
  }, 300_000);

  it('gecko train: numbers that were read as NaN or out of range are refused before any data is read', async () => {
    const out = tempDir();
    await expectUsageError(trainArgs(out, 2, ['--sts-threshold', 'abc']), '--sts-threshold');
    await expectUsageError(trainArgs(out, 2, ['--weight-decay', '-1']), '--weight-decay');
    await expectUsageError(trainArgs(out, 2, ['--clip', 'x']), '--clip');
    await expectUsageError(trainArgs(out, 2, ['--warmup-ratio', '1']), '--warmup-ratio');
  }, 300_000);

  it('gecko distill: --holdout outside [0, 1)', async () => {
    const d = tempDir();
    await expectUsageError(
      ['distill', '--corpus', join(d, 'c.jsonl'), '--out', join(d, 'o'), '--holdout', '2', '--dry-run'],
      '--holdout',
    );
  }, 120_000);
});
