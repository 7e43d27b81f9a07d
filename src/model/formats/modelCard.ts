import { markdownTable } from '../../util/markdownTable.js';
import type { StaticModel } from '../StaticModel.js';
import type { Tokenizer } from '../tokenizer/Tokenizer.js';
import { DEFAULT_QUERY_TASK, formatDocument, formatQuery } from '../unifiedFormat.js';
import type { SaveFormat } from './layouts.js';

/** One evaluation score shown in the card: a task's main score (x100) at a size (null: the full size). */
export interface ModelCardScore {
  task: string;
  type: string;
  metric: string;
  dimensions: number | null;
  score: number;
}

/** What the card says beyond the model itself. */
export interface ModelCardOptions {
  /** The model's name (a Hub id such as `owner/name`, or a folder name): title and usage snippets. */
  name: string;
  format: SaveFormat;
  /** SPDX-style license id for the front matter. @default 'unknown' */
  license?: string;
  /** Hub id of the model this one derives from (front matter `base_model`), when there is one. */
  baseModel?: string;
  /** Evaluation scores to list (from `gecko eval` or `gecko distill` results). */
  scores?: readonly ModelCardScore[];
}

interface TrainingSource {
  name: string;
  kind: string;
  weight: number;
  count: number;
}

const NPM_PAGE = 'https://www.npmjs.com/package/gecko-embed';
const GECKO_PAPER = 'https://arxiv.org/abs/2403.20327';

/**
 * The model card (`README.md`) written beside a saved model: Hugging Face front matter (library_name,
 * license, pipeline_tag, tags, base_model), then what the model is (tokenizer, sizes, Matryoshka sizes,
 * sequence length), what it was trained on (the `training` block gecko keeps in the model's config), its
 * scores when given, and usage in gecko, model2vec and sentence-transformers under the model's real name.
 *
 * @example
 * const card = renderModelCard(model, { name: 'acme/gecko-small', format: 'model2vec', license: 'apache-2.0' });
 */
export function renderModelCard(model: StaticModel, options: ModelCardOptions): string {
  const { name, format } = options;
  const d = model.dimensions;
  const v = model.tokenizer.vocabSize;
  const dims = matryoshkaDims(model);
  const training = model.config.training as Record<string, unknown> | undefined;
  const sources = Array.isArray(training?.sources) ? (training.sources as TrainingSource[]) : [];
  const init = model.config.init as Record<string, unknown> | undefined;
  const maxLength = model.maxLength;
  const tags = ['embeddings', 'static-embeddings', 'sentence-transformers', 'model2vec', 'gecko-embed'];
  if (dims.length > 1) tags.push('matryoshka');
  const front = [
    '---',
    `library_name: ${format === 'model2vec' ? 'model2vec' : 'sentence-transformers'}`,
    `license: ${yamlScalar(options.license ?? 'unknown')}`,
    ...(options.baseModel ? [`base_model: ${yamlScalar(options.baseModel)}`] : []),
    'pipeline_tag: sentence-similarity',
    'tags:',
    ...tags.map((t) => `- ${t}`),
    '---',
  ];
  const details: [string, string][] = [
    ['Architecture', `static token table (${v} tokens x ${d} dimensions), mean pooling, L2 normalisation`],
    ['Tokenizer', describeTokenizer(model.tokenizer, model.config.tokenizer)],
    ['Dimensions', dims.length > 1 ? `${d} (Matryoshka sizes: ${dims.join(', ')})` : String(d)],
    ['Maximum tokens', `${maxLength} per text (longer texts are cut)`],
    ['Similarity', 'cosine'],
    [
      'Layout',
      format === 'model2vec' ? 'model2vec (also loads in sentence-transformers)' : 'sentence-transformers',
    ],
  ];
  if (init?.teacher)
    details.push(['Initialised from', `${String(init.teacher)} (${String(init.method ?? '')})`]);
  if (training) {
    const loss = training.loss as Record<string, unknown> | undefined;
    details.push([
      'Training',
      `${String(training.steps)} steps, batch ${String(training.batchSize)}, learning rate ${String(training.lr)}, seed ${String(training.seed)}${loss?.name ? `, ${String(loss.name)} loss` : ''}`,
    ]);
  }
  const q = formatQuery('', DEFAULT_QUERY_TASK);
  const doc = formatDocument('', null);
  const lines = [
    ...front,
    '',
    `# ${name}`,
    '',
    `${name} is a static text-embedding model trained with [gecko-embed](${NPM_PAGE}), following Google's`,
    `[Gecko](${GECKO_PAPER}) recipe. A text's vector is the mean of its tokens' rows, normalised to unit length,`,
    'so embedding a text costs one table lookup per token and no neural network runs.',
    '',
    '## Model details',
    '',
    markdownTable(['Property', 'Value'], details),
    '',
    "Inputs use Gecko's unified format: queries `task: {task} | query: {text}` (default task",
    `\`${DEFAULT_QUERY_TASK}\`), documents \`title: {title or none} | text: {text}\`.`,
    '',
    ...trainingSection(sources),
    ...scoresSection(options.scores ?? []),
    '## Usage',
    '',
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
    ...(dims.length > 1
      ? [
          `const small = await model.embed(['how do geckos climb walls'], { dimensions: ${dims[dims.length - 1]} });`,
        ]
      : []),
    '```',
    '',
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
    `query = model.encode([${pyString(`${q}how do geckos climb walls`)}]${maxLength !== 512 ? `, max_length=${maxLength}` : ''})`,
    `doc = model.encode([${pyString(`${doc}Geckos climb with millions of tiny hairs.`)}]${maxLength !== 512 ? `, max_length=${maxLength}` : ''})`,
    '```',
    '',
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
    ...(dims.length > 1
      ? [
          '',
          `Smaller vectors: gecko \`{ dimensions: ${dims[dims.length - 1]} }\`, model2vec`,
          `\`from_pretrained(..., dimensionality=${dims[dims.length - 1]})\`, sentence-transformers`,
          `\`SentenceTransformer(..., truncate_dim=${dims[dims.length - 1]})\` with \`normalize_embeddings=True\` in \`encode\`.`,
        ]
      : []),
    '',
    '## Same vectors in every library',
    '',
    'gecko tokenises as model2vec does (the text cut to',
    `${maxLength} x ${model.tokenizer.medianTokenLength} characters, unknown tokens dropped, at most ${maxLength} tokens), and`,
    "the unknown token's row is zero, so sentence-transformers' mean over all tokens points the same way: the",
    'three give the same normalised vectors (within 1e-6) for texts up to that length. sentence-transformers does',
    'not cut long texts, so for those it matches gecko and model2vec run without a limit',
    '(`maxLength: Infinity`, `max_length=None`). Details: gecko-embed docs/model-format.md, "Python parity".',
    '',
  ];
  return lines.join('\n');
}

/** The Matryoshka sizes the model was trained for (largest first), or just its full size. */
function matryoshkaDims(model: StaticModel): number[] {
  const fromConfig = model.config.matryoshkaDims;
  const loss = (model.config.training as Record<string, unknown> | undefined)?.loss as
    | Record<string, unknown>
    | undefined;
  const fromLoss = loss?.name === 'matryoshka' ? loss.dims : undefined;
  const list = Array.isArray(fromConfig) ? fromConfig : Array.isArray(fromLoss) ? fromLoss : [];
  const dims = new Set<number>([model.dimensions]);
  for (const x of list) if (typeof x === 'number' && x > 0 && x <= model.dimensions) dims.add(x);
  return [...dims].sort((a, b) => b - a);
}

/** "WordPiece, 30522 tokens, lower-cased" plus the name gecko recorded for it, if any. */
export function describeTokenizer(tokenizer: Tokenizer, recorded?: unknown): string {
  const json = tokenizer.json;
  const model = json.model as Record<string, unknown>;
  const norm = json.normalizer as Record<string, unknown> | null | undefined;
  const parts = [`${String(model.type ?? 'unknown')}, ${tokenizer.vocabSize} tokens`];
  if (norm?.type === 'BertNormalizer')
    parts.push(norm.lowercase === false ? 'cased (BERT-style)' : 'lower-cased (BERT-style)');
  const head = typeof recorded === 'string' && recorded ? `${recorded}: ` : '';
  return head + parts.join(', ');
}

function trainingSection(sources: readonly TrainingSource[]): string[] {
  if (sources.length === 0) return [];
  return [
    '## Training data',
    '',
    markdownTable(
      ['Source', 'Kind', 'Examples', 'Weight'],
      sources.map((s) => [s.name, s.kind, String(s.count), String(s.weight)]),
      ['left', 'left', 'right', 'right'],
    ),
    '',
  ];
}

function scoresSection(scores: readonly ModelCardScore[]): string[] {
  if (scores.length === 0) return [];
  const sizes = [...new Set(scores.map((s) => s.dimensions))].sort(
    (a, b) => (b ?? Infinity) - (a ?? Infinity),
  );
  const tasks = [...new Map(scores.map((s) => [s.task, s])).values()];
  const label = (d: number | null): string => (d === null ? 'full' : `${d}d`);
  const cell = (task: string, d: number | null): string => {
    const s = scores.find((x) => x.task === task && x.dimensions === d);
    return s ? s.score.toFixed(2) : '';
  };
  return [
    '## Evaluation',
    '',
    'Main scores x 100 (MTEB protocol, computed by gecko-embed):',
    '',
    markdownTable(
      ['Task', 'Type', 'Metric', ...sizes.map(label)],
      tasks.map((t) => [t.task, t.type, t.metric, ...sizes.map((d) => cell(t.task, d))]),
      ['left', 'left', 'left', ...sizes.map(() => 'right' as const)],
    ),
    '',
  ];
}

/** A YAML plain scalar when safe, else a double-quoted one. */
function yamlScalar(s: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(s) ? s : JSON.stringify(s);
}

/** A single-quoted TypeScript string literal (the house style). */
function tsString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A Python string literal (JSON's double-quoted escapes are valid Python). */
function pyString(s: string): string {
  return JSON.stringify(s);
}
