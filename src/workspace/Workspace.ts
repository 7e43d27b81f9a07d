import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { GeckoError } from '../errors/GeckoError.js';

/** The default workspace folder, relative to the current directory. */
export const DEFAULT_WORKSPACE_DIR = './gecko-work';
/** File name of the workspace database inside the workspace folder. */
export const WORKSPACE_DB_FILE = 'gecko.db';

/**
 * One schema migration of one component (`corpus`, `llm-cache`, `fret`, ...). Components own their tables;
 * versions count from 1 per component and are applied in order, each inside a transaction.
 */
export interface Migration {
  version: number;
  up: string | ((db: Database.Database) => void);
}

/**
 * A workspace: a folder holding one SQLite database (corpus, job state, LLM cache) plus output files.
 * Every pipeline part stores its state here, so that a job killed at any point resumes from the database.
 *
 * @example
 * const ws = openWorkspace('./gecko-work');
 * ws.migrate('corpus', CORPUS_MIGRATIONS);
 */
export class Workspace {
  readonly dir: string;
  readonly db: Database.Database;

  /** @internal Use {@link openWorkspace}. */
  constructor(dir: string, db: Database.Database) {
    this.dir = dir;
    this.db = db;
  }

  /** An absolute path inside the workspace folder. */
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /**
   * Brings `component`'s tables up to the latest of `migrations`.
   * @throws GeckoError when the database was written by a newer gecko (unknown version).
   */
  migrate(component: string, migrations: readonly Migration[]): void {
    const row = this.db.prepare('SELECT version FROM schema_versions WHERE component = ?').get(component) as
      | { version: number }
      | undefined;
    const current = row?.version ?? 0;
    const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
    if (current > latest) {
      throw new GeckoError(
        `Workspace ${this.dir}: the "${component}" tables are at schema version ${current}, but this gecko knows only up to ${latest}. Upgrade gecko or use another --work folder.`,
        { code: 'WORKSPACE_VERSION' },
      );
    }
    const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
    for (const m of pending) {
      this.db.transaction(() => {
        if (typeof m.up === 'string') this.db.exec(m.up);
        else m.up(this.db);
        this.db
          .prepare(
            'INSERT INTO schema_versions(component, version) VALUES (?, ?) ON CONFLICT(component) DO UPDATE SET version = excluded.version',
          )
          .run(component, m.version);
      })();
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** Options of {@link openWorkspace}. */
export interface OpenWorkspaceOptions {
  /** Open read-only; fails if the workspace does not exist. @default false */
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the workspace in `dir`: the folder and its SQLite database in WAL mode, so a
 * reader (e.g. `gecko corpus search`) never blocks a writer and a killed writer never corrupts the file.
 *
 * @throws GeckoError if the folder cannot be created or the database cannot be opened.
 * @example
 * const ws = openWorkspace('./gecko-work');
 */
export function openWorkspace(
  dir: string = DEFAULT_WORKSPACE_DIR,
  options: OpenWorkspaceOptions = {},
): Workspace {
  const abs = resolve(dir);
  const dbPath = join(abs, WORKSPACE_DB_FILE);
  if (options.readonly && !existsSync(dbPath)) {
    throw new GeckoError(
      `No gecko workspace at ${abs} (missing ${WORKSPACE_DB_FILE}). Create one with "gecko corpus add".`,
      {
        code: 'NO_WORKSPACE',
      },
    );
  }
  let db: Database.Database;
  try {
    mkdirSync(abs, { recursive: true });
    db = new Database(dbPath, { readonly: options.readonly ?? false });
  } catch (e) {
    throw new GeckoError(`Cannot open the workspace database ${dbPath}: ${(e as Error).message}`, {
      code: 'WORKSPACE_OPEN',
      cause: e,
    });
  }
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable against process crashes in WAL mode (only a power loss can drop the last commit).
    db.pragma('synchronous = NORMAL');
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)',
    );
  }
  db.pragma('busy_timeout = 10000');
  // 256 MiB page cache: ingest and FTS merges touch many pages; SQLite allocates it lazily.
  db.pragma('cache_size = -262144');
  db.pragma('foreign_keys = ON');
  return new Workspace(abs, db);
}
