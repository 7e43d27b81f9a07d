/**
 * What a user gets from `npm install gecko-embed` (slow: about 1.5-2 minutes, most of it `npm pack`'s build):
 * packs the tarball (its prepack runs `npm run build`), installs it into an empty folder without optional
 * dependencies, imports both entry points there, and runs the installed `gecko serve` (one /v1/embeddings
 * request) and `gecko eval` on the example task shipped in the package.
 *
 * Install: npm's cache (filled by `npm ci`) with the registry for anything missing (`--prefer-offline`), and
 * `--ignore-scripts`: better-sqlite3's install script would download a prebuilt binary from GitHub (not
 * reachable here) and fall back to compiling SQLite (minutes); the project's own build of the same version
 * stands in for that download. usearch's prebuilt binaries ship inside its package.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { runGecko, startServedCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { maxAbsDiff, saveTestModel } from '../unit/serve/fixtures.js';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let dir: string;
let app: string;
let packed: { filename: string; files: { path: string }[] };
let modelDir: string;

/** Runs the installed CLI (`node_modules/gecko-embed/bin/gecko.js`) in the app folder. */
function installedGecko(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(app, 'node_modules/gecko-embed/bin/gecko.js'), ...args], {
    cwd: app,
    env: { ...process.env, CI: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** nDCG@10 for ExampleSearch from an eval output folder. */
function ndcg10(outDir: string): number {
  const [model] = readdirSync(outDir).filter((d) => !d.startsWith('report'));
  const r = JSON.parse(readFileSync(join(outDir, model!, 'full/ExampleSearch.json'), 'utf8')) as {
    scores: { test: { ndcg_at_10: number }[] };
  };
  return r.scores.test[0]!.ndcg_at_10;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gecko-package-'));
  const pack = await run(NPM, ['pack', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  // npm prints the prepack script's output before the JSON array.
  packed = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('\n[') + 1)) as (typeof packed)[])[0]!;

  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run(
    NPM,
    [
      'install',
      join(dir, packed.filename),
      '--prefer-offline',
      '--ignore-scripts',
      '--omit=optional',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: app, maxBuffer: 64 * 1024 * 1024 },
  );
  const sqlite = 'node_modules/better-sqlite3';
  const version = (p: string): string =>
    (JSON.parse(readFileSync(join(p, sqlite, 'package.json'), 'utf8')) as { version: string }).version;
  if (version(app) !== version(ROOT))
    throw new Error(`installed better-sqlite3 ${version(app)} but the project has ${version(ROOT)}`);
  mkdirSync(join(app, sqlite, 'build/Release'), { recursive: true });
  copyFileSync(
    join(ROOT, sqlite, 'build/Release/better_sqlite3.node'),
    join(app, sqlite, 'build/Release/better_sqlite3.node'),
  );
  modelDir = join(dir, 'model');
  await saveTestModel(modelDir);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package, installed into an empty folder (slow)', () => {
  it('ships the builds, docs, examples and licence, not the sources', () => {
    const files = new Set(packed.files.map((f) => f.path));
    for (const f of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/browser/gecko.js',
      'bin/gecko.js',
      'LICENSE',
      'README.md',
      'docs/serving.md',
      'examples/corpus.jsonl',
      'examples/pairs.jsonl',
      'examples/eval/ExampleSearch/task.json',
      'examples/browser/index.html',
    ])
      expect(files.has(f), f).toBe(true);
    expect([...files].filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    expect(existsSync(join(app, 'node_modules/node-llama-cpp'))).toBe(false);
  });

  it('imports gecko-embed and gecko-embed/browser, which embed alike', async () => {
    const script = join(app, 'check.mjs');
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
import * as gecko from 'gecko-embed';
import * as browser from 'gecko-embed/browser';
const dir = process.argv[2];
const node = await gecko.loadModel(dir);
const web = browser.modelFromFiles({
  weights: new Uint8Array(readFileSync(dir + '/model.safetensors')),
  tokenizer: JSON.parse(readFileSync(dir + '/tokenizer.json', 'utf8')),
  config: JSON.parse(readFileSync(dir + '/gecko.json', 'utf8')),
  source: dir,
});
const texts = ['how do geckos climb walls', 'Geckos climb glass.'];
const a = await node.embed(texts, { kind: 'document' });
const b = await web.embed(texts, { kind: 'document' });
const [top] = browser.exactTopK(b[0], 1, Float32Array.from([...b[1], ...b[0]]), 2, web.dimensions, 2);
console.log(JSON.stringify({
  main: import.meta.resolve('gecko-embed'),
  browser: import.meta.resolve('gecko-embed/browser'),
  exports: ['loadModel', 'openCorpus', 'GeckoEmbeddings'].map((n) => typeof gecko[n]),
  ids: [node.model.id, web.id],
  a: a.map((v) => Array.from(v)),
  b: b.map((v) => Array.from(v)),
  top: Array.from(top.keys),
}));
`,
    );
    const { stdout } = await run(process.execPath, [script, modelDir], { cwd: app });
    const r = JSON.parse(stdout) as {
      main: string;
      browser: string;
      exports: string[];
      ids: string[];
      a: number[][];
      b: number[][];
      top: number[];
    };
    expect(r.main).toContain('/app/node_modules/gecko-embed/dist/index.js');
    expect(r.browser).toContain('/app/node_modules/gecko-embed/dist/browser/gecko.js');
    expect(r.exports).toEqual(['function', 'function', 'function']);
    expect(r.ids[0]).toMatch(/^gecko-static:/);
    expect(r.ids[1]).toBe(r.ids[0]);
    const expected = await (await loadStaticModel(modelDir)).embed(
      ['how do geckos climb walls', 'Geckos climb glass.'],
      { kind: 'document' },
    );
    for (let i = 0; i < 2; i++) {
      expect(maxAbsDiff(r.a[i]!, expected[i]!)).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(r.b[i]!, expected[i]!)).toBeLessThanOrEqual(1e-6);
    }
    expect(r.top).toEqual([1, 0]); // the text's own vector (row 1) first
  }, 60_000);

  it('runs `gecko serve` (one /v1/embeddings request) from the installed package', async () => {
    const server = await startServedCli(
      [
        join(app, 'node_modules/gecko-embed/bin/gecko.js'),
        '--work',
        join(dir, 'work'),
        '--json',
        'serve',
        '--model',
        modelDir,
        '--port',
        '0',
      ],
      app,
    );
    try {
      const { started } = server;
      const res = await fetch(`${started.url as string}/v1/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gecko', input: ['how do geckos climb walls'] }),
      });
      expect(res.status, server.stderr()).toBe(200);
      const body = (await res.json()) as { data: { embedding: number[] }[] };
      const [want] = await (await loadStaticModel(modelDir)).embed(['how do geckos climb walls']);
      expect(body.data).toHaveLength(1);
      expect(maxAbsDiff(body.data[0]!.embedding, want!)).toBeLessThanOrEqual(1e-6);
    } finally {
      server.stop();
    }
    expect(await server.exited).not.toBeNull();
  }, 60_000);

  it('runs `gecko eval` on the shipped example task, scoring as the source does', async () => {
    const data = join(app, 'node_modules/gecko-embed/examples/eval');
    await installedGecko([
      '--work',
      join(dir, 'w1'),
      'eval',
      '--model',
      modelDir,
      '--data',
      data,
      '--out',
      join(dir, 'e1'),
    ]);
    const fromSource = await runGecko([
      '--work',
      join(dir, 'w2'),
      'eval',
      '--model',
      modelDir,
      '--data',
      join(ROOT, 'examples/eval'),
      '--out',
      join(dir, 'e2'),
    ]);
    expect(fromSource.code, fromSource.stderr).toBe(0);
    const score = ndcg10(join(dir, 'e1'));
    expect(score).toBeGreaterThan(0);
    expect(score).toBe(ndcg10(join(dir, 'e2')));
  }, 90_000);
});
