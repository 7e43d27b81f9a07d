/**
 * Output precisions for embeddings. `int8` scales each vector symmetrically so its largest component is
 * +-127; `binary` keeps the sign bit and packs 8 dimensions per byte, most significant bit first (numpy
 * `packbits`, sentence-transformers' `ubinary`). Pure: no Node APIs.
 */
import { normalizeInPlace } from '../math/normalize.js';

export type Precision = 'float32' | 'int8' | 'binary';

export const PRECISIONS: readonly Precision[] = ['float32', 'int8', 'binary'];

/** Quantises one vector to int8 codes; returns the codes and the scale that maps them back. */
export function quantizeInt8(v: Float32Array): { codes: Int8Array; scale: number } {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
  const scale = max > 0 ? max / 127 : 1;
  const codes = new Int8Array(v.length);
  for (let i = 0; i < v.length; i++) codes[i] = Math.round(v[i]! / scale);
  return { codes, scale };
}

/** Packs sign bits (x > 0 -> 1), most significant bit first; length ceil(d / 8). */
export function packBits(v: Float32Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(v.length / 8));
  for (let i = 0; i < v.length; i++) if (v[i]! > 0) out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

/**
 * Replaces `v` in place by what a search over the quantised codes sees, re-normalised: int8 codes times
 * their scale, or +-1 per dimension for binary. Cosine similarity over these equals the similarity the
 * quantised index computes (up to the per-vector scale, which normalisation removes).
 */
export function dequantizeInPlace(v: Float32Array, precision: Precision): Float32Array {
  if (precision === 'float32') return v;
  if (precision === 'int8') {
    const { codes, scale } = quantizeInt8(v);
    for (let i = 0; i < v.length; i++) v[i] = codes[i]! * scale;
  } else {
    for (let i = 0; i < v.length; i++) v[i] = v[i]! > 0 ? 1 : -1;
  }
  return normalizeInPlace(v);
}
