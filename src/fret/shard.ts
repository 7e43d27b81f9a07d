import { UsageError } from '../errors/UsageError.js';
import { hash32 } from './random.js';

/** One of `count` disjoint parts of the work; `index` counts from 0. */
export interface Shard {
  index: number;
  count: number;
}

/** The whole job as one shard. */
export const WHOLE: Shard = Object.freeze({ index: 0, count: 1 });

/**
 * Parses `i/n` (0 ≤ i < n), as given to `--shard`.
 * @throws UsageError naming the value and the expected form.
 * @example parseShard('2/8') // { index: 2, count: 8 }
 */
export function parseShard(value: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new UsageError(`--shard must be "i/n" with 0 <= i < n (e.g. 0/4 ... 3/4), got "${value}".`);
  }
  return { index, count };
}

/**
 * Which shard an item belongs to. The partition hashes the item id alone (SHA-256), so it is the same on
 * every machine, independent of corpus order, and every item is in exactly one shard.
 */
export function shardOf(itemId: string, count: number): number {
  return count === 1 ? 0 : hash32('fret-shard', itemId) % count;
}

/** True when `itemId` is this shard's work. */
export function inShard(itemId: string, shard: Shard): boolean {
  return shardOf(itemId, shard.count) === shard.index;
}

/** `i/n` text of a shard. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
