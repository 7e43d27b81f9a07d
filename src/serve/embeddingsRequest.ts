import { GECKO_TASK_PROMPTS } from '../eval/prompts.js';
import type { EmbedKind } from '../model/Embedder.js';
import { clip, quoteValue } from '../util/clip.js';
import { invalid, refusals } from './ServeError.js';

/** Inputs of one request: texts (put in Gecko's format by `kind`/`task`), or token ids of the model's tokenizer. */
export type RequestInputs = { type: 'text'; texts: string[] } | { type: 'tokens'; ids: number[][] };

/** A validated `POST /v1/embeddings` body. */
export interface EmbeddingsRequest {
  inputs: RequestInputs;
  model: string;
  /** Matryoshka prefix length; undefined = all. */
  dimensions: number | undefined;
  encoding: 'float' | 'base64';
  /**
   * Which side of an asymmetric task the inputs are on (`kind`, or `input_type`), or `raw`: embed the texts
   * exactly as sent, with no prompt. @default 'query'
   */
  kind: EmbedKind | 'raw';
  /** Gecko extension: the task description of the query format. */
  task: string | undefined;
}

/**
 * `input_type` values, named as Voyage (`query`, `document`) and Cohere / nomic (`search_query`,
 * `search_document`, `classification`, `clustering`) name them, plus `raw` (Voyage's `null`: no prompt).
 * `classification` and `clustering` are queries with Gecko's task strings for those task types (paper
 * Table 9), unless the request names a `task`.
 */
const INPUT_TYPES: Record<string, { kind: EmbedKind | 'raw'; task?: string }> = {
  query: { kind: 'query' },
  search_query: { kind: 'query' },
  document: { kind: 'document' },
  search_document: { kind: 'document' },
  classification: { kind: 'query', task: GECKO_TASK_PROMPTS.Classification },
  clustering: { kind: 'query', task: GECKO_TASK_PROMPTS.Clustering },
  raw: { kind: 'raw' },
};

/** The accepted `input_type` values, for error messages and docs. */
export const INPUT_TYPE_NAMES: readonly string[] = Object.keys(INPUT_TYPES);

/** What validation needs to know about the served model. */
export interface RequestLimits {
  modelName: string;
  dimensions: number;
  vocabSize: number;
  maxInputs: number;
}

const KNOWN_FIELDS = new Set([
  'input',
  'model',
  'dimensions',
  'encoding_format',
  'user',
  'kind',
  'input_type',
  'task',
]);

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? 'a string' : `a ${typeof v}`;

/**
 * Checks an embeddings request body as OpenAI's API does, plus Gecko's `kind` / `input_type` and `task`.
 * Unknown fields are refused (as OpenAI does) so that a misspelt option is not silently ignored.
 *
 * @throws {ServeError} a 400 naming the field at fault, or a 404 for a model this server does not serve.
 * @example
 * const req = parseEmbeddingsRequest(await c.req.json(), limits);
 */
export function parseEmbeddingsRequest(body: unknown, limits: RequestLimits): EmbeddingsRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('body', `the request body must be a JSON object, got ${describe(body)}`);
  }
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!KNOWN_FIELDS.has(key)) {
      throw invalid(clip(key), `unrecognized request argument supplied: ${clip(key)}`);
    }
  }
  if (b.model === undefined) throw invalid('model', "'model' is a required property");
  if (typeof b.model !== 'string')
    throw invalid('model', `'model' must be a string, got ${describe(b.model)}`);
  if (b.model !== limits.modelName) throw refusals.modelNotFound(b.model, limits.modelName);
  const inputs = parseInput(b.input, limits);
  const count = inputs.type === 'text' ? inputs.texts.length : inputs.ids.length;
  if (count > limits.maxInputs) {
    throw invalid('input', `too many inputs: ${count}; at most ${limits.maxInputs} per request`);
  }
  const side = parseSide(b.kind, b.input_type);
  const task = parseTask(b.task);
  if (side.kind === 'raw' && task !== undefined) {
    throw invalid(
      'task',
      '\'task\' has no effect with input_type "raw" (no prompt is added); drop one of them',
    );
  }
  return {
    inputs,
    model: b.model,
    dimensions: parseDimensions(b.dimensions, limits.dimensions),
    encoding: parseEncoding(b.encoding_format),
    kind: side.kind,
    task: task ?? side.task,
  };
}

function parseInput(input: unknown, limits: RequestLimits): RequestInputs {
  if (input === undefined) throw invalid('input', "'input' is a required property");
  if (typeof input === 'string') {
    if (input.length === 0) throw invalid('input', "'input' must not be an empty string");
    return { type: 'text', texts: [input] };
  }
  if (!Array.isArray(input)) {
    throw invalid(
      'input',
      `'input' must be a string, an array of strings, an array of token ids or an array of token-id arrays; got ${describe(input)}`,
    );
  }
  if (input.length === 0) throw invalid('input', "'input' must not be an empty array");
  const first = input[0];
  if (typeof first === 'string') {
    input.forEach((x, i) => {
      if (typeof x !== 'string') {
        throw invalid(`input[${i}]`, `input[${i}] must be a string like input[0], got ${describe(x)}`);
      }
      if (x.length === 0) throw invalid(`input[${i}]`, `input[${i}] must not be an empty string`);
    });
    return { type: 'text', texts: input as string[] };
  }
  if (typeof first === 'number') return { type: 'tokens', ids: [checkTokens(input, 'input', limits)] };
  if (Array.isArray(first)) {
    return { type: 'tokens', ids: input.map((x, i) => checkTokens(x, `input[${i}]`, limits)) };
  }
  throw invalid(
    'input[0]',
    `input[0] must be a string, a token id or an array of token ids, got ${describe(first)}`,
  );
}

function checkTokens(x: unknown, param: string, limits: RequestLimits): number[] {
  if (!Array.isArray(x)) throw invalid(param, `${param} must be an array of token ids, got ${describe(x)}`);
  if (x.length === 0) throw invalid(param, `${param} must not be an empty array of token ids`);
  for (let i = 0; i < x.length; i++) {
    const t = x[i];
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= limits.vocabSize) {
      throw invalid(
        param,
        `${param}[${i}] must be a token id, an integer from 0 to ${limits.vocabSize - 1} (this model's vocabulary), got ${quoteValue(t)}`,
      );
    }
  }
  return x as number[];
}

function parseDimensions(v: unknown, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw invalid(
      'dimensions',
      `'dimensions' must be an integer from 1 to ${max} (this model's size), got ${quoteValue(v)}`,
    );
  }
  return v;
}

function parseEncoding(v: unknown): 'float' | 'base64' {
  if (v === undefined || v === null) return 'float';
  if (v !== 'float' && v !== 'base64') {
    throw invalid('encoding_format', `'encoding_format' must be "float" or "base64", got ${quoteValue(v)}`);
  }
  return v;
}

/** `kind` (Gecko's own name) and `input_type` (other embedding APIs' name) say the same; both must agree. */
function parseSide(kind: unknown, inputType: unknown): { kind: EmbedKind | 'raw'; task?: string } {
  let fromKind: EmbedKind | undefined;
  if (kind !== undefined && kind !== null) {
    if (kind !== 'query' && kind !== 'document') {
      throw invalid('kind', `'kind' must be "query" or "document", got ${quoteValue(kind)}`);
    }
    fromKind = kind;
  }
  if (inputType === undefined || inputType === null) return { kind: fromKind ?? 'query' };
  const side =
    typeof inputType === 'string' && Object.hasOwn(INPUT_TYPES, inputType)
      ? INPUT_TYPES[inputType]
      : undefined;
  if (!side) {
    throw invalid(
      'input_type',
      `'input_type' must be one of ${INPUT_TYPE_NAMES.map((n) => `"${n}"`).join(', ')}, got ${quoteValue(inputType)}`,
    );
  }
  if (fromKind !== undefined && fromKind !== side.kind) {
    throw invalid(
      'input_type',
      `'kind' "${fromKind}" and 'input_type' ${quoteValue(inputType)} disagree; send one of them`,
    );
  }
  return side;
}

function parseTask(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.trim().length === 0) {
    throw invalid('task', `'task' must be a non-empty string (e.g. "search result"), got ${quoteValue(v)}`);
  }
  return v;
}
