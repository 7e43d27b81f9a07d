import { createHash } from 'node:crypto';

/**
 * Deterministic randomness keyed by strings. FRet's choices (which passages are seeds, which task family a
 * seed gets, the sampling seed of each retry, the random hard negative) must not depend on processing order,
 * concurrency or sharding, so each choice hashes its own key instead of drawing from a shared stream.
 */

/** An unsigned 32-bit integer from the SHA-256 of the parts joined by a separator that ids cannot fake. */
export function hash32(...parts: readonly (string | number)[]): number {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return h.readUInt32BE(0);
}

/** A float in [0, 1) from the key (53 bits, so ranking a million keys has no practical ties). */
export function hashUnit(...parts: readonly (string | number)[]): number {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return (h.readUInt32BE(0) * 2 ** 21 + (h.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

/** Picks one element uniformly by the key. @throws RangeError on an empty list. */
export function pickByHash<T>(items: readonly T[], ...key: readonly (string | number)[]): T {
  if (items.length === 0) throw new RangeError('pickByHash: empty list');
  return items[hash32(...key) % items.length] as T;
}

/** A sampling seed for an LLM call: 31 bits, so every provider accepts it as a positive integer. */
export function callSeed(...key: readonly (string | number)[]): number {
  return hash32(...key) & 0x7fffffff;
}
