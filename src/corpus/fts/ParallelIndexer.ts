import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { GeckoError } from '../../errors/GeckoError.js';
import { UsageError } from '../../errors/UsageError.js';
import { startWorker } from '../../util/startWorker.js';
import { FTS_PGSZ, FTS_TOKENIZER } from '../schema.js';
import { mergeShard } from './mergeShard.js';
import type { ShardBatch, ShardReply, ShardWorkerData } from './protocol.js';

export interface ParallelIndexOptions {
  /** Worker threads that index shards. @default CPUs - 1, at most 3 (0: index in this thread only) */
  workers?: number;
  /** Rows per batch. @default 4096 */
  batch?: number;
}

/**
 * Names of the scratch shards and of the files SQLite keeps beside them (a killed run leaves its rollback
 * journal, or WAL and shm): the pid lets a later ingest remove a crashed run's files.
 */
const SHARD_FILE = /^fts-shard-(\d+)-[0-9a-z]+-\d+\.db(?:-journal|-wal|-shm)?$/;
/** Batches queued per worker before this thread indexes the next batch itself. */
const MAX_IN_FLIGHT = 2;
/**
 * Batches indexed here before the first worker starts: starting a thread costs tens of milliseconds (more
 * run from source), which a small file does not win back (SciFact's 5k passages ingest 30% slower with it).
 */
const START_AFTER_BATCHES = 4;
const TARGET = 'passages_fts';
const SHARD_TABLE = 'shard_fts';
const COLUMNS = ['title', 'text'] as const;
/**
 * Pending-terms hash of a shard: 16 MiB rather than the index's 64 MiB spreads the shard's flushes over the
 * file, so less of it is left for the end, when this thread waits for the workers (bench/corpus.bench.ts:
 * 27k vs 24.5k passages/s on 2 CPUs; 4 and 8 MiB measure the same as 16 but leave more segments).
 */
const SHARD_HASHSIZE = 16 * 1024 * 1024;

export function defaultIndexWorkers(): number {
  return Math.max(0, Math.min(availableParallelism() - 1, 3));
}

interface ShardWorker {
  worker: Worker;
  inFlight: Int32Array;
  done: Promise<number>;
}

/**
 * Builds the FTS5 index of the passages an ingest inserts, on several threads. FTS5 tokenises and indexes
 * in the calling thread only, which caps a file's ingest at the index's speed (about 35k 100-word passages/s
 * on one core) while the other cores idle. Here batches of rows go to worker threads, each indexing into a
 * contentless FTS5 table in its own scratch database; when every worker is busy, this thread indexes the
 * batch itself into the corpus index, so the work spreads over the cores whatever their number. At the end
 * the shards' segments are grafted into the corpus index (`mergeShard`), in the ingest's transaction: the
 * file still lands, index included, all at once or not at all.
 *
 * Life cycle: {@link attach} before the transaction starts (SQLite cannot attach inside one), {@link add}
 * every canonical row, {@link finish} before COMMIT, {@link dispose} after COMMIT or ROLLBACK.
 */
export class ParallelIndexer {
  readonly #db: Database.Database;
  readonly #files: string[];
  readonly #batch: number;
  readonly #workers: ShardWorker[] = [];
  readonly #local: Database.Statement<[number, number]>;
  #rowids: number[] = [];
  #lengths: number[] = [];
  #parts: string[] = [];
  #first = 0;
  #last = 0;
  #count = 0;
  #localRows = 0;
  #sentRows = 0;

  private constructor(db: Database.Database, files: string[], batch: number) {
    this.#db = db;
    this.#files = files;
    this.#batch = batch;
    this.#local = db.prepare(
      `INSERT INTO ${TARGET}(rowid, title, text)
       SELECT rowid, title, text FROM passages WHERE rowid BETWEEN ? AND ? AND dup_of IS NULL`,
    );
  }

  /**
   * Creates the indexer and attaches its scratch shards in `scratchDir` (without one, everything is indexed
   * in this thread). Call outside any transaction.
   */
  static attach(
    db: Database.Database,
    scratchDir: string | undefined,
    options: ParallelIndexOptions = {},
  ): ParallelIndexer {
    const workers = scratchDir === undefined ? 0 : (options.workers ?? defaultIndexWorkers());
    const batch = options.batch ?? 4096;
    if (!Number.isInteger(workers) || workers < 0)
      throw new UsageError(`index workers must be a non-negative integer, got ${workers}`);
    const files: string[] = [];
    // Cleaned whatever this run's thread count: a one-thread ingest after a killed one must not leave its files.
    if (scratchDir !== undefined && existsSync(scratchDir)) removeStaleShards(scratchDir);
    if (scratchDir !== undefined && workers > 0) {
      mkdirSync(scratchDir, { recursive: true });
      const tag = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
      for (let i = 0; i < workers; i++) {
        const file = join(scratchDir, `fts-shard-${tag}-${i}.db`);
        db.prepare('ATTACH ? AS ?').run(file, `shard${i}`);
        files.push(file);
      }
    }
    return new ParallelIndexer(db, files, batch);
  }

  /** Queues one canonical (indexed) passage; rows come in increasing rowid order. */
  add(rowid: number, title: string | null, text: string): void {
    if (this.#count === 0) this.#first = rowid;
    this.#last = rowid;
    this.#count++;
    if (this.#files.length > 0) {
      this.#rowids.push(rowid);
      this.#lengths.push(title === null ? -1 : title.length, text.length);
      if (title !== null) this.#parts.push(title);
      this.#parts.push(text);
    }
    if (this.#count >= this.#batch) this.#dispatch(false);
  }

  #dispatch(final: boolean): void {
    if (this.#count === 0) return;
    const target = final ? undefined : this.#idleWorker();
    if (target) {
      const rowids = new Float64Array(this.#rowids);
      const lengths = new Int32Array(this.#lengths);
      const batch: ShardBatch = { type: 'batch', rowids, lengths, text: this.#parts.join('') };
      Atomics.add(target.inFlight, 0, 1);
      target.worker.postMessage(batch, [rowids.buffer as ArrayBuffer, lengths.buffer as ArrayBuffer]);
      this.#sentRows += this.#count;
    } else {
      this.#local.run(this.#first, this.#last);
      this.#localRows += this.#count;
    }
    this.#rowids = [];
    this.#lengths = [];
    this.#parts = [];
    this.#count = 0;
  }

  /** A worker with room in its queue, starting one if fewer are running than shards attached. */
  #idleWorker(): ShardWorker | undefined {
    for (const w of this.#workers) if (Atomics.load(w.inFlight, 0) < MAX_IN_FLIGHT) return w;
    const started = this.#localRows + this.#sentRows >= START_AFTER_BATCHES * this.#batch;
    if (started && this.#workers.length < this.#files.length) return this.#start(this.#workers.length);
    return undefined;
  }

  #start(i: number): ShardWorker {
    const inFlight = new SharedArrayBuffer(4);
    const workerData: ShardWorkerData = {
      file: this.#files[i] as string,
      table: SHARD_TABLE,
      columns: COLUMNS,
      tokenizer: FTS_TOKENIZER,
      settings: { pgsz: FTS_PGSZ, hashsize: SHARD_HASHSIZE },
      inFlight,
    };
    const worker = startWorker(new URL('./shardWorker.js', import.meta.url), { workerData });
    const done = new Promise<number>((resolve, reject) => {
      const fail = (why: string) =>
        reject(
          new GeckoError(
            `indexing thread ${i} failed: ${why}; nothing of this file was stored (to index in one thread, ` +
              'add it again with --index-workers 0, or index: { workers: 0 })',
            { code: 'INDEX_WORKER' },
          ),
        );
      worker.on('message', (m: ShardReply) => (m.type === 'finished' ? resolve(m.rows) : fail(m.message)));
      worker.on('error', (e) => fail(e.message));
      worker.on('exit', (code) => fail(`exited with code ${code} before finishing`));
    });
    done.catch(() => {}); // observed in finish(); an aborted ingest never awaits it
    const w = { worker, inFlight: new Int32Array(inFlight), done };
    this.#workers.push(w);
    return w;
  }

  /**
   * Indexes what is left, waits for the workers and grafts their shards into the corpus index. Call inside
   * the ingest transaction, before COMMIT.
   * @returns rows indexed here, and rows indexed by workers.
   */
  async finish(): Promise<{ local: number; workers: number }> {
    this.#dispatch(true);
    for (const w of this.#workers) w.worker.postMessage({ type: 'finish' });
    const counts = await Promise.all(this.#workers.map((w) => w.done));
    let merged = 0;
    for (let i = 0; i < this.#workers.length; i++) {
      merged += mergeShard(this.#db, TARGET, `shard${i}`, SHARD_TABLE, COLUMNS.length);
    }
    const sent = counts.reduce((a, b) => a + b, 0);
    if (merged !== sent || sent !== this.#sentRows)
      throw new GeckoError(
        `parallel indexing lost rows: ${this.#sentRows} sent, ${sent} indexed, ${merged} merged`,
        { code: 'INDEX_WORKER' },
      );
    return { local: this.#localRows, workers: sent };
  }

  /** Stops the workers and removes the scratch shards. Call after COMMIT or ROLLBACK. */
  async dispose(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
    for (let i = 0; i < this.#files.length; i++) this.#db.prepare('DETACH ?').run(`shard${i}`);
    for (const f of this.#files)
      for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(f + suffix, { force: true });
  }
}

/** Removes shard files of ingests whose process is gone (killed mid-file: their transaction rolled back). */
function removeStaleShards(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = SHARD_FILE.exec(name);
    if (m && !isAlive(Number(m[1]))) rmSync(join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
