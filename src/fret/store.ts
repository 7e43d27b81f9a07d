import type Database from 'better-sqlite3';
import { UsageError } from '../errors/UsageError.js';
import { stableStringify } from '../util/hash.js';
import type { Workspace } from '../workspace/Workspace.js';
import { FRET_MIGRATIONS } from './schema.js';

/** One step-1 outcome as stored. */
export interface QueryRow {
  item_id: string;
  seed_id: string | null;
  family: string;
  status: 'ok' | 'failed' | 'pending';
  task: string | null;
  query: string | null;
  reason: string | null;
  attempts: number;
  history: string;
  prompt_tokens: number;
  completion_tokens: number;
  /** JSON object: the LLM layer's retries inside this item's calls, by cause. @default '{}' */
  retries?: string;
}

/** One step-2 outcome as stored; `example` is the dataset line's JSON. */
export interface ExampleRow {
  item_id: string;
  status: 'ok' | 'failed';
  reason: string | null;
  example: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  scored_tokens: number;
}

/** One Batch API file a job's LLM work went through (`fret_batches`). */
export interface BatchLogEntry {
  action: 'export' | 'import';
  /** Absolute path of the request file (export) or result file (import). */
  file: string;
  /** Requests written (export), or result counts (import). */
  counts: Record<string, number>;
  at: string;
}

/** FRet's tables in a workspace, with the statements each stage needs. */
export class FretStore {
  readonly db: Database.Database;
  // Prepared once: preparing per call cost more than the insert itself (bench/fret.bench.ts).
  #putQuery: Database.Statement | undefined;
  #finishQuery: Database.Statement | undefined;
  #putExample: Database.Statement | undefined;
  #getQuery: Database.Statement<[string, string], QueryRow> | undefined;

  constructor(workspace: Workspace) {
    workspace.migrate('fret', FRET_MIGRATIONS);
    this.db = workspace.db;
  }

  /**
   * Records the settings of a job the first time, and checks them on every restart: resuming with other
   * settings would mix two kinds of examples in one dataset.
   *
   * @throws UsageError naming the settings that changed.
   */
  ensureJob(run: string, job: string, config: Record<string, unknown>): void {
    const json = stableStringify(config);
    const row = this.db
      .prepare<[string, string], { config: string }>('SELECT config FROM fret_jobs WHERE run = ? AND job = ?')
      .get(run, job);
    if (!row) {
      this.db
        .prepare('INSERT INTO fret_jobs(run, job, config, created_at) VALUES (?, ?, ?, ?)')
        .run(run, job, json, new Date().toISOString());
      return;
    }
    if (row.config === json) return;
    const before = JSON.parse(row.config) as Record<string, unknown>;
    const changed = [...new Set([...Object.keys(before), ...Object.keys(config)])].filter(
      (k) => stableStringify(before[k]) !== stableStringify(config[k]),
    );
    throw new UsageError(
      `run "${run}" (${job}) was started with other settings (changed: ${changed.join(', ')}). ` +
        'Resume with the same settings, or start a new run with --run NAME.',
    );
  }

  /** The settings a job was started with, or undefined. */
  jobConfig(run: string, job: string): Record<string, unknown> | undefined {
    const row = this.db
      .prepare<[string, string], { config: string }>('SELECT config FROM fret_jobs WHERE run = ? AND job = ?')
      .get(run, job);
    return row ? (JSON.parse(row.config) as Record<string, unknown>) : undefined;
  }

  /** Item ids of step 1 that are finished (ok or failed for good); `pending` ones are still to do. */
  finishedQueryIds(run: string): Set<string> {
    const rows = this.db
      .prepare<[string], { item_id: string }>(
        "SELECT item_id FROM fret_queries WHERE run = ? AND status IN ('ok', 'failed')",
      )
      .all(run);
    return new Set(rows.map((r) => r.item_id));
  }

  getQuery(run: string, itemId: string): QueryRow | undefined {
    this.#getQuery ??= this.db.prepare<[string, string], QueryRow>(
      'SELECT * FROM fret_queries WHERE run = ? AND item_id = ?',
    );
    return this.#getQuery.get(run, itemId);
  }

  /** Inserts or replaces an item's step-1 outcome (a retry of a `pending` item replaces it). */
  putQuery(run: string, row: QueryRow): void {
    this.#putQuery ??= this.db.prepare(
      `INSERT OR REPLACE INTO fret_queries(run, item_id, seed_id, family, status, task, query, reason, attempts,
           history, prompt_tokens, completion_tokens, retries)
         VALUES (@run, @item_id, @seed_id, @family, @status, @task, @query, @reason, @attempts, @history,
           @prompt_tokens, @completion_tokens, @retries)`,
    );
    this.#putQuery.run({ run, retries: '{}', ...row });
  }

  /**
   * Records the outcome of an item the live step 1 worked on, unless the item is already finished: another
   * process on the same run (one left running when its parent was killed) may have finished it meanwhile,
   * and its outcome stands. Replaces a `pending` row. Returns whether the row was written.
   */
  finishQuery(run: string, row: QueryRow): boolean {
    this.#finishQuery ??= this.db.prepare(
      `INSERT INTO fret_queries(run, item_id, seed_id, family, status, task, query, reason, attempts,
           history, prompt_tokens, completion_tokens, retries)
         VALUES (@run, @item_id, @seed_id, @family, @status, @task, @query, @reason, @attempts, @history,
           @prompt_tokens, @completion_tokens, @retries)
         ON CONFLICT(run, item_id) DO UPDATE SET seed_id = excluded.seed_id, family = excluded.family,
           status = excluded.status, task = excluded.task, query = excluded.query, reason = excluded.reason,
           attempts = excluded.attempts, history = excluded.history, prompt_tokens = excluded.prompt_tokens,
           completion_tokens = excluded.completion_tokens, retries = excluded.retries
         WHERE fret_queries.status = 'pending'`,
    );
    return this.#finishQuery.run({ run, retries: '{}', ...row }).changes > 0;
  }

  /** All step-1 rows of a run in item order (stable output order, whatever the processing order was). */
  queries(run: string, status?: QueryRow['status']): QueryRow[] {
    return status
      ? this.db
          .prepare<[string, string], QueryRow>(
            'SELECT * FROM fret_queries WHERE run = ? AND status = ? ORDER BY item_id',
          )
          .all(run, status)
      : this.db
          .prepare<[string], QueryRow>('SELECT * FROM fret_queries WHERE run = ? ORDER BY item_id')
          .all(run);
  }

  finishedExampleIds(run: string, job: string): Set<string> {
    const rows = this.db
      .prepare<[string, string], { item_id: string }>(
        'SELECT item_id FROM fret_examples WHERE run = ? AND job = ?',
      )
      .all(run, job);
    return new Set(rows.map((r) => r.item_id));
  }

  /** Records an item's step-2 outcome once; a second write of the same item is ignored (never duplicated). */
  putExample(run: string, job: string, row: ExampleRow): void {
    this.#putExample ??= this.db.prepare(
      `INSERT OR IGNORE INTO fret_examples(run, job, item_id, status, reason, example, prompt_tokens,
           completion_tokens, scored_tokens)
         VALUES (@run, @job, @item_id, @status, @reason, @example, @prompt_tokens, @completion_tokens, @scored_tokens)`,
    );
    this.#putExample.run({ run, job, ...row });
  }

  /** Records a batch export or import of a job (`job` is `generate` for step 1). */
  logBatch(run: string, job: string, entry: Omit<BatchLogEntry, 'at'>): void {
    this.db
      .prepare('INSERT INTO fret_batches(run, job, action, file, counts, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(run, job, entry.action, entry.file, JSON.stringify(entry.counts), new Date().toISOString());
  }

  /** The batch files of a job, oldest first. */
  batchLog(run: string, job: string): BatchLogEntry[] {
    return this.db
      .prepare<[string, string], { action: 'export' | 'import'; file: string; counts: string; at: string }>(
        'SELECT action, file, counts, at FROM fret_batches WHERE run = ? AND job = ? ORDER BY rowid',
      )
      .all(run, job)
      .map((r) => ({ ...r, counts: JSON.parse(r.counts) as Record<string, number> }));
  }

  /** Each step-2 item's status and failure reason, in item order, without reading the examples. */
  exampleOutcomes(run: string, job: string): Pick<ExampleRow, 'status' | 'reason'>[] {
    return this.db
      .prepare<[string, string], Pick<ExampleRow, 'status' | 'reason'>>(
        'SELECT status, reason FROM fret_examples WHERE run = ? AND job = ? ORDER BY item_id',
      )
      .all(run, job);
  }

  /** All step-2 rows of a mining job, in item order. */
  examples(run: string, job: string): ExampleRow[] {
    return this.db
      .prepare<[string, string], ExampleRow>(
        'SELECT item_id, status, reason, example, prompt_tokens, completion_tokens, scored_tokens FROM fret_examples WHERE run = ? AND job = ? ORDER BY item_id',
      )
      .all(run, job);
  }
}
