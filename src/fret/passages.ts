import type Database from 'better-sqlite3';

/** A passage's fields that FRet prompts and datasets use. */
export interface PassageText {
  id: string;
  title: string | null;
  text: string;
}

type Lookup = Database.Statement<[string], PassageText>;
const statements = new WeakMap<Database.Database, Lookup>();

/**
 * Passages by id in the order asked (unknown ids left out), through one prepared statement per database.
 * `Corpus.getMany` prepares its statement on every call, which cost ~1.7 ms of FRet's per-example budget for
 * 20 candidates (bench/fret.bench.ts); this reads the corpus table directly instead.
 */
export function readPassages(db: Database.Database, ids: readonly string[]): PassageText[] {
  let stmt = statements.get(db);
  if (!stmt) {
    stmt = db.prepare<[string], PassageText>('SELECT id, title, text FROM passages WHERE id = ?');
    statements.set(db, stmt);
  }
  const out: PassageText[] = [];
  for (const id of ids) {
    const row = stmt.get(id);
    if (row) out.push(row);
  }
  return out;
}
