import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { sha256, stableStringify } from '../util/hash.js';
import type { Reporter } from '../util/Reporter.js';
import type { Migration, Workspace } from '../workspace/Workspace.js';

/** The distill part's tables: one record per finished stage. */
export const DISTILL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: `CREATE TABLE distill_stages (
      out TEXT NOT NULL,
      stage TEXT NOT NULL,
      input_hash TEXT NOT NULL,
      output_hash TEXT NOT NULL,
      files_hash TEXT NOT NULL,
      outputs TEXT NOT NULL,
      summary TEXT NOT NULL,
      finished_at TEXT NOT NULL,
      PRIMARY KEY (out, stage)
    )`,
  },
];

/** The pipeline's stages, in order. */
export const STAGES = [
  'ingest',
  'pairs',
  'generate',
  'mine',
  'split',
  'pretrain',
  'train',
  'eval',
  'report',
] as const;
export type StageName = (typeof STAGES)[number];

/** What a stage left behind: its files and a summary (counts, timings) for the report. */
export interface StageOutput<S = Record<string, unknown>> {
  /** Files and folders the stage wrote; their content hash is the stage's output hash. */
  outputs: string[];
  summary: S;
  /** For stages whose product lives in the database (ingest, generate): a hash of that content. */
  contentHash?: string;
}

/** One stage's record, as stored. */
export interface StageRecord<S = Record<string, unknown>> {
  stage: StageName;
  inputHash: string;
  outputHash: string;
  outputs: string[];
  summary: S;
  finishedAt: string;
  /** True when this call skipped the stage (inputs unchanged, outputs intact). */
  skipped: boolean;
}

/** Hex SHA-256 of a file, streamed (corpus files can be large). */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Content hash of files and folders (a folder: every file under it, by relative path and content), so a
 * deleted or edited output makes the stage run again. Missing paths hash as "missing".
 */
export async function hashPaths(paths: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) {
      parts.push(`${p}\0missing`);
      continue;
    }
    if (statSync(p).isDirectory()) {
      const files = (await readdir(p, { recursive: true, withFileTypes: true }))
        .filter((d) => d.isFile())
        .map((d) => join(d.parentPath, d.name))
        .sort();
      for (const f of files) parts.push(`${p}\0${relative(p, f)}\0${await hashFile(f)}`);
    } else parts.push(`${p}\0${await hashFile(p)}`);
  }
  return sha256(parts.join('\n'));
}

/** Hash of a stage's inputs: its settings and the output hashes of the stages it reads. */
export function inputHash(value: unknown): string {
  return sha256(stableStringify(value));
}

/**
 * Runs stages and records them in the workspace, keyed by output folder and stage. A stage is skipped when
 * its recorded input hash equals the current one and its outputs still hash to what was recorded; anything
 * else runs it again (stages resume their own partial work: FRet per item, training from its checkpoint).
 */
export class StageRunner {
  readonly #ws: Workspace;
  readonly #out: string;
  readonly #reporter: Reporter;
  readonly records = new Map<StageName, StageRecord>();
  /**
   * Stages whose outputs were hashed and matched their record, by the input hash checked: the plan's check
   * then serves the stage's own run. Cleared whenever a stage runs, since running writes files.
   */
  readonly #intact = new Map<StageName, string>();

  constructor(ws: Workspace, out: string, reporter: Reporter) {
    ws.migrate('distill', DISTILL_MIGRATIONS);
    this.#ws = ws;
    this.#out = out;
    this.#reporter = reporter;
  }

  /** The stored record of a stage, if it finished before. */
  stored(stage: StageName): (Omit<StageRecord, 'skipped'> & { filesHash: string }) | undefined {
    const row = this.#ws.db
      .prepare<[string, string], Record<string, string>>(
        'SELECT * FROM distill_stages WHERE out = ? AND stage = ?',
      )
      .get(this.#out, stage);
    if (!row) return undefined;
    return {
      stage,
      inputHash: row.input_hash as string,
      outputHash: row.output_hash as string,
      filesHash: row.files_hash as string,
      outputs: JSON.parse(row.outputs as string) as string[],
      summary: JSON.parse(row.summary as string) as Record<string, unknown>,
      finishedAt: row.finished_at as string,
    };
  }

  /** Whether `stage` would be skipped for `hash` (checks the outputs' content too). */
  async upToDate(stage: StageName, hash: string): Promise<boolean> {
    return (await this.#upToDateRecord(stage, hash)) !== undefined;
  }

  /** The stored record of `stage` when it is up to date for `hash`. */
  async #upToDateRecord(stage: StageName, hash: string): Promise<ReturnType<StageRunner['stored']>> {
    const s = this.stored(stage);
    if (!s || s.inputHash !== hash) return undefined;
    if (s.outputs.length > 0 && this.#intact.get(stage) !== hash) {
      if ((await hashPaths(s.outputs)) !== s.filesHash) return undefined;
      this.#intact.set(stage, hash);
    }
    return s;
  }

  /** Runs `fn` unless the stage is up to date; either way returns (and keeps) its record. */
  async run<S extends Record<string, unknown>>(
    stage: StageName,
    hash: string,
    fn: () => Promise<StageOutput<S>>,
  ): Promise<StageRecord<S>> {
    const stored = await this.#upToDateRecord(stage, hash);
    if (stored) {
      const { filesHash: _, ...s } = stored as Omit<StageRecord<S>, 'skipped'> & { filesHash: string };
      this.#reporter.info(`[${stage}] up to date (inputs unchanged since ${s.finishedAt}): skipped`);
      const rec = { ...s, skipped: true };
      this.records.set(stage, rec);
      return rec;
    }
    this.#reporter.info(`[${stage}] running`);
    this.#intact.clear();
    const t0 = performance.now();
    const o = await fn();
    const fileHash = o.outputs.length ? await hashPaths(o.outputs) : '';
    const outputHash = sha256(`${o.contentHash ?? ''}\0${fileHash}`);
    const finishedAt = new Date().toISOString();
    const summary = { ...o.summary, seconds: Number(((performance.now() - t0) / 1000).toFixed(2)) };
    this.#ws.db
      .prepare(
        `INSERT INTO distill_stages(out, stage, input_hash, output_hash, files_hash, outputs, summary, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(out, stage) DO UPDATE SET input_hash = excluded.input_hash,
           output_hash = excluded.output_hash, files_hash = excluded.files_hash, outputs = excluded.outputs, summary = excluded.summary,
           finished_at = excluded.finished_at`,
      )
      .run(
        this.#out,
        stage,
        hash,
        outputHash,
        fileHash,
        JSON.stringify(o.outputs),
        JSON.stringify(summary),
        finishedAt,
      );
    this.#reporter.info(`[${stage}] done in ${summary.seconds}s`);
    const rec: StageRecord<S> = {
      stage,
      inputHash: hash,
      outputHash,
      outputs: o.outputs,
      summary: summary as S,
      finishedAt,
      skipped: false,
    };
    this.records.set(stage, rec);
    return rec;
  }
}
