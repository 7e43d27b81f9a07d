import { DEFAULT_QUERY_TASK, formatDocument, formatQuery } from '../unifiedFormat.js';
import type { SaveFormat } from './layouts.js';

/**
 * The model card's "Usage" section: the same query and document embedded in gecko, model2vec and
 * sentence-transformers under the model's real name. Kept apart from the rest of the card because its
 * snippets follow each library's API (model2vec has no prompts, so the unified format goes into the text;
 * a non-default `maxLength` has to be passed to model2vec explicitly).
 */
export function usageSection(
  name: string,
  format: SaveFormat,
  dims: readonly number[],
  maxLength: number,
): string[] {
  const smallest = dims.length > 1 ? dims[dims.length - 1] : undefined;
  return [
    '## Usage',
    '',
    ...geckoUsage(name, smallest),
    '',
    ...model2vecUsage(name, format, maxLength),
    '',
    ...sentenceTransformersUsage(name, smallest),
  ];
}

function geckoUsage(name: string, smallest: number | undefined): string[] {
  return [
    '### gecko (TypeScript)',
    '',
    '```ts',
    "import { loadStaticModel } from 'gecko-embed';",
    '',
    `const model = await loadStaticModel(${tsString(name)});`,
    "const [query] = await model.embed(['how do geckos climb walls'], { kind: 'query' });",
    "const [doc] = await model.embed([{ title: 'Geckos', text: 'Geckos climb with millions of tiny hairs.' }], {",
    "  kind: 'document',",
    '});',
    ...(smallest !== undefined
      ? [`const small = await model.embed(['how do geckos climb walls'], { dimensions: ${smallest} });`]
      : []),
    '```',
  ];
}

function model2vecUsage(name: string, format: SaveFormat, maxLength: number): string[] {
  const q = formatQuery('', DEFAULT_QUERY_TASK);
  const doc = formatDocument('', null);
  // model2vec's own default is 512 tokens; any other limit must be passed for its vectors to match.
  const limit = maxLength !== 512 ? `, max_length=${maxLength}` : '';
  return [
    '### model2vec',
    '',
    'model2vec has no prompts, so put the format in the text:',
    '',
    '```python',
    'from model2vec import StaticModel',
    '',
    format === 'model2vec'
      ? `model = StaticModel.from_pretrained(${pyString(name)})`
      : `model = StaticModel.from_sentence_transformers(${pyString(name)})`,
    `query = model.encode([${pyString(`${q}how do geckos climb walls`)}]${limit})`,
    `doc = model.encode([${pyString(`${doc}Geckos climb with millions of tiny hairs.`)}]${limit})`,
    '```',
  ];
}

/** sentence-transformers reads the prompts from config_sentence_transformers.json, so names suffice. */
function sentenceTransformersUsage(name: string, smallest: number | undefined): string[] {
  const q = formatQuery('', DEFAULT_QUERY_TASK);
  return [
    '### sentence-transformers',
    '',
    '```python',
    'from sentence_transformers import SentenceTransformer',
    '',
    `model = SentenceTransformer(${pyString(name)})`,
    'query = model.encode(["how do geckos climb walls"], prompt_name="query")',
    'doc = model.encode(["Geckos climb with millions of tiny hairs."], prompt_name="document")',
    '```',
    '',
    `The \`query\` prompt is \`${q}\`; for another task pass \`prompt="task: fact checking | query: "\`.`,
    ...(smallest !== undefined
      ? [
          '',
          `Smaller vectors: gecko \`{ dimensions: ${smallest} }\`, model2vec`,
          `\`from_pretrained(..., dimensionality=${smallest})\`, sentence-transformers`,
          `\`SentenceTransformer(..., truncate_dim=${smallest})\` with \`normalize_embeddings=True\` in \`encode\`.`,
        ]
      : []),
  ];
}

/** A single-quoted TypeScript string literal (the house style). */
function tsString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A Python string literal (JSON's double-quoted escapes are valid Python). */
function pyString(s: string): string {
  return JSON.stringify(s);
}
