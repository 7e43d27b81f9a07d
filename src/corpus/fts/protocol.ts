/** Messages between {@link ParallelIndexer} and its `shardWorker.ts` threads. */

export interface ShardWorkerData {
  /** Scratch database file of this shard. */
  file: string;
  table: string;
  columns: readonly string[];
  tokenizer: string;
  /** FTS5 configuration values (e.g. `pgsz`, `hashsize`), as for the corpus index. */
  settings: Record<string, number>;
  /** One Int32: batches sent and not yet indexed (the worker decrements it), read without messaging. */
  inFlight: SharedArrayBuffer;
}

/**
 * Rows of a batch, packed so that posting it copies three buffers rather than thousands of strings:
 * `lengths` holds (title length or -1 for none, text length) per row, and `text` the titles and texts
 * concatenated in that order.
 */
export interface ShardBatch {
  type: 'batch';
  rowids: Float64Array;
  lengths: Int32Array;
  text: string;
}

export type ShardRequest = ShardBatch | { type: 'finish' };
export type ShardReply = { type: 'finished'; rows: number } | { type: 'error'; message: string };
