import type Database from 'better-sqlite3';
import {
  AVERAGES_ROWID,
  decodeAverages,
  decodeStructure,
  encodeAverages,
  encodeStructure,
  MAX_SEGMENT_ID,
  SEGMENT_ID_SHIFT,
  STRUCTURE_ROWID,
} from './structure.js';

/**
 * Grafts the segments of an FTS5 index built elsewhere (a "shard": same columns, tokenizer and detail, rows
 * with other rowids) into `target`, inside the caller's transaction.
 *
 * Why: FTS5 indexes in one thread, and on 100-word passages that thread is the ingest bottleneck. Shards
 * built by worker threads in their own database files are added here at the cost of copying their pages:
 * no re-tokenising. The result is exactly the index FTS5 would have built (same postings, same BM25 scores;
 * the tests compare against a single-threaded build and run FTS5's integrity-check), because an FTS5 index
 * is a list of segments whose doclists are combined at query time, and segments with disjoint rowids can
 * come from anywhere. What this touches (see SQLite's fts5_index.c):
 * - `%_data` rows of the shard's segments, their segment ids (bits 37+ of the row id) renumbered to ids
 *   free in the target; `%_idx` rows likewise; `%_docsize` rows as they are;
 * - the averages record (row 1): row and token counts summed;
 * - the structure record (row 10): each shard segment appended at its level.
 * FTS5 caches the structure and totals per connection, so it first flushes (a savepoint makes FTS5 write
 * its pending terms and totals) and afterwards drops the cached structure (a `merge` of 0 pages).
 *
 * @param schema the attached schema holding the shard table.
 * @returns rows grafted (0 when the shard was never written).
 */
export function mergeShard(
  db: Database.Database,
  target: string,
  schema: string,
  shard: string,
  columns: number,
): number {
  // Reading sqlite_master first also makes SQLite notice a schema created by the worker's connection.
  const exists = db
    .prepare(`SELECT count(*) AS n FROM "${schema}".sqlite_master WHERE name = ?`)
    .get(`${shard}_data`) as { n: number };
  if (exists.n === 0) return 0;
  const block = (table: string, id: number): Buffer => {
    const row = db.prepare(`SELECT block FROM ${table} WHERE id = ?`).get(id) as
      | { block: Buffer }
      | undefined;
    if (!row) throw new Error(`${table}: FTS5 record ${id} is missing`);
    return row.block;
  };
  const src = (suffix: string) => `"${schema}"."${shard}_${suffix}"`;
  const shardStructure = decodeStructure(block(src('data'), STRUCTURE_ROWID));
  const shardTotals = decodeAverages(block(src('data'), AVERAGES_ROWID), columns);
  if (shardTotals[0] === 0) return 0;
  if (shardStructure.levels.some((l) => l.merging > 0))
    throw new Error(`${schema}.${shard}: an incremental merge is in progress; shards must use automerge=0`);

  db.exec('SAVEPOINT gecko_fts_flush; RELEASE gecko_fts_flush');
  const structure = decodeStructure(block(`main.${target}_data`, STRUCTURE_ROWID));
  const totals = decodeAverages(block(`main.${target}_data`, AVERAGES_ROWID), columns);

  const used = new Set(structure.levels.flatMap((l) => l.segments.map((s) => s.id)));
  const renumber: [number, number][] = [];
  let next = 1;
  for (const [i, level] of shardStructure.levels.entries()) {
    for (const seg of level.segments) {
      while (used.has(next)) next++;
      if (next > MAX_SEGMENT_ID) throw new Error(`${target}: more than ${MAX_SEGMENT_ID} FTS5 segments`);
      used.add(next);
      renumber.push([seg.id, next]);
      structure.levels[i] ??= { merging: 0, segments: [] };
      structure.levels[i]?.segments.push({ ...seg, id: next });
    }
  }
  structure.writeCounter += shardStructure.writeCounter;
  const cases = renumber.map(([from, to]) => `WHEN ${from} THEN ${to}`).join(' ');
  const low = `((1 << ${SEGMENT_ID_SHIFT}) - 1)`;

  // FTS5's shadow tables are read-only to SQL in SQLite's defensive mode, which better-sqlite3 turns on.
  db.unsafeMode(true);
  try {
    db.exec(`
      INSERT INTO main.${target}_data(id, block)
        SELECT ((CASE id >> ${SEGMENT_ID_SHIFT} ${cases} END) << ${SEGMENT_ID_SHIFT}) + (id & ${low}), block
        FROM ${src('data')} WHERE id >= (1 << ${SEGMENT_ID_SHIFT});
      INSERT INTO main.${target}_idx(segid, term, pgno)
        SELECT CASE segid ${cases} END, term, pgno FROM ${src('idx')};
      INSERT INTO main.${target}_docsize(id, sz) SELECT id, sz FROM ${src('docsize')};
    `);
    const put = db.prepare(`UPDATE main.${target}_data SET block = ? WHERE id = ?`);
    put.run(encodeStructure(structure), STRUCTURE_ROWID);
    put.run(encodeAverages(totals.map((v, i) => v + (shardTotals[i] as number))), AVERAGES_ROWID);
  } finally {
    db.unsafeMode(false);
  }
  db.exec(`INSERT INTO main.${target}(${target}, rank) VALUES ('merge', 0)`);
  return shardTotals[0] as number;
}
