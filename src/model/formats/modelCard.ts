import { markdownTable } from '../../util/markdownTable.js';
import type { StaticModel } from '../StaticModel.js';
import type { Tokenizer } from '../tokenizer/Tokenizer.js';
import { DEFAULT_QUERY_TASK } from '../unifiedFormat.js';
import type { SaveFormat } from './layouts.js';
import { usageSection } from './modelCardUsage.js';

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
  const dims = matryoshkaDims(model);
  const training = model.config.training as Record<string, unknown> | undefined;
  const sources = Array.isArray(training?.sources) ? (training.sources as TrainingSource[]) : [];
  const lines = [
    ...frontMatter(options, dims),
    '',
    `# ${name}`,
    '',
    `${name} is a static text-embedding model trained with [gecko-embed](${NPM_PAGE}), following Google's`,
    `[Gecko](${GECKO_PAPER}) recipe. A text's vector is ${poolingPhrase(model)}, normalised to unit length,`,
    'so embedding a text costs one table lookup per token and no neural network runs.',
    '',
    '## Model details',
    '',
    markdownTable(['Property', 'Value'], detailRows(model, format, dims)),
    '',
    "Inputs use Gecko's unified format: queries `task: {task} | query: {text}` (default task",
    `\`${DEFAULT_QUERY_TASK}\`), documents \`title: {title or none} | text: {text}\`.`,
    '',
    ...trainingSection(sources),
    ...scoresSection(options.scores ?? []),
    ...usageSection(name, format, dims, model.maxLength),
    '',
    ...(model.termFrequency === 'linear'
      ? paritySection(model.maxLength, model.tokenizer.medianTokenLength)
      : termFrequencySection(model)),
    '',
  ];
  return lines.join('\n');
}

/** Hugging Face front matter: the Hub reads the library, license, base model and tags from it. */
function frontMatter(options: ModelCardOptions, dims: readonly number[]): string[] {
  const tags = ['embeddings', 'static-embeddings', 'sentence-transformers', 'model2vec', 'gecko-embed'];
  if (dims.length > 1) tags.push('matryoshka');
  return [
    '---',
    `library_name: ${options.format === 'model2vec' ? 'model2vec' : 'sentence-transformers'}`,
    `license: ${yamlScalar(options.license ?? 'unknown')}`,
    ...(options.baseModel ? [`base_model: ${yamlScalar(options.baseModel)}`] : []),
    'pipeline_tag: sentence-similarity',
    'tags:',
    ...tags.map((t) => `- ${t}`),
    '---',
  ];
}

/** The "Model details" table; the init and training rows only when the config records them. */
function detailRows(model: StaticModel, format: SaveFormat, dims: readonly number[]): [string, string][] {
  const d = model.dimensions;
  const v = model.tokenizer.vocabSize;
  const rows: [string, string][] = [
    [
      'Architecture',
      `static token table (${v} tokens x ${d} dimensions), ${model.termFrequency === 'linear' ? 'mean pooling' : `${model.termFrequency} term-frequency pooling`}, L2 normalisation`,
    ],
    ['Tokenizer', describeTokenizer(model.tokenizer, model.config.tokenizer)],
    ['Dimensions', dims.length > 1 ? `${d} (Matryoshka sizes: ${dims.join(', ')})` : String(d)],
    ['Maximum tokens', `${model.maxLength} per text (longer texts are cut)`],
    ['Similarity', 'cosine'],
    [
      'Layout',
      format === 'model2vec' ? 'model2vec (also loads in sentence-transformers)' : 'sentence-transformers',
    ],
  ];
  const init = model.config.init as Record<string, unknown> | undefined;
  if (init?.teacher)
    rows.push(['Initialised from', `${String(init.teacher)} (${String(init.method ?? '')})`]);
  const training = model.config.training as Record<string, unknown> | undefined;
  if (training) {
    const loss = training.loss as Record<string, unknown> | undefined;
    rows.push([
      'Training',
      `${String(training.steps)} steps, batch ${String(training.batchSize)}, learning rate ${String(training.lr)}, seed ${String(training.seed)}${loss?.name ? `, ${String(loss.name)} loss` : ''}`,
    ]);
  }
  return rows;
}

/**
 * Why the three libraries agree, and where they stop agreeing (sentence-transformers does not cut long
 * texts): users comparing vectors across them need to know the limit.
 */
function paritySection(maxLength: number, medianTokenLength: number): string[] {
  return [
    '## Same vectors in every library',
    '',
    'gecko tokenises as model2vec does (the text cut to',
    `${maxLength} x ${medianTokenLength} characters, unknown tokens dropped, at most ${maxLength} tokens), and`,
    "the unknown token's row is zero, so sentence-transformers' mean over all tokens points the same way: the",
    'three give the same normalised vectors (within 1e-6) for texts up to that length. sentence-transformers does',
    'not cut long texts, so for those it matches gecko and model2vec run without a limit',
    '(`maxLength: Infinity`, `max_length=None`). Details: gecko-embed docs/model-format.md, "Python parity".',
  ];
}

/** How the tokens' rows combine, in words. */
function poolingPhrase(model: StaticModel): string {
  if (model.termFrequency === 'linear') return "the mean of its tokens' rows";
  const f = model.termFrequency === 'sqrt' ? 'the square root' : 'one plus the logarithm';
  return `the mean of its distinct tokens' rows, each weighted by ${f} of its count`;
}

/**
 * model2vec and sentence-transformers mean-pool every occurrence: with saturated term frequencies they agree
 * with gecko only on texts without a repeated token, which the card must say before anyone compares vectors.
 */
function termFrequencySection(model: StaticModel): string[] {
  return [
    '## Vectors in other libraries',
    '',
    `This model pools with \`termFrequency: '${model.termFrequency}'\` (in \`gecko.json\`): a token repeated in a`,
    "text counts once, weighted by the model's saturating function of its count. model2vec and",
    'sentence-transformers load the folder but take the plain mean over every occurrence, so their vectors equal',
    "gecko's only for texts without a repeated token; use gecko (Node.js, the browser or `gecko serve`'s",
    'OpenAI-compatible endpoint) for the vectors the model was trained and evaluated with. Details:',
    'gecko-embed docs/model-format.md, "Term-frequency pooling".',
  ];
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
