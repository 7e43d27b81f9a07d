import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile } from '../../util/atomicWrite.js';
import { VERSION } from '../../version.js';
import type { StaticModel } from '../StaticModel.js';
import { serializeSafetensors } from '../safetensors.js';
import { DEFAULT_QUERY_TASK, formatDocument, formatQuery } from '../unifiedFormat.js';
import { GECKO_CONFIG, LAYOUTS, type SaveFormat } from './layouts.js';

export interface SaveStaticModelOptions {
  /** @default 'model2vec' (which sentence-transformers also loads, through its modules.json) */
  format?: SaveFormat;
  /** Name shown in the model card. @default the folder name */
  modelName?: string;
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
  const v = model.tokenizer.vocabSize;
  const d = model.dimensions;
  const table = model.foldedTable();
  const tokenizerJson = JSON.stringify(model.tokenizer.json);
  const metadata = { format: 'pt', producer: `gecko-embed ${VERSION}` };
  const prompts = {
    query: formatQuery('', DEFAULT_QUERY_TASK),
    document: formatDocument('', null),
  };
  await mkdir(dir, { recursive: true });
  const gecko = { format, dimensions: d, vocabSize: v, ...model.config, geckoVersion: VERSION };
  // The layout loadStaticModel reads this format back from: where the weights and tokenizer go.
  const layout = LAYOUTS.find(
    (l) => l.name === (format === 'model2vec' ? 'model2vec' : 'sentence-transformers-module'),
  )!;
  const st = serializeSafetensors(
    { [layout.tensor]: { dtype: 'F32', shape: [v, d], data: table } },
    metadata,
  );
  await atomicWriteFile(join(dir, layout.weights), st);
  await atomicWriteFile(join(dir, layout.tokenizer), tokenizerJson);
  if (format === 'model2vec') {
    await atomicWriteFile(
      join(dir, 'config.json'),
      json({
        model_type: 'model2vec',
        architectures: ['StaticModel'],
        tokenizer_name: null,
        apply_pca: null,
        apply_zipf: null,
        hidden_dim: d,
        seq_length: model.maxLength,
        normalize: true,
        embedding_dtype: 'float32',
      }),
    );
    // model2vec writes this too, so sentence-transformers can load the same folder.
    await atomicWriteFile(
      join(dir, 'modules.json'),
      json([
        { idx: 0, name: '0', path: '.', type: 'sentence_transformers.models.StaticEmbedding' },
        { idx: 1, name: '1', path: '1_Normalize', type: 'sentence_transformers.models.Normalize' },
      ]),
    );
  } else {
    await atomicWriteFile(
      join(dir, 'modules.json'),
      json([
        {
          idx: 0,
          name: '0',
          path: '0_StaticEmbedding',
          type: 'sentence_transformers.models.StaticEmbedding',
        },
        { idx: 1, name: '1', path: '1_Normalize', type: 'sentence_transformers.models.Normalize' },
      ]),
    );
    await atomicWriteFile(
      join(dir, 'config_sentence_transformers.json'),
      json({
        __version__: { sentence_transformers: '3.3.1', gecko_embed: VERSION },
        prompts,
        default_prompt_name: null,
        similarity_fn_name: 'cosine',
      }),
    );
  }
  await mkdir(join(dir, '1_Normalize'), { recursive: true });
  await atomicWriteFile(join(dir, GECKO_CONFIG), json(gecko));
  await atomicWriteFile(join(dir, 'README.md'), modelCard(options.modelName ?? dir, format, v, d));
}

function modelCard(name: string, format: SaveFormat, v: number, d: number): string {
  const lib = format === 'model2vec' ? 'model2vec' : 'sentence-transformers';
  return `---
library_name: ${lib}
tags: [static-embeddings, gecko-embed]
---

# ${name}

A static embedding model (token table ${v} x ${d}, mean pooling, L2 normalisation) trained with
[gecko-embed](https://github.com/) following Google's Gecko recipe. Inputs use Gecko's unified format:
queries \`task: {task} | query: {text}\`, documents \`title: {title or none} | text: {text}\`.

\`\`\`python
${format === 'model2vec' ? 'from model2vec import StaticModel\nmodel = StaticModel.from_pretrained("PATH")' : 'from sentence_transformers import SentenceTransformer\nmodel = SentenceTransformer("PATH")'}
\`\`\`
`;
}
