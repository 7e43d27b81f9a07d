/**
 * examples/browser/ in headless Chromium (Debian's `chromium`, driven by playwright-core): the page is served
 * from a loopback static server in the layout of a checkout (examples/, dist/browser/gecko.js, my-model/),
 * with the model the README's "No LLM yet" commands train from the files in examples/. It must embed the
 * example corpus in the page and rank it as Node does with the same model; the screenshot is kept in
 * `<tmpdir>/gecko-browser-example/page.png`. Skipped, with a message, only when /usr/bin/chromium is absent
 * (.ci/run installs it).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowser } from '../../src/browser/bundle.js';
import { exactTopK } from '../../src/math/topK.js';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import type { StaticModel } from '../../src/model/StaticModel.js';
import { chromiumOrWarn, launchChromium } from '../helpers/chromium.js';
import { ROOT } from '../helpers/paths.js';
import { readmeShellBlock, runReadmeBlock } from '../helpers/readme.js';
import { type StaticServer, serveStatic } from '../helpers/staticServer.js';

const hasChromium = chromiumOrWarn('browser example test');
const SHOT_DIR = join(tmpdir(), 'gecko-browser-example');

let dir: string;
let server: StaticServer;
let model: StaticModel;
let passages: { id: string; title: string; text: string }[];
let table: Float32Array;

/** The README block's commands that make the model (tokenizer train, train), continuation lines joined. */
function trainingCommands(): string {
  return readmeShellBlock('No LLM yet')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => /^gecko (tokenizer train|train) /.test(l))
    .join('\n');
}

/** Node's top-k for `query` with the same model, as [id, score] pairs. */
async function nodeTop(query: string, k: number): Promise<[string, number][]> {
  const [q] = await model.embed([query], { kind: 'query' });
  const [top] = exactTopK(q!, 1, table, passages.length, model.dimensions, k);
  return Array.from(top!.keys, (row, i) => [passages[row]!.id, top!.scores[i]!]);
}

/** Waits for the page to finish a search (or fail) and reads the result list. */
async function results(page: Page): Promise<{ state: string; status: string; top: [string, number][] }> {
  await page.waitForSelector('body[data-state="searched"], body[data-state="error"]', { timeout: 60_000 });
  return page.evaluate(() => ({
    state: document.body.dataset.state ?? '',
    status: document.getElementById('status')?.textContent ?? '',
    top: Array.from(document.querySelectorAll<HTMLElement>('#results li'), (li): [string, number] => [
      li.dataset.id ?? '',
      Number(li.dataset.score),
    ]),
  }));
}

function expectSameRanking(got: [string, number][], want: [string, number][]): void {
  expect(got.map(([id]) => id)).toEqual(want.map(([id]) => id));
  for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]![1] - want[i]![1])).toBeLessThanOrEqual(1e-5);
}

beforeAll(async () => {
  if (!hasChromium) return;
  dir = mkdtempSync(join(tmpdir(), 'gecko-browser-example-'));
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
  const r = await runReadmeBlock(trainingCommands(), dir);
  if (r.code !== 0) throw new Error(`README training commands failed:\n${r.stderr}`);
  mkdirSync(join(dir, 'dist/browser'), { recursive: true });
  await bundleBrowser(join(dir, 'dist/browser/gecko.js'));
  model = await loadStaticModel(join(dir, 'my-model/run/model'));
  passages = readFileSync(join(ROOT, 'examples/corpus.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const row = JSON.parse(l) as { _id: string; title: string; text: string };
      return { id: row._id, title: row.title, text: row.text };
    });
  const vectors = await model.embed(passages, { kind: 'document' });
  table = new Float32Array(passages.length * model.dimensions);
  vectors.forEach((v, i) => {
    table.set(v, i * model.dimensions);
  });
  server = await serveStatic({
    '/examples/': join(ROOT, 'examples'),
    '/dist/': join(dir, 'dist'),
    '/my-model/': join(dir, 'my-model'),
  });
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasChromium)('examples/browser in headless Chromium', () => {
  it('embeds the example corpus in the page and ranks it as Node does', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      const q1 = 'how do geckos climb walls';
      await page.goto(`${server.base}/examples/browser/?q=${encodeURIComponent(q1)}`);
      const first = await results(page);
      expect(first.state, first.status).toBe('searched');
      expect(first.status).toMatch(/^320 passages embedded in \d+ ms \(128 dimensions/);
      expect(first.top).toHaveLength(5);
      expect(first.top[0]![0]).toBe('geckos-02'); // "How geckos stick to walls"
      expectSameRanking(first.top, await nodeTop(q1, 5));

      // The search box: a second query typed and submitted in the page.
      const q2 = 'why does bread go stale';
      await page.evaluate(() => {
        document.body.dataset.state = 'typing';
      });
      await page.fill('#query', q2);
      await page.press('#query', 'Enter');
      const second = await results(page);
      expect(second.state, second.status).toBe('searched');
      expect(second.top[0]![0]).toBe('cooking-17'); // "Why bread goes stale"
      expectSameRanking(second.top, await nodeTop(q2, 5));
      expect(errors).toEqual([]);
      expect(server.requests).toContain('/my-model/run/model/model.safetensors');
      expect(server.requests).toContain('/examples/corpus.jsonl');

      mkdirSync(SHOT_DIR, { recursive: true });
      const shot = join(SHOT_DIR, 'page.png');
      await page.screenshot({ path: shot, fullPage: true });
      const png = readFileSync(shot);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.length).toBeGreaterThan(10_000);
      console.log(`browser example screenshot: ${shot}`);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
