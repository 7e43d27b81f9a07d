/**
 * The browser build in headless Chromium (Debian's `chromium`, driven by playwright-core): a page served on
 * loopback imports the esbuild bundle, fetches a model folder, embeds texts, and the vectors must equal
 * Node's within 1e-6. Skipped, with a message, only when /usr/bin/chromium is absent
 * (CI installs it: `apt-get install -y chromium`).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowser } from '../../src/browser/bundle.js';
import type { EmbedOptions } from '../../src/model/Embedder.js';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { chromiumOrWarn, launchChromium } from '../helpers/chromium.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';
import { maxAbsDiff, saveTestModel } from '../unit/serve/fixtures.js';

const hasChromium = chromiumOrWarn('browser test');

const CASES: { texts: string[]; options: EmbedOptions }[] = [
  { texts: ['how do geckos climb walls', 'Geckos’ toes carry millions of setae!'], options: {} },
  { texts: ['Ünïcödé, accents and 漢字 are tokenized the same way', ''], options: { kind: 'document' } },
  {
    texts: [Array.from({ length: 120 }, (_, i) => `word${i % 17} gecko`).join(' ')],
    options: { dimensions: 16 },
  },
  { texts: ['a query with its own task'], options: { task: 'fact checking', dimensions: 32 } },
];

let server: Server;
let base: string;
let modelDir: string;

beforeAll(async () => {
  if (!hasChromium) return;
  const dir = tempDir('gecko-browser-');
  modelDir = join(dir, 'model');
  await saveTestModel(modelDir);
  const bundle = join(dir, 'gecko.js');
  await bundleBrowser(bundle, { minify: true });
  const files: Record<string, [string, string]> = {
    '/': [join(ROOT, 'test/browser/page.html'), 'text/html'],
    '/gecko.js': [bundle, 'text/javascript'],
    '/model/model.safetensors': [join(modelDir, 'model.safetensors'), 'application/octet-stream'],
    '/model/tokenizer.json': [join(modelDir, 'tokenizer.json'), 'application/json'],
    '/model/gecko.json': [join(modelDir, 'gecko.json'), 'application/json'],
  };
  server = createServer((req, res) => {
    const entry = files[(req.url ?? '/').split(/[?#]/)[0]!];
    if (!entry) {
      res.writeHead(404).end();
      return;
    }
    readFile(entry[0]).then(
      (body) => res.writeHead(200, { 'content-type': entry[1] }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
});

describe.skipIf(!hasChromium)('browser build in headless Chromium', () => {
  it('embeds like Node within 1e-6', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}/#${encodeURIComponent(JSON.stringify(CASES))}`);
      const result = (await page.evaluate(
        () => (window as unknown as { geckoResult: Promise<unknown> }).geckoResult,
      )) as {
        error?: string;
        id: string;
        dimensions: number;
        vectors: number[][][];
        node: boolean;
      };
      expect(result.error, result.error).toBeUndefined();
      expect(errors).toEqual([]);
      expect(result.node).toBe(false);
      const model = await loadStaticModel(modelDir);
      expect(result.id).toBe(model.id);
      for (let c = 0; c < CASES.length; c++) {
        const expected = await model.embed(CASES[c]!.texts, CASES[c]!.options);
        const got = result.vectors[c]!;
        expect(got).toHaveLength(expected.length);
        got.forEach((v, i) => {
          expect(v).toHaveLength(expected[i]!.length);
          expect(maxAbsDiff(v, expected[i]!)).toBeLessThanOrEqual(1e-6);
        });
      }
    } finally {
      await browser.close();
    }
  }, 90_000);
});
