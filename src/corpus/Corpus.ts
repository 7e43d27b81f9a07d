import { basename, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { GeckoError } from '../errors/GeckoError.js';
import { UsageError } from '../errors/UsageError.js';
import { atomicWriteFile } from '../util/atomicWrite.js';
import { type Reporter, silentReporter } from '../util/Reporter.js';
import { openWorkspace, type Workspace } from '../workspace/Workspace.js';
import {
  Bm25Searcher,
  type SearchHit,
  type SearchHitWithSnippet,
  type SearchOptions,
} from './bm25/search.js';
import { type ChunkOptions, validateChunkOptions } from './chunk.js';
import type { ParallelIndexOptions } from './fts/ParallelIndexer.js';
import { type IngestResult, type IngestSettings, ingestRecords } from './ingest.js';
import type { Passage, PassageInput } from './passage.js';
import {
  type ColumnNames,
  detectFormat,
  type InputFormat,
  type RawRecord,
  readRecords,
} from './readers/index.js';
import { CORPUS_MIGRATIONS } from './schema.js';
import { type CorpusStats, corpusStats } from './stats.js';

/** Options of {@link Corpus.add}. */
export interface AddOptions {
  /** Force a format instead of guessing from the extension. */
  format?: InputFormat;
  /** Column names for CSV/TSV/Parquet (and JSONL field names). */
  columns?: ColumnNames;
  /** Split long documents into passages. @default no chunking */
  chunk?: ChunkOptions;
  /**
   * Skip invalid records (and ids re-used with other text) instead of failing the whole file; they are
   * counted and, with `rejectsFile`, written out with their reasons. @default false
   */
  skipInvalid?: boolean;
  /** Where to write the rejected records (JSONL) when `skipInvalid` is on. @default `<workspace>/rejects/<file>.rejects.jsonl` */
  rejectsFile?: string;
  reporter?: Reporter;
  /**
   * Parallel indexing: `workers` threads build parts of the BM25 index while this thread stores rows, and
   * the parts are joined into the index before the file commits. `{ workers: 0 }` indexes in this thread.
   * @default { workers: CPUs - 1 (at most 3), batch: 4096 }
   */
  index?: ParallelIndexOptions;
}

/** Options of {@link openCorpus}. */
export interface OpenCorpusOptions {
  /** Open without write access (fails if the workspace does not exist). @default false */
  readonly?: boolean;
}

type PassageRow = { id: string; title: string | null; text: string; doc_id: string; chunk: number };
const toPassage = (r: PassageRow): Passage => ({
  id: r.id,
  title: r.title,
  text: r.text,
  docId: r.doc_id,
  chunk: r.chunk,
});

/**
 * A corpus of passages in a workspace's SQLite database, with an FTS5 BM25 index.
 *
 * @example
 * const corpus = openCorpus('./gecko-work');
 * await corpus.add('corpus.jsonl');
 * corpus.search('how do geckos climb', 10); // [{ id, score }, ...]
 * for await (const p of corpus) console.log(p.id, p.text);
 * corpus.close();
 */
export class Corpus {
  readonly workspace: Workspace;
  readonly #searcher: Bm25Searcher;
  readonly #ownsWorkspace: boolean;

  /** @internal Use {@link openCorpus}. */
  constructor(workspace: Workspace, ownsWorkspace: boolean) {
    this.workspace = workspace;
    this.#ownsWorkspace = ownsWorkspace;
    this.#searcher = new Bm25Searcher(workspace.db);
  }

  /**
   * Ingests files (JSONL, CSV, TSV, Parquet, `.gz` of these) or folders of `.txt`/`.md` files. Each file is
   * one transaction: on a bad record nothing from that file is stored (unless `skipInvalid`).
   *
   * @throws InputError naming `file:line` and the problem; UsageError for a missing path or unknown format.
   */
  async add(paths: string | readonly string[], options: AddOptions = {}): Promise<IngestResult[]> {
    const list = typeof paths === 'string' ? [paths] : paths;
    const chunk = options.chunk ? validateChunkOptions(options.chunk) : undefined;
    const formats = list.map((p) => detectFormat(p, options.format)); // fail fast, before any work
    const results: IngestResult[] = [];
    for (const [i, path] of list.entries()) {
      const format = formats[i] as InputFormat;
      const counter = { bytes: 0 };
      const result = await ingestRecords(
        this.workspace.db,
        readRecords(path, format, options.columns, counter),
        { path: resolve(path), format, statPath: path, bytesRead: counter },
        this.#settings(options, chunk),
      );
      this.#searcher.invalidate();
      if (result.rejected.length > 0) {
        const out = options.rejectsFile ?? this.workspace.path('rejects', `${basename(path)}.rejects.jsonl`);
        await atomicWriteFile(out, result.rejected.map((r) => JSON.stringify(r)).join('\n') + '\n');
        (result as IngestResult & { rejectsFile?: string }).rejectsFile = out;
      }
      results.push(result);
    }
    return results;
  }

  /**
   * Adds passages given in code (one transaction), with the same validation and idempotence as files.
   * @throws InputError for a passage without id or text (its position is the "line").
   */
  async addPassages(
    passages: Iterable<PassageInput> | AsyncIterable<PassageInput>,
    options: Pick<AddOptions, 'chunk' | 'skipInvalid' | 'reporter' | 'index'> & { source?: string } = {},
  ): Promise<IngestResult> {
    const source = options.source ?? '<api>';
    async function* records(): AsyncGenerator<RawRecord> {
      let line = 0;
      for await (const p of passages)
        yield { file: source, line: ++line, id: p.id, title: p.title, text: p.text };
    }
    const result = await ingestRecords(
      this.workspace.db,
      records(),
      { path: source, format: 'api' },
      this.#settings(options, options.chunk ? validateChunkOptions(options.chunk) : undefined),
    );
    this.#searcher.invalidate();
    return result;
  }

  /** Ingest settings from add options, defaults resolved (chunk options already validated). */
  #settings(
    options: Pick<AddOptions, 'skipInvalid' | 'reporter' | 'index'>,
    chunk: ChunkOptions | undefined,
  ): IngestSettings {
    return {
      chunk,
      skipInvalid: options.skipInvalid ?? false,
      reporter: options.reporter ?? silentReporter,
      scratchDir: this.workspace.path('tmp'),
      index: options.index,
    };
  }

  /** The passage with this id, or `undefined`. */
  get(id: string): Passage | undefined {
    const row = this.#byId().get(id);
    return row ? toPassage(row) : undefined;
  }

  // Prepared once: preparing costs more than the lookup itself (FRet fetches 20 candidates per example).
  #byIdStatement: Database.Statement<[string], PassageRow> | undefined;
  #byId(): Database.Statement<[string], PassageRow> {
    this.#byIdStatement ??= this.workspace.db.prepare<[string], PassageRow>(
      'SELECT id, title, text, doc_id, chunk FROM passages WHERE id = ?',
    );
    return this.#byIdStatement;
  }

  /** Passages by id, in the order asked; unknown ids are left out. */
  getMany(ids: readonly string[]): Passage[] {
    const stmt = this.#byId();
    const out: Passage[] = [];
    for (const id of ids) {
      const r = stmt.get(id);
      if (r) out.push(toPassage(r));
    }
    return out;
  }

  /**
   * The `k` best passages for `query` by BM25 (higher score = better), exact duplicates collapsed.
   * @throws UsageError when k is not a positive integer.
   */
  search(query: string, k = 10, options: SearchOptions = {}): SearchHit[] {
    checkK(k);
    return this.#searcher.search(query, k, options);
  }

  /** Like {@link search}, with each passage's title and a snippet where matches are in `[brackets]`. */
  searchWithSnippets(query: string, k = 10, options: SearchOptions = {}): SearchHitWithSnippet[] {
    checkK(k);
    return this.#searcher.searchWithSnippets(query, k, options);
  }

  /** How a query is executed (terms, document frequencies, which terms are scored). */
  explain(query: string, options: SearchOptions = {}): ReturnType<Bm25Searcher['plan']>['plan'] {
    return this.#searcher.plan(query, options).plan;
  }

  /** Number of stored passages (exact duplicates included). */
  count(): number {
    return (this.workspace.db.prepare('SELECT count(*) AS n FROM passages').get() as { n: number }).n;
  }

  stats(): CorpusStats {
    return corpusStats(this.workspace);
  }

  /** Iterates over all passages in insertion order, reading in pages so the database stays usable meanwhile. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Passage> {
    const page = this.workspace.db.prepare<[number, number], PassageRow & { rowid: number }>(
      'SELECT rowid, id, title, text, doc_id, chunk FROM passages WHERE rowid > ? ORDER BY rowid LIMIT ?',
    );
    let after = 0;
    for (;;) {
      const rows = page.all(after, 1000);
      if (rows.length === 0) return;
      for (const r of rows) yield toPassage(r);
      after = (rows[rows.length - 1] as { rowid: number }).rowid;
    }
  }

  close(): void {
    if (this.#ownsWorkspace) this.workspace.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k <= 0) throw new UsageError(`k must be a positive integer, got ${k}`);
}

/**
 * Opens the corpus of the workspace in `dir` (creating the workspace if needed), or of an open workspace.
 *
 * @throws GeckoError when the workspace database cannot be opened.
 * @example
 * const corpus = openCorpus('./gecko-work');
 */
export function openCorpus(
  dir: string | Workspace = './gecko-work',
  options: OpenCorpusOptions = {},
): Corpus {
  if (typeof dir !== 'string') {
    dir.migrate('corpus', CORPUS_MIGRATIONS);
    return new Corpus(dir, false);
  }
  const ws = openWorkspace(dir, { readonly: options.readonly ?? false });
  try {
    if (!options.readonly) ws.migrate('corpus', CORPUS_MIGRATIONS);
    else if (!ws.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'passages'").get()) {
      throw new GeckoError(
        `The workspace ${ws.dir} has no corpus yet. Add passages with "gecko corpus add FILE".`,
        {
          code: 'NO_CORPUS',
        },
      );
    }
    return new Corpus(ws, true);
  } catch (e) {
    ws.close();
    throw e;
  }
}
