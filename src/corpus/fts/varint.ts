/**
 * SQLite's variable-length integers as FTS5 stores them in its records: big-endian, 7 bits a byte with the
 * high bit meaning "more", and a 9th byte that carries 8 bits. Values here stay below 2^53 (segment ids,
 * page numbers, row and token counts), so plain numbers are exact.
 */

/** Decodes every varint in `buf`. */
export function readVarints(buf: Uint8Array): number[] {
  const out: number[] = [];
  const cursor = { pos: 0 };
  while (cursor.pos < buf.length) out.push(readVarint(buf, cursor));
  return out;
}

/** Decodes the varint at `cursor.pos` and advances the cursor past it. */
export function readVarint(buf: Uint8Array, cursor: { pos: number }): number {
  let v = 0;
  for (let i = 0; i < 9; i++) {
    if (cursor.pos >= buf.length) throw new RangeError('varint runs past the end of the record');
    const b = buf[cursor.pos++] as number;
    if (i === 8) return v * 256 + b;
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) return v;
  }
  return v;
}

/** Appends the varint encoding of `value` (a non-negative safe integer) to `out`. */
export function writeVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint out of range: ${value}`);
  // Below 2^56 the 7-bit form (at most 8 bytes) suffices; safe integers are below 2^53.
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.push(v % 128);
    v = Math.floor(v / 128);
  } while (v > 0);
  for (let i = bytes.length - 1; i >= 0; i--) out.push((bytes[i] as number) | (i > 0 ? 0x80 : 0));
}
