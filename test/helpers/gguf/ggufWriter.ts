/**
 * A minimal GGUF v3 writer: header, metadata key/values, tensor infos and 32-byte-aligned float32 tensor data.
 * No npm package writes GGUF tensors (`@huggingface/gguf` only parses), and the format is small enough that a
 * writer for the subset tests need (scalars, strings, arrays, F32 tensors) is about a hundred lines.
 */

/** GGUF metadata value types (gguf.md, "gguf_metadata_value_type"). */
export const GGUF_TYPE = {
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
} as const;

/** A metadata value with its explicit GGUF type (JS numbers alone don't say u32 vs f32). */
export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'f32[]'; value: ArrayLike<number> }
  | { type: 'i32[]'; value: ArrayLike<number> };

/** One float32 tensor; `dims` are listed innermost first, as GGUF stores them. */
export interface GgufTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

const ALIGNMENT = 32;
const GGML_TYPE_F32 = 0;

/** Growable little-endian byte buffer. */
class ByteSink {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  u64(v: number): void {
    this.ensure(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
  }
  f32(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.bytes(b);
  }
  pad(alignment: number): void {
    const rem = this.length % alignment;
    if (rem !== 0) this.bytes(new Uint8Array(alignment - rem));
  }
  result(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

function writeValue(out: ByteSink, v: GgufValue): void {
  switch (v.type) {
    case 'u32':
      out.u32(GGUF_TYPE.UINT32);
      out.u32(v.value);
      return;
    case 'i32':
      out.u32(GGUF_TYPE.INT32);
      out.i32(v.value);
      return;
    case 'f32':
      out.u32(GGUF_TYPE.FLOAT32);
      out.f32(v.value);
      return;
    case 'bool':
      out.u32(GGUF_TYPE.BOOL);
      out.bytes(new Uint8Array([v.value ? 1 : 0]));
      return;
    case 'string':
      out.u32(GGUF_TYPE.STRING);
      out.string(v.value);
      return;
    case 'string[]':
      out.u32(GGUF_TYPE.ARRAY);
      out.u32(GGUF_TYPE.STRING);
      out.u64(v.value.length);
      for (const s of v.value) out.string(s);
      return;
    case 'f32[]':
      out.u32(GGUF_TYPE.ARRAY);
      out.u32(GGUF_TYPE.FLOAT32);
      out.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) out.f32(v.value[i] as number);
      return;
    case 'i32[]':
      out.u32(GGUF_TYPE.ARRAY);
      out.u32(GGUF_TYPE.INT32);
      out.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) out.i32(v.value[i] as number);
      return;
  }
}

/** Serialises a GGUF v3 file with the given metadata (in order) and float32 tensors. */
export function encodeGguf(
  metadata: ReadonlyArray<[string, GgufValue]>,
  tensors: readonly GgufTensor[],
): Uint8Array {
  const out = new ByteSink();
  out.bytes(Buffer.from('GGUF', 'latin1'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    out.string(key);
    writeValue(out, value);
  }
  let offset = 0;
  for (const t of tensors) {
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (count !== t.data.length)
      throw new Error(`tensor ${t.name}: dims ${t.dims.join('x')} != ${t.data.length} values`);
    out.string(t.name);
    out.u32(t.dims.length);
    for (const d of t.dims) out.u64(d);
    out.u32(GGML_TYPE_F32);
    out.u64(offset);
    offset += Math.ceil((t.data.length * 4) / ALIGNMENT) * ALIGNMENT;
  }
  out.pad(ALIGNMENT);
  for (const t of tensors) {
    out.bytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    out.pad(ALIGNMENT);
  }
  return out.result();
}
