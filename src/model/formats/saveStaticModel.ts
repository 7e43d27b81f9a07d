import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { atomicWriteFile } from '../../util/atomicWrite.js';
import { VERSION } from '../../version.js';
import type { StaticModel } from '../StaticModel.js';
import { serializeSafetensors } from '../safetensors.js';
import { DEFAULT_QUERY_TASK, formatDocument, formatQuery } from '../unifiedFormat.js';
import { GECKO_CONFIG, LAYOUTS, type SaveFormat } from './layouts.js';
import { type ModelCardScore, renderModelCard } from './modelCard.js';

export interface SaveStaticModelOptions {
  /** @default 'model2vec' (which sentence-transformers also loads, through its modules.json) */
  format?: SaveFormat;
  /**
   * Name in the model card's title and usage snippets (a Hub id such as `owner/name`).
   * @default the folder's name (its parent's for a folder called `model`, as train and distill write)
   */
  modelName?: string;
  /** License id for the card's front matter. @default 'unknown' */
  license?: string;
  /** Hub id of the model this one derives from (card front matter `base_model`). */
  baseModel?: string;
  /** Evaluation scores for the card. */
  scores?: readonly ModelCardScore[];
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/**
 * Saves a model as safetensors + tokenizer.json + config files that Python's model2vec (`StaticModel.
 * from_pretrained`) and sentence-transformers (`SentenceTransformer(path)`, `StaticEmbedding`) load; the
 * layouts are described in docs/model-format.md. Learned token weights are folded into the table, since both
 * libraries mean-pool plain rows. Every file is written atomically.
 *
 * @example
 * await saveStaticModel(model, 'out/model', { format: 'sentence-transformers' });
 */
export async function saveStaticModel(
  model: StaticModel,
  dir: string,
  options: SaveStaticModelOptions = {},
): Promise<void> {
  const format = options.format ?? 'model2vec';
  await mkdir(dir, { recursive: true });
  await writeWeightsAndTokenizer(model, dir, format);
  await writeLayoutConfig(model, dir, format);
  await writeSentenceTransformersConfig(dir);
  await mkdir(join(dir, '1_Normalize'), { recursive: true });
  const gecko = {
    format,
    dimensions: model.dimensions,
    vocabSize: model.tokenizer.vocabSize,
    ...model.config,
    geckoVersion: VERSION,
  };
  await atomicWriteFile(join(dir, GECKO_CONFIG), json(gecko));
  await atomicWriteFile(
    join(dir, 'README.md'),
    renderModelCard(model, {
      name: options.modelName ?? defaultModelName(dir),
      format,
      ...(options.license ? { license: options.license } : {}),
      ...(options.baseModel ? { baseModel: options.baseModel } : {}),
      ...(options.scores ? { scores: options.scores } : {}),
    }),
  );
}

/** The table (safetensors) and tokenizer.json, where the layout that loadStaticModel reads them from puts them. */
async function writeWeightsAndTokenizer(model: StaticModel, dir: string, format: SaveFormat): Promise<void> {
  const v = model.tokenizer.vocabSize;
  const d = model.dimensions;
  // Python's tokenizers apply a tokenizer.json's own truncation and padding (gecko's do not): cleared, so
  // the model's maxLength is the one limit and no padding ids are pooled.
  const tokenizerJson = JSON.stringify({ ...model.tokenizer.json, truncation: null, padding: null });
  const metadata = { format: 'pt', producer: `gecko-embed ${VERSION}` };
  const layout = LAYOUTS.find(
    (l) => l.name === (format === 'model2vec' ? 'model2vec' : 'sentence-transformers-module'),
  )!;
  const st = serializeSafetensors(
    { [layout.tensor]: { dtype: 'F32', shape: [v, d], data: exportTable(model) } },
    metadata,
  );
  await atomicWriteFile(join(dir, layout.weights), st);
  await atomicWriteFile(join(dir, layout.tokenizer), tokenizerJson);
}

const NORMALIZE_MODULE = {
  idx: 1,
  name: '1',
  path: '1_Normalize',
  type: 'sentence_transformers.models.Normalize',
};

/** model2vec's config.json (model2vec layout only) and the modules.json that sentence-transformers loads. */
async function writeLayoutConfig(model: StaticModel, dir: string, format: SaveFormat): Promise<void> {
  if (format === 'model2vec') {
    await atomicWriteFile(
      join(dir, 'config.json'),
      json({
        model_type: 'model2vec',
        architectures: ['StaticModel'],
        tokenizer_name: null,
        apply_pca: null,
        apply_zipf: null,
        hidden_dim: model.dimensions,
        seq_length: model.maxLength,
        normalize: true,
        embedding_dtype: 'float32',
      }),
    );
  }
  // model2vec writes modules.json too, so sentence-transformers can load the same folder; its embedding
  // module then sits in the folder itself rather than in 0_StaticEmbedding.
  const path = format === 'model2vec' ? '.' : '0_StaticEmbedding';
  await atomicWriteFile(
    join(dir, 'modules.json'),
    json([
      { idx: 0, name: '0', path, type: 'sentence_transformers.models.StaticEmbedding' },
      NORMALIZE_MODULE,
    ]),
  );
}

/**
 * Both layouts: sentence-transformers reads its prompts here (the model2vec layout loads in it through
 * modules.json), and model2vec's from_sentence_transformers reads `normalize` from it.
 */
async function writeSentenceTransformersConfig(dir: string): Promise<void> {
  const prompts = {
    query: formatQuery('', DEFAULT_QUERY_TASK),
    document: formatDocument('', null),
  };
  await atomicWriteFile(
    join(dir, 'config_sentence_transformers.json'),
    json({
      __version__: { sentence_transformers: '3.3.1', gecko_embed: VERSION },
      prompts,
      default_prompt_name: null,
      similarity_fn_name: 'cosine',
      normalize: true,
    }),
  );
}

/**
 * The table as written: weights folded in. The row of the unknown token that model2vec drops is zero (the
 * StaticModel constructor zeroes it): sentence-transformers keeps [UNK] ids in its mean, and a zero row leaves
 * the sum unchanged, so after its Normalize module the vector equals model2vec's and gecko's.
 */
function exportTable(model: StaticModel): Float32Array {
  return model.foldedTable();
}

/** A folder's name without a `.tmp-<pid>` suffix; `model` (train's and distill's) gives its parent's name. */
function defaultModelName(dir: string): string {
  const abs = resolve(dir);
  const name = basename(abs).replace(/\.tmp-\d+$/, '');
  return name === 'model' ? basename(dirname(abs)) || name : name;
}
