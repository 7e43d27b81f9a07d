import { LAYOUTS } from '../model/formats/layouts.js';
import { type ModelFiles, modelFromFiles } from '../model/formats/modelFromFiles.js';
import { ModelError } from '../model/ModelError.js';
import type { StaticModel, StaticModelConfig } from '../model/StaticModel.js';
import type { TokenizerJson } from '../model/tokenizer/Tokenizer.js';

export { type ModelFiles, modelFromFiles };

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
