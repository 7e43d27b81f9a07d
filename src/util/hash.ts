import { createHash, hash } from 'node:crypto';

/** Hex SHA-256 of a string or bytes: content hashes for deduplication, cache keys and data pinning. */
export function sha256(data: string | Uint8Array): string {
  // One-shot `crypto.hash` (Node >= 20.12) skips the Hash object: about 2x faster on short passages, where
  // ingest hashes every one.
  return typeof hash === 'function'
    ? hash('sha256', data, 'hex')
    : createHash('sha256').update(data).digest('hex');
}

/**
 * Stable JSON: object keys sorted recursively, so equal values always hash equal. Used for cache keys,
 * where `{a, b}` and `{b, a}` must be the same call.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}
