/**
 * Worker thread of {@link ParallelIndexer}: indexes the batches it is sent into a contentless FTS5 table in
 * its own scratch database, which the ingesting thread grafts into the corpus index at the end of the file
 * (`mergeShard.ts`). The scratch file is disposable (a crash discards it with the ingest transaction), so
 * it is written without journal or fsync.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { ShardBatch, ShardReply, ShardRequest, ShardWorkerData } from './protocol.js';

const data = workerData as ShardWorkerData;
const port = parentPort;
if (!port) throw new Error('shardWorker.ts must run in a worker thread');
const inFlight = new Int32Array(data.inFlight);
let rows = 0;

function post(reply: ShardReply): void {
  port?.postMessage(reply);
}

function open(): Database.Database {
  const d = new Database(data.file);
  d.pragma('journal_mode = OFF');
  d.pragma('synchronous = OFF');
  d.pragma(`cache_size = -${64 * 1024}`);
  d.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${data.table} USING fts5(
    ${data.columns.join(', ')}, content='', tokenize='${data.tokenizer}')`);
  // automerge=0: no incremental merge is ever left half-done (mergeShard needs whole segments); FTS5 still
  // merges a level in one go once it holds crisismerge (16) segments.
  // Literal values: FTS5 wants integers, and a bound JS number arrives as a REAL.
  for (const [key, value] of Object.entries({ ...data.settings, automerge: 0 }))
    d.exec(`INSERT INTO ${data.table}(${data.table}, rank) VALUES ('${key}', ${Math.trunc(value)})`);
  d.exec('BEGIN');
  return d;
}

// A worker is started with its first batch in its queue, so it opens its shard at once.
const db = open();
const insert = db.prepare(`INSERT INTO ${data.table}(rowid, ${data.columns.join(', ')}) VALUES (?, ?, ?)`);

function index(batch: ShardBatch): void {
  const { rowids, lengths, text } = batch;
  let at = 0;
  for (let i = 0; i < rowids.length; i++) {
    const titleLength = lengths[2 * i] as number;
    const textLength = lengths[2 * i + 1] as number;
    const title = titleLength < 0 ? null : text.slice(at, at + titleLength);
    at += Math.max(titleLength, 0);
    insert.run(rowids[i], title, text.slice(at, at + textLength));
    at += textLength;
  }
  rows += rowids.length;
}

port.on('message', (msg: ShardRequest) => {
  try {
    if (msg.type === 'batch') {
      index(msg);
      Atomics.sub(inFlight, 0, 1);
    } else if (msg.type === 'finish') {
      db.exec('COMMIT');
      db.close();
      post({ type: 'finished', rows });
      port.close();
    }
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    port.close();
  }
});
