import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPaths, inputHash, StageRunner } from '../../../src/distill/stages.js';
import { openWorkspace } from '../../../src/workspace/Workspace.js';
import { tempDir } from '../../helpers/tmp.js';

describe('stage records', () => {
  it('skips a stage whose inputs and outputs are unchanged, and reruns it otherwise', async () => {
    const dir = tempDir('gecko-stages-');
    const ws = openWorkspace(join(dir, 'ws'));
    const file = join(dir, 'out.txt');
    let runs = 0;
    const stage = async () => {
      runs++;
      writeFileSync(file, `run ${runs}`);
      return { outputs: [file], summary: { runs } };
    };
    const runner = () =>
      new StageRunner(ws, dir, {
        debug() {},
        info() {},
        warn() {},
        progress: () => ({ tick() {}, update() {}, done() {} }),
      });
    const h1 = inputHash({ a: 1 });
    expect((await runner().run('pairs', h1, stage)).skipped).toBe(false);
    const again = await runner().run('pairs', h1, stage);
    expect(again).toMatchObject({ skipped: true, summary: { runs: 1 } });
    expect(runs).toBe(1);
    // Changed inputs rerun it.
    expect((await runner().run('pairs', inputHash({ a: 2 }), stage)).skipped).toBe(false);
    expect(runs).toBe(2);
    // An edited output reruns it even with the same inputs.
    writeFileSync(file, 'edited');
    expect((await runner().run('pairs', inputHash({ a: 2 }), stage)).skipped).toBe(false);
    expect(runs).toBe(3);
    // Records are per output folder.
    const other = new StageRunner(ws, join(dir, 'other'), {
      debug() {},
      info() {},
      warn() {},
      progress: () => ({ tick() {}, update() {}, done() {} }),
    });
    expect(await other.upToDate('pairs', inputHash({ a: 2 }))).toBe(false);
    ws.close();
  });

  it('hashes folders by relative path and content, and input values independent of key order', async () => {
    const a = tempDir('gecko-hash-');
    writeFileSync(join(a, 'x'), '1');
    const h = await hashPaths([a]);
    writeFileSync(join(a, 'x'), '2');
    expect(await hashPaths([a])).not.toBe(h);
    expect(await hashPaths([join(a, 'missing')])).not.toBe(await hashPaths([a]));
    expect(inputHash({ a: 1, b: [1, 2] })).toBe(inputHash({ b: [1, 2], a: 1 }));
  });
});
