import { LAYOUTS } from '../model/formats/layouts.js';
import { ModelError } from '../model/ModelError.js';
import { StaticModel, type StaticModelConfig } from '../model/StaticModel.js';
import { parseSafetensors, tensorToFloat32 } from '../model/safetensors.js';
import { Tokenizer, type TokenizerJson } from '../model/tokenizer/Tokenizer.js';

/** A model's files, already in memory (fetched, read from an `<input type=file>`, or bundled). */
export interface ModelFiles {
  /** `model.safetensors` bytes. */
  weights: Uint8Array;
  /** `tokenizer.json`, parsed or as text. */
  tokenizer: TokenizerJson | string;
  /** `gecko.json` settings (maxLength…), when present. */
  config?: StaticModelConfig | null;
  /** Name used in error messages. @default 'model' */
  source?: string;
}

/** Tensor names a static model's table is stored under, across the layouts gecko reads. */
const TABLE_TENSORS = [...new Set([...LAYOUTS.map((l) => l.tensor), 'embeddings', 'embedding.weight'])];

/**
 * Builds a {@link StaticModel} from file contents, with no file system: the browser's way in. It reads the
 * same tensors as Node's `loadStaticModel` (a table under any layout's name, optional `weights`) so both
 * give identical vectors.
 *
 * @throws {ModelError} when the weights hold no 2-D table or it has fewer rows than the vocabulary.
 * @example
 * const model = modelFromFiles({ weights, tokenizer: await (await fetch('tokenizer.json')).json() });
 */
export function modelFromFiles(files: ModelFiles): StaticModel {
  const source = files.source ?? 'model';
  const st = parseSafetensors(files.weights, `${source}/model.safetensors`);
  const name = TABLE_TENSORS.find((n) => st.tensors.get(n)?.shape.length === 2);
  if (name === undefined) {
    throw new ModelError(
      source,
      `no 2-D token table in model.safetensors (looked for ${TABLE_TENSORS.join(', ')})`,
    );
  }
  const tensor = st.tensors.get(name)!;
  const tokJson =
    typeof files.tokenizer === 'string' ? (JSON.parse(files.tokenizer) as TokenizerJson) : files.tokenizer;
  const tokenizer = Tokenizer.fromJSON(tokJson, `${source}/tokenizer.json`);
  const [rows, dim] = tensor.shape as [number, number];
  if (rows < tokenizer.vocabSize) {
    throw new ModelError(
      source,
      `table has ${rows} rows but the tokenizer has ${tokenizer.vocabSize} tokens`,
    );
  }
  let table = tensorToFloat32(tensor, source);
  if (rows > tokenizer.vocabSize) table = table.slice(0, tokenizer.vocabSize * dim);
  const w = st.tensors.get('weights');
  const weights = w ? tensorToFloat32(w, source).slice(0, tokenizer.vocabSize) : null;
  return new StaticModel({ tokenizer, table, dim, weights, config: { ...(files.config ?? {}) } });
}

/**
 * Fetches a model folder served over HTTP (model2vec or sentence-transformers layout, as `saveStaticModel`
 * writes it) and builds the model. `gecko.json` is optional.
 *
 * @throws {ModelError} when no layout's files are found under `baseUrl`.
 * @example
 * const model = await loadModelFromUrl('/models/gecko-small/');
 * const [v] = await model.embed(['how do geckos climb']);
 */
export async function loadModelFromUrl(
  baseUrl: string,
  init: { fetch?: typeof fetch } = {},
): Promise<StaticModel> {
  const get = init.fetch ?? fetch;
  // Relative URLs ('/models/x/') resolve against the page, as fetch() would resolve them.
  const page = (globalThis as { location?: { href: string } }).location?.href;
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, page).href;
  for (const layout of LAYOUTS) {
    const weightsRes = await get(new URL(layout.weights, base));
    if (!weightsRes.ok) continue;
    const tokRes = await get(new URL(layout.tokenizer, base));
    if (!tokRes.ok)
      throw new ModelError(base, `found ${layout.weights} but not ${layout.tokenizer} (${tokRes.status})`);
    const configRes = await get(new URL('gecko.json', base));
    return modelFromFiles({
      weights: new Uint8Array(await weightsRes.arrayBuffer()),
      tokenizer: (await tokRes.json()) as TokenizerJson,
      config: configRes.ok ? ((await configRes.json()) as StaticModelConfig) : null,
      source: base,
    });
  }
  throw new ModelError(base, `no model here: tried ${LAYOUTS.map((l) => l.weights).join(', ')}`);
}
