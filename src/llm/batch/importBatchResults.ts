/**
 * Reading an OpenAI Batch API output file into the workspace's LLM cache: each answer is read by the live
 * provider's own code and stored under the key the live cached model looks up, so the job that needed the
 * calls afterwards runs from the cache with no model call.
 */
import { InputError, type InputLocation } from '../../errors/InputError.js';
import { readJsonlLines } from '../../util/jsonl.js';
import type { Workspace } from '../../workspace/Workspace.js';
import { type LlmCacheRow, LlmCacheTable } from '../cache/LlmCacheTable.js';
import { isLlmError, type LlmError } from '../errors/LlmError.js';
import { JSON_ATTEMPTS, parseGeneration } from '../jsonOutput.js';
import { readChatCompletion, readEchoScores } from '../openai/requests.js';
import type { Generation, TokenUsage } from '../types.js';
import { BatchRequestStore, jsonTriesSpent, type StoredBatchRequest } from './batchRequests.js';

/** Outcome counts of an import. */
export interface BatchResultCounts {
  /** Answers stored in the cache. */
  ok: number;
  /** Answers the LLM layer rejected (a generation that does not parse): stored as the live error. */
  rejected: number;
  /** Requests that failed at the provider (error, non-200): left out, so the next export sends them again. */
  failed: number;
  /** Answers already in the cache (an import is idempotent). */
  stale: number;
}

/** {@link importBatchResults}' summary: totals and the same counts per request label. */
export interface BatchResultsSummary extends BatchResultCounts {
  labels: Record<string, BatchResultCounts>;
}

/** Lines committed per transaction: a huge file needs no huge transaction, and a rerun is idempotent. */
const CHUNK = 5000;

interface ResultLine {
  custom_id?: unknown;
  response?: { status_code?: unknown; body?: unknown } | null;
  error?: unknown;
}

/**
 * Imports a Batch API output file (`{custom_id, response: {status_code, body}, error}` per line) whose
 * requests were written by a batch export of this workspace.
 * @throws InputError naming `file:line` and the field for a malformed line (lines before it are imported;
 *   importing the fixed file again is safe).
 * @example
 * const s = await importBatchResults(workspace, 'batch_output.jsonl'); // { ok: 980, failed: 20, ... }
 */
export async function importBatchResults(workspace: Workspace, file: string): Promise<BatchResultsSummary> {
  const requests = new BatchRequestStore(workspace);
  const cache = new LlmCacheTable(workspace);
  const db = workspace.db;
  const summary: BatchResultsSummary = { ok: 0, rejected: 0, failed: 0, stale: 0, labels: {} };
  let inTransaction = 0;
  db.exec('BEGIN');
  try {
    for await (const { line, value } of readJsonlLines<ResultLine>(file)) {
      const outcome = importLine(value, { file, line }, requests, cache);
      summary[outcome.kind]++;
      summary.labels[outcome.label] ??= { ok: 0, rejected: 0, failed: 0, stale: 0 };
      (summary.labels[outcome.label] as BatchResultCounts)[outcome.kind]++;
      if (++inTransaction >= CHUNK) {
        db.exec('COMMIT');
        db.exec('BEGIN');
        inTransaction = 0;
      }
    }
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('COMMIT'); // keep what was read before the bad line
    throw e;
  }
  return summary;
}

function importLine(
  r: ResultLine,
  where: InputLocation,
  requests: BatchRequestStore,
  cache: LlmCacheTable,
): { kind: keyof BatchResultCounts; label: string } {
  if (typeof r.custom_id !== 'string')
    throw new InputError({ ...where, field: 'custom_id' }, 'expected the string custom_id of a request');
  const req = requests.get(r.custom_id);
  if (!req)
    throw new InputError(
      { ...where, field: 'custom_id' },
      `"${r.custom_id}" is not a request exported from this workspace (export-batch records each one; was the file exported with another --work?)`,
    );
  const label = req.label;
  // A generation's cache row, read once: whether it is answered, and the tries it already cost.
  const before = req.meta.op === 'generate' ? cache.get(req.meta.key) : undefined;
  if (answered(req, before, cache)) return { kind: 'stale', label };
  const status = r.response?.status_code;
  if ((r.error !== undefined && r.error !== null) || status !== 200) return { kind: 'failed', label };
  const body = r.response?.body;
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { choices?: unknown }).choices))
    throw new InputError(
      { ...where, field: 'response.body.choices' },
      'a successful answer must have a body with a choices array',
    );
  return { kind: storeAnswer(req, before, body, where, cache), label };
}

/**
 * True when the cache already holds this request's answer (imported before, or answered live); `row` is
 * a generation's cache row.
 */
function answered(req: StoredBatchRequest, row: LlmCacheRow | undefined, cache: LlmCacheTable): boolean {
  const meta = req.meta;
  if (meta.op === 'score') return meta.keys.every((k) => cache.has(k));
  return row !== undefined && (row.op === 'generate' || jsonTriesSpent(row) > meta.attempt);
}

function storeAnswer(
  req: StoredBatchRequest,
  before: LlmCacheRow | undefined,
  body: object,
  where: InputLocation,
  cache: LlmCacheTable,
): 'ok' | 'rejected' {
  const meta = req.meta;
  if (meta.op === 'score') {
    let scores: ReturnType<typeof readEchoScores>;
    try {
      scores = readEchoScores(body, meta.promptLength, meta.keys.length, req.model);
    } catch (e) {
      // The live job would stop on this answer too: it is malformed, not a rejected output.
      throw new InputError({ ...where, field: 'response.body.choices[].logprobs' }, (e as Error).message, {
        cause: e,
      });
    }
    scores.forEach((s, i) => {
      cache.put(
        meta.keys[i] as string,
        req.model,
        'score',
        s,
        { promptTokens: 0, completionTokens: 0 },
        'batch',
      );
    });
    return 'ok';
  }
  // Tokens of the tries the batch already spent on this call count in its usage, as they do live.
  const spent = {
    promptTokens: before?.op === 'generate-error' ? before.prompt_tokens : 0,
    completionTokens: before?.op === 'generate-error' ? before.completion_tokens : 0,
  };
  let g: Generation;
  try {
    g = readChatCompletion(body, req.model);
    if (meta.jsonSchema) parseGeneration(g, meta.jsonSchema, req.model);
  } catch (e) {
    if (!isLlmError(e, 'LLM_OUTPUT')) throw e;
    // What the live try would have raised. Until the provider's JSON tries are spent the next export sends
    // the next one (seed + 1); then the cached model replays the error, and the caller reacts as it would
    // live (the graded judge asks again with its next seed, which the next export sends).
    const err = e as LlmError;
    const usage = add(spent, err.usage);
    // Only JSON generations are retried by the live provider; any other failed call is final at once.
    const tries = meta.jsonSchema ? meta.attempt + 1 : JSON_ATTEMPTS;
    cache.put(
      meta.key,
      req.model,
      'generate-error',
      { code: err.code, message: err.message, tries },
      usage,
      'batch',
    );
    return 'rejected';
  }
  g.usage = add(spent, g.usage);
  cache.put(meta.key, req.model, 'generate', g, g.usage, 'batch');
  return 'ok';
}

function add(a: TokenUsage, b: TokenUsage | undefined): TokenUsage {
  return {
    promptTokens: a.promptTokens + (b?.promptTokens ?? 0),
    completionTokens: a.completionTokens + (b?.completionTokens ?? 0),
  };
}
