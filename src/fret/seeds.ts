import type Database from 'better-sqlite3';
import { hashUnit } from './random.js';
import { inShard, type Shard } from './shard.js';

/**
 * Picks FRet's seed passages: all canonical passages, or a seeded uniform sample of `limit` of them. Each
 * passage gets the key `hashUnit(sampleSeed, id)` and the sample is the `limit` smallest keys (bottom-k
 * sampling), so the sample is the same whatever the corpus order, and the shards of a sharded job together
 * are exactly the unsharded sample. Returns ids in key order (the sample's order), filtered to `shard`.
 *
 * Reads the corpus table directly because it needs canonical ids only (exact duplicates, `dup_of`, would
 * make duplicate training examples) and must stream millions of ids without loading passages.
 */
export function selectSeeds(
  db: Database.Database,
  options: { limit?: number; sampleSeed: number; shard: Shard },
): string[] {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const keyed: { id: string; key: number }[] = [];
  // A max-heap would bound memory at `limit`; a sort of the (id, key) pairs is simpler and fine to ~10M ids.
  for (const row of db
    .prepare<[], { id: string }>('SELECT id FROM passages WHERE dup_of IS NULL')
    .iterate()) {
    keyed.push({ id: row.id, key: hashUnit('fret-seed', options.sampleSeed, row.id) });
  }
  keyed.sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : 1));
  const sample = Number.isFinite(limit) ? keyed.slice(0, limit) : keyed;
  return sample.filter((s) => inShard(s.id, options.shard)).map((s) => s.id);
}
