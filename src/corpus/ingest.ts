import { type Stats, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { InputError } from '../errors/InputError.js';
import { sha256, stableStringify } from '../util/hash.js';
import type { Reporter } from '../util/Reporter.js';
import { type ChunkOptions, chunkText } from './chunk.js';
import { ParallelIndexer, type ParallelIndexOptions } from './fts/ParallelIndexer.js';
import { validateRecord } from './passage.js';
import type { InputFormat, RawRecord } from './readers/types.js';

/** One rejected record (with `skipInvalid`), as written to the rejects file. */
export interface Rejected {
  file: string;
  line?: number;
  field?: string;
  reason: string;
}

/** What one ingested source contributed. */
export interface IngestResult {
  source: string;
  format: InputFormat | 'api';
  /** New passages stored. */
  added: number;
  /** Passages already in the corpus with the same id and content (re-adding a file adds nothing). */
  unchanged: number;
  /** New passages whose content exactly equals an earlier passage (stored, but not indexed twice). */
  duplicates: number;
  /** Records skipped as invalid (only with `skipInvalid`). */
  rejected: Rejected[];
  /** Passages indexed for BM25 by the ingesting thread and by worker threads (see `ParallelIndexer`). */
  indexed: { inThread: number; byWorkers: number };
  /** True when the source was recognised as already added (same path, size, mtime and options). */
  skipped: boolean;
  seconds: number;
}

export interface IngestSettings {
  chunk?: ChunkOptions;
  skipInvalid: boolean;
  reporter: Reporter;
  /** Folder for the scratch shards of parallel indexing; without it the index is built in this thread. */
  scratchDir?: string;
  index?: ParallelIndexOptions;
}

/**
 * Adds the records of one source inside ONE transaction: either every valid record lands, or (on an error
 * without `skipInvalid`, or a crash) nothing from the source does. Re-adding is idempotent: an id already
 * stored with the same content is counted as unchanged; the same id with other content is an error.
 */
export async function ingestRecords(
  db: Database.Database,
  records: AsyncIterable<RawRecord>,
  source: IngestSource,
  settings: IngestSettings,
): Promise<IngestResult> {
  const t0 = performance.now();
  const options = stableStringify({ chunk: settings.chunk ?? null });
  const st = source.statPath ? statSync(source.statPath) : null;
  const result: IngestResult = {
    source: source.path,
    format: source.format,
    added: 0,
    unchanged: 0,
    duplicates: 0,
    rejected: [],
    indexed: { inThread: 0, byWorkers: 0 },
    skipped: false,
    seconds: 0,
  };
  if (st?.isFile() && alreadyAdded(db, source.path, st, options)) {
    result.skipped = true;
    settings.reporter.info(`${source.path}: already added and unchanged since; nothing to do`);
    return result;
  }

  const statements = passageStatements(db);
  const progress = settings.reporter.progress(`adding ${source.path}`, { unit: 'passages' });
  const indexer = ParallelIndexer.attach(db, settings.scratchDir, settings.index);

  // The write lock up front, as BEGIN IMMEDIATE would take it, but on the main database only: BEGIN
  // IMMEDIATE also locks the attached scratch shards, which the indexing workers write. Any write statement
  // takes the lock, even one that changes nothing.
  db.exec('BEGIN; DELETE FROM main.passages WHERE 0');
  try {
    for await (const raw of records) {
      let rec: ValidRecord;
      try {
        rec = validateRecord(raw);
      } catch (e) {
        if (!settings.skipInvalid || !(e instanceof InputError)) throw e;
        result.rejected.push({ ...e.location, reason: e.problem });
        continue;
      }
      storeRecord(raw, rec, statements, indexer, settings, result);
      const done = result.added + result.unchanged + result.rejected.length;
      // ETA from the share of the file read so far (line-based formats count bytes as they stream).
      const read = source.bytesRead?.bytes ?? 0;
      progress.update(done, st && read > 0 ? Math.max(done, Math.round((done * st.size) / read)) : undefined);
    }
    const indexed = await indexer.finish();
    result.indexed = { inThread: indexed.local, byWorkers: indexed.workers };
    if (st) recordSource(db, source, st, options, result);
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    progress.done();
    throw e;
  } finally {
    await indexer.dispose();
  }
  result.seconds = (performance.now() - t0) / 1000;
  progress.done(
    `${source.path}: ${result.added} added (${result.duplicates} exact duplicates), ${result.unchanged} unchanged` +
      (result.rejected.length ? `, ${result.rejected.length} rejected` : '') +
      ` in ${result.seconds.toFixed(1)}s`,
  );
  return result;
}

/** Where the records come from: a file (statPath, for the skip-if-unchanged check) or an API call. */
export interface IngestSource {
  path: string;
  format: InputFormat | 'api';
  statPath?: string;
  /** Bytes read so far, kept up to date by the reader: the progress ETA. */
  bytesRead?: { bytes: number };
}

type ValidRecord = ReturnType<typeof validateRecord>;

/** True when the source was added before with the same size, mtime and options (it is then skipped). */
function alreadyAdded(db: Database.Database, path: string, st: Stats, options: string): boolean {
  const prior = db
    .prepare('SELECT id FROM corpus_sources WHERE path = ? AND size = ? AND mtime_ms = ? AND options = ?')
    .get(path, st.size, st.mtimeMs, options);
  return prior !== undefined;
}

interface PassageStatements {
  byId: Database.Statement<[string], { hash: string }>;
  byHash: Database.Statement<[string], { rowid: number }>;
  insert: Database.Statement;
}

/** Prepared once per source: the statements each passage runs. */
function passageStatements(db: Database.Database): PassageStatements {
  return {
    byId: db.prepare<[string], { hash: string }>('SELECT hash FROM passages WHERE id = ?'),
    byHash: db.prepare<[string], { rowid: number }>(
      'SELECT rowid FROM passages WHERE hash = ? AND dup_of IS NULL LIMIT 1',
    ),
    insert: db.prepare(
      'INSERT INTO passages(id, doc_id, chunk, title, text, hash, dup_of, source) VALUES (?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT(id) DO NOTHING',
    ),
  };
}

/**
 * Stores a record's passages (its chunks, or the whole text) and counts each as added, duplicate (stored,
 * not indexed twice), unchanged (same id and content already stored) or rejected (same id, other content).
 * @throws InputError for an id already stored with other content, unless `skipInvalid`.
 */
function storeRecord(
  raw: RawRecord,
  rec: ValidRecord,
  { byId, byHash, insert }: PassageStatements,
  indexer: ParallelIndexer,
  settings: IngestSettings,
  result: IngestResult,
): void {
  const pieces = settings.chunk ? chunkText(rec.text, settings.chunk) : [rec.text];
  for (let i = 0; i < pieces.length; i++) {
    const id = pieces.length === 1 ? rec.id : `${rec.id}#${i}`;
    const text = pieces[i] as string;
    const hash = sha256(`${rec.title ?? ''}\u0000${text}`).slice(0, 32);
    const dupOf = byHash.get(hash)?.rowid ?? null;
    // Insert first and look the id up only on conflict: new ids (nearly all rows) cost one probe less.
    const { changes, lastInsertRowid } = insert.run(id, rec.id, i, rec.title, text, hash, dupOf);
    if (changes === 0) {
      if (byId.get(id)?.hash === hash) {
        result.unchanged++;
        continue;
      }
      const err = new InputError(
        { file: raw.file, line: raw.line, field: '_id' },
        `id "${id}" was already added with different text; ids must be unique`,
      );
      if (!settings.skipInvalid) throw err;
      result.rejected.push({ ...err.location, reason: err.problem });
      continue;
    }
    if (dupOf === null) indexer.add(Number(lastInsertRowid), rec.title, text);
    else result.duplicates++;
    result.added++;
  }
}

/** The row that lets a later add of the same unchanged file skip it; written in the source's transaction. */
function recordSource(
  db: Database.Database,
  source: IngestSource,
  st: Stats,
  options: string,
  result: IngestResult,
): void {
  db.prepare(
    `INSERT INTO corpus_sources(path, format, size, mtime_ms, options, added, unchanged, duplicates, rejected, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    source.path,
    source.format,
    st.size,
    st.mtimeMs,
    options,
    result.added,
    result.unchanged,
    result.duplicates,
    result.rejected.length,
    new Date().toISOString(),
  );
}
