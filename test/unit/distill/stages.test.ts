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

  it('checks outputs again once any stage has run in between', async () => {
    const dir = tempDir('gecko-stages-');
    const ws = openWorkspace(join(dir, 'ws'));
    const file = join(dir, 'pairs.txt');
    let runs = 0;
    const reporter = {
      debug() {},
      info() {},
      warn() {},
      progress: () => ({ tick() {}, update() {}, done() {} }),
    };
    const pairs = async () => {
      runs++;
      writeFileSync(file, `run ${runs}`);
      return { outputs: [file], summary: {} };
    };
    const h = inputHash({ a: 1 });
    await new StageRunner(ws, dir, reporter).run('pairs', h, pairs);
    const runner = new StageRunner(ws, dir, reporter);
    expect(await runner.upToDate('pairs', h)).toBe(true);
    expect((await runner.run('pairs', h, pairs)).skipped).toBe(true);
    await runner.run('split', inputHash({ b: 1 }), async () => {
      writeFileSync(file, 'overwritten by another stage');
      return { outputs: [], summary: {} };
    });
    expect((await runner.run('pairs', h, pairs)).skipped).toBe(false);
    expect(runs).toBe(2);
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
