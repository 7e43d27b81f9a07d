import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFromHub } from '../../../src/model/formats/hub.js';
import { detectLayout, loadStaticModel } from '../../../src/model/formats/loadStaticModel.js';
import { saveStaticModel } from '../../../src/model/formats/saveStaticModel.js';
import { ModelError } from '../../../src/model/ModelError.js';
import { StaticModel } from '../../../src/model/StaticModel.js';
import { parseSafetensors } from '../../../src/model/safetensors.js';
import { tempDir } from '../../helpers/tmp.js';
import { tinyTokenizer } from './fixtures.js';

const texts = ['gecko climbs a wall.', 'walls'];

describe('model formats', () => {
  it('model2vec layout: files, tensor name, config, and a lossless round trip', async () => {
    const dir = tempDir();
    const m = StaticModel.create(tinyTokenizer(), 8, { seed: 3 });
    await saveStaticModel(m, dir);
    for (const f of [
      'model.safetensors',
      'tokenizer.json',
      'config.json',
      'modules.json',
      'gecko.json',
      'README.md',
    ]) {
      expect(existsSync(join(dir, f))).toBe(true);
    }
    const st = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
    expect(st.tensors.get('embeddings')?.shape).toEqual([11, 8]);
    expect(st.tensors.get('embeddings')?.dtype).toBe('F32');
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({ model_type: 'model2vec', hidden_dim: 8, normalize: true });
    expect(detectLayout(dir)?.name).toBe('model2vec');
    const back = await loadStaticModel(dir);
    // [UNK]'s row (id 1) is zero, in memory and on disk: gecko and model2vec never pool it, and
    // sentence-transformers' mean then points where theirs does. The model keeps its id across save and load.
    expect(Array.from(m.table.subarray(8, 16))).toEqual(new Array(8).fill(0));
    expect(Array.from(back.table)).toEqual(Array.from(m.table));
    expect(back.id).toBe(m.id);
    expect((await back.embed(texts)).map((v) => Array.from(v))).toEqual(
      (await m.embed(texts)).map((v) => Array.from(v)),
    );
    const tok = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
    expect(tok.truncation).toBeNull();
    expect(tok.padding).toBeNull();
    const stCfg = JSON.parse(readFileSync(join(dir, 'config_sentence_transformers.json'), 'utf8'));
    expect(stCfg.prompts).toEqual({
      query: 'task: search result | query: ',
      document: 'title: none | text: ',
    });
    expect(stCfg.normalize).toBe(true);
  });

  it('embeds a text with unknown words as its known tokens alone (model2vec drops [UNK])', async () => {
    const m = StaticModel.create(tinyTokenizer(), 8, { seed: 9 });
    const [withUnk, without] = await m.embed(['gecko zebra climbs okapi', 'gecko climbs']);
    expect(Array.from(withUnk!)).toEqual(Array.from(without!));
  });

  it('sentence-transformers layout with token weights folded in', async () => {
    const dir = tempDir();
    const m = StaticModel.create(tinyTokenizer(), 8, { seed: 4, tokenWeights: true });
    m.weights!.fill(2);
    await saveStaticModel(m, dir, { format: 'sentence-transformers' });
    const modules = JSON.parse(readFileSync(join(dir, 'modules.json'), 'utf8'));
    expect(modules[0]).toMatchObject({
      path: '0_StaticEmbedding',
      type: 'sentence_transformers.models.StaticEmbedding',
    });
    const st = parseSafetensors(
      new Uint8Array(readFileSync(join(dir, '0_StaticEmbedding/model.safetensors'))),
    );
    expect(st.tensors.get('embedding.weight')?.shape).toEqual([11, 8]);
    const cfg = JSON.parse(readFileSync(join(dir, 'config_sentence_transformers.json'), 'utf8'));
    expect(cfg.prompts.query).toBe('task: search result | query: ');
    const back = await loadStaticModel(dir);
    expect(back.weights).toBeNull();
    const a = await m.embed(texts);
    const b = await back.embed(texts);
    a.forEach((v, i) => {
      v.forEach((x, j) => {
        expect(b[i]![j]).toBeCloseTo(x, 6);
      });
    });
  });

  it('names what is missing in a folder that is not a model', async () => {
    const dir = tempDir();
    await expect(loadStaticModel(dir)).rejects.toThrow(/no static model here/);
    await expect(loadStaticModel(join(dir, 'nope'))).rejects.toThrow(ModelError);
  });
});

describe('Hugging Face hub download', () => {
  let server: Server;
  let endpoint: string;
  let requests: string[] = [];
  let modelDir: string;

  beforeAll(async () => {
    modelDir = tempDir('gecko-hub-src-');
    await saveStaticModel(StaticModel.create(tinyTokenizer(), 8, { seed: 5 }), modelDir, {
      format: 'sentence-transformers',
    });
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const m = /^\/acme\/tiny\/resolve\/main\/(.+)$/.exec(req.url ?? '');
      const file = m ? join(modelDir, decodeURIComponent(m[1]!)) : '';
      if (file && existsSync(file)) res.end(readFileSync(file));
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(modelDir, { recursive: true, force: true });
  });

  it('downloads once into the cache, then loads without requests', async () => {
    const cacheDir = tempDir('gecko-cache-');
    requests = [];
    const m = await loadStaticModel('acme/tiny', { endpoint, cacheDir });
    expect(m.dimensions).toBe(8);
    expect(requests.some((r) => r.endsWith('0_StaticEmbedding/model.safetensors'))).toBe(true);
    requests = [];
    await loadStaticModel('acme/tiny', { endpoint, cacheDir });
    expect(requests).toEqual([]);
  });

  it('says clearly when the hub is unreachable (offline)', async () => {
    const cacheDir = tempDir('gecko-cache-');
    await expect(downloadFromHub('acme/tiny', { endpoint: 'http://127.0.0.1:9', cacheDir })).rejects.toThrow(
      /cannot download .* looks offline/,
    );
  });

  it('a missing local path shaped like owner/name names the folder and the hub id it tried', async () => {
    const cacheDir = tempDir('gecko-cache-');
    const cwd = process.cwd();
    const here = tempDir();
    process.chdir(here);
    try {
      // Offline: both the local folder and the hub id are named, and the way out.
      const offline = await loadStaticModel('nosuch/model', {
        endpoint: 'http://127.0.0.1:9',
        cacheDir,
      }).catch((e: Error) => e.message);
      expect(offline).toContain(
        `nosuch/model: no such folder (${join(realpathSync(here), 'nosuch/model')}), and tried as the Hugging Face repository id "nosuch/model": cannot download`,
      );
      expect(offline).toContain('looks offline');
      // The hub answers, without such a repository.
      await expect(loadStaticModel('acme/other', { endpoint, cacheDir })).rejects.toThrow(
        /no such folder .*, and tried as the Hugging Face repository id "acme\/other": no static model found/,
      );
      // `models` is a folder here: models/student is a local path that is missing; no request is made.
      mkdirSync(join(here, 'models'));
      requests = [];
      await expect(loadStaticModel('models/student', { endpoint, cacheDir })).rejects.toThrow(
        /^models\/student: no such folder \(.*models\/student\); not tried as the Hugging Face repository id "models\/student" because .*models is a local folder$/,
      );
      expect(requests).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('reports a repository without a static model', async () => {
    await expect(downloadFromHub('acme/other', { endpoint, cacheDir: tempDir() })).rejects.toThrow(
      /no static model found/,
    );
  });
});
