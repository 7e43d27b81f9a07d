/**
 * Turning recorded calls ({@link RecordedCall}) into OpenAI Batch API request lines, and remembering in the
 * workspace what each line's answer stands for: the cache keys it fills and how to read it. The bodies come
 * from the live provider's own builders (`openai/requests.ts`), so a batch answer is the answer the live
 * call would have got.
 */
import type { Statement } from 'better-sqlite3';
import { UsageError } from '../../errors/UsageError.js';
import { sha256, stableStringify } from '../../util/hash.js';
import type { Workspace } from '../../workspace/Workspace.js';
import { generateCacheKey, scoreCacheKey } from '../cache/cacheKeys.js';
import type { LlmCacheRow, LlmCacheTable } from '../cache/LlmCacheTable.js';
import { LLM_CACHE_COMPONENT, LLM_CACHE_MIGRATIONS } from '../cache/llmCacheSchema.js';
import { DEFAULT_GENERATE } from '../defaults.js';
import { JSON_ATTEMPTS } from '../jsonOutput.js';
import { parseModelSpec } from '../modelSpec.js';
import {
  CHAT_PATH,
  COMPLETIONS_PATH,
  chatBody,
  chatMessages,
  echoScoreBody,
  jsonSchemaFormat,
} from '../openai/requests.js';
import type { JsonSchema } from '../types.js';
import type { RecordedCall } from './RecordingModel.js';

/** One line of an OpenAI Batch API input file. */
export interface BatchRequestLine {
  custom_id: string;
  method: 'POST';
  url: string;
  body: Record<string, unknown>;
}

/** What a request's answer fills: the cache keys, and what reading the answer needs. */
export type BatchRequestMeta =
  | { op: 'score'; keys: string[]; promptLength: number }
  | { op: 'generate'; key: string; jsonSchema?: JsonSchema; attempt: number };

/**
 * The model name put in request bodies, from a live model's id (`openai:URL#name`).
 * @throws UsageError for a model that is not an OpenAI-compatible endpoint.
 */
export function batchModelName(modelId: string): string {
  const spec = (() => {
    try {
      return parseModelSpec(modelId);
    } catch {
      return undefined;
    }
  })();
  if (spec?.provider !== 'openai')
    throw new UsageError(
      `batch requests are OpenAI-format: the model must be an openai:URL#model spec, got "${modelId}"`,
    );
  return spec.model;
}

/**
 * How many of a JSON generation's tries (the live provider's retries on unparseable output, seed + i) a
 * batch already spent: recorded by the import in the call's `generate-error` row (`row`, its cache row).
 */
export function jsonTriesSpent(row: LlmCacheRow | undefined): number {
  if (row?.op !== 'generate-error') return 0;
  return (JSON.parse(row.result) as { tries?: number }).tries ?? JSON_ATTEMPTS;
}

/**
 * The request line the live provider would post for `call`, and its meta. The custom id is
 * `<prefix>-score/<hash>` or `<prefix>-chat/<hash>`, the hash of the model and body: equal calls (the
 * same prompt in two items) get one request. A JSON generation is sent as the live provider's next try:
 * structured output, seed + (tries already spent).
 */
export function batchRequestFor(
  modelId: string,
  call: RecordedCall,
  prefix: string,
  cache: LlmCacheTable,
): { line: BatchRequestLine; meta: BatchRequestMeta } {
  const model = batchModelName(modelId);
  let url: string;
  let body: Record<string, unknown>;
  let meta: BatchRequestMeta;
  let kind: string;
  if (call.op === 'score') {
    kind = 'score';
    url = `/v1${COMPLETIONS_PATH}`;
    body = echoScoreBody(model, call.prompt, call.continuations);
    meta = {
      op: 'score',
      keys: call.continuations.map((c) => scoreCacheKey(modelId, call.prompt, c)),
      promptLength: call.prompt.length,
    };
  } else {
    kind = 'chat';
    const schema = call.options.jsonSchema;
    const key = generateCacheKey(modelId, call.input, call.options);
    const attempt = schema ? jsonTriesSpent(cache.get(key)) : 0;
    const seed = (call.options.seed ?? DEFAULT_GENERATE.seed) + attempt;
    url = `/v1${CHAT_PATH}`;
    body = chatBody(
      model,
      chatMessages(call.input),
      { ...call.options, seed },
      schema ? jsonSchemaFormat(schema) : undefined,
    );
    meta = { op: 'generate', key, jsonSchema: schema, attempt };
  }
  const hash = sha256(stableStringify({ model: modelId, url, body })).slice(0, 32);
  return { line: { custom_id: `${prefix}-${kind}/${hash}`, method: 'POST', url, body }, meta };
}

/** A stored request: the model id, the caller's label (e.g. a FRet run and job) and its meta. */
export interface StoredBatchRequest {
  model: string;
  label: string;
  meta: BatchRequestMeta;
}

/** The workspace's table of exported batch requests. */
export class BatchRequestStore {
  readonly #upsert: Statement<[string, string, string, string, string, number]>;
  readonly #get: Statement<[string], { model: string; label: string; meta: string }>;
  readonly workspace: Workspace;

  constructor(workspace: Workspace) {
    workspace.migrate(LLM_CACHE_COMPONENT, LLM_CACHE_MIGRATIONS);
    this.workspace = workspace;
    // A request already written by this export (same export id) changes nothing: the caller skips it, so
    // a file never holds a custom id twice (the Batch API refuses such files).
    this.#upsert = workspace.db.prepare(
      `INSERT INTO llm_batch_requests(custom_id, model, label, meta, export_id, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(custom_id) DO UPDATE SET model = excluded.model, label = excluded.label, meta = excluded.meta,
         export_id = excluded.export_id, created_at = excluded.created_at
       WHERE llm_batch_requests.export_id != excluded.export_id`,
    );
    this.#get = workspace.db.prepare('SELECT model, label, meta FROM llm_batch_requests WHERE custom_id = ?');
  }

  /** Records a request of export `exportId`; false when this export already holds it. */
  register(
    exportId: string,
    line: BatchRequestLine,
    meta: BatchRequestMeta,
    model: string,
    label: string,
  ): boolean {
    return (
      this.#upsert.run(line.custom_id, model, label, JSON.stringify(meta), exportId, Date.now()).changes > 0
    );
  }

  get(customId: string): StoredBatchRequest | undefined {
    const row = this.#get.get(customId);
    return row
      ? { model: row.model, label: row.label, meta: JSON.parse(row.meta) as BatchRequestMeta }
      : undefined;
  }
}
