import type { Reporter } from '../../util/Reporter.js';
import { ModelError } from '../ModelError.js';
import { StaticModel, type StaticModelConfig } from '../StaticModel.js';
import { parseSafetensors, tensorToFloat32 } from '../safetensors.js';
import { Tokenizer, type TokenizerJson } from '../tokenizer/Tokenizer.js';
import { LAYOUTS } from './layouts.js';

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
  /** Receives truncation warnings from `embed`. */
  reporter?: Reporter;
}

/** Tensor names a static model's table is stored under, across the layouts gecko reads. */
const TABLE_TENSORS = [...new Set([...LAYOUTS.map((l) => l.tensor), 'embeddings', 'embedding.weight'])];

/**
 * Builds a {@link StaticModel} from file contents, with no file system: the browser's way in, and the last
 * step of Node's `loadStaticModel` too, so both read the same tensors (a table under any layout's name,
 * optional `weights`) and give identical vectors. No Node.js APIs here: the browser bundle includes it.
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
  return new StaticModel({
    tokenizer,
    table,
    dim,
    weights,
    config: { ...(files.config ?? {}) },
    ...(files.reporter ? { reporter: files.reporter } : {}),
  });
}
