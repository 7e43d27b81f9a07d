import { ModelError } from './ModelError.js';

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length
 * N, N bytes of JSON (`{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}`,
 * padded with spaces so the data starts 8-byte aligned), then the tensor bytes, little-endian, offsets
 * relative to the data start. Readers check every offset against the buffer, as the reference does.
 * Pure: no Node APIs (bundled for the browser).
 */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const DTYPE_BYTES: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export interface TensorView {
  dtype: SafetensorsDtype;
  shape: number[];
  /** The tensor's bytes (a view into the file buffer). */
  bytes: Uint8Array;
}

export interface SafetensorsFile {
  tensors: Map<string, TensorView>;
  metadata: Record<string, string>;
}

/** A tensor to write. */
export interface TensorInput {
  dtype: 'F32' | 'I8' | 'U8' | 'I32';
  shape: number[];
  data: Float32Array | Int8Array | Uint8Array | Int32Array;
}

/** Largest header the reader accepts (the reference implementation uses the same 100 MB cap). */
const MAX_HEADER = 100_000_000;

/**
 * Parses a safetensors file held in memory.
 *
 * @throws {ModelError} naming `source` when the header or any offset is malformed.
 * @example
 * const { tensors } = parseSafetensors(bytes, 'model.safetensors');
 */
export function parseSafetensors(bytes: Uint8Array, source = 'model.safetensors'): SafetensorsFile {
  if (bytes.byteLength < 8)
    throw new ModelError(source, 'file is shorter than the 8-byte safetensors header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > MAX_HEADER || 8 + n > bytes.byteLength) {
    throw new ModelError(source, `header length ${n} does not fit in a file of ${bytes.byteLength} bytes`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new ModelError(source, `header is not valid UTF-8 JSON: ${(e as Error).message}`, { cause: e });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new ModelError(source, 'header must be a JSON object');
  }
  const data = bytes.subarray(8 + n);
  const tensors = new Map<string, TensorView>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = e.dtype as SafetensorsDtype;
    if (!(typeof dtype === 'string' && dtype in DTYPE_BYTES)) {
      throw new ModelError(source, `tensor "${name}": unsupported dtype ${JSON.stringify(e.dtype)}`);
    }
    const shape = e.shape;
    const offs = e.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ModelError(source, `tensor "${name}": shape must be a list of non-negative integers`);
    }
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0)) {
      throw new ModelError(source, `tensor "${name}": data_offsets must be [begin, end]`);
    }
    const [begin, end] = offs as [number, number];
    const expected = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
    if (end < begin || end > data.byteLength || end - begin !== expected) {
      throw new ModelError(
        source,
        `tensor "${name}": data_offsets [${begin}, ${end}] do not hold ${expected} bytes within the ${data.byteLength}-byte data section`,
      );
    }
    tensors.set(name, { dtype, shape: shape as number[], bytes: data.subarray(begin, end) });
  }
  return { tensors, metadata };
}

/**
 * Converts a floating-point or integer tensor to float32 (F16 and BF16 widened exactly).
 * @throws {ModelError} for BOOL tensors.
 */
export function tensorToFloat32(t: TensorView, source = 'tensor'): Float32Array {
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (t.dtype === 'F32' && LITTLE_ENDIAN && t.bytes.byteOffset % 4 === 0) {
    // Aligned little-endian float32 (what the writer produces): a view on the file's buffer, no copy.
    return new Float32Array(t.bytes.buffer, t.bytes.byteOffset, count);
  }
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const out = new Float32Array(count);
  switch (t.dtype) {
    case 'F32':
      if (LITTLE_ENDIAN) {
        // Unaligned: one memcpy instead of a DataView read per element.
        new Uint8Array(out.buffer).set(t.bytes);
        return out;
      }
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    case 'BF16': {
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u[i] = view.getUint16(2 * i, true) << 16;
      return out;
    }
    case 'I8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      return out;
    case 'U8':
      for (let i = 0; i < count; i++) out[i] = view.getUint8(i);
      return out;
    case 'I16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true);
      return out;
    case 'I32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true);
      return out;
    case 'I64':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(8 * i, true));
      return out;
    default:
      throw new ModelError(source, `cannot read a ${t.dtype} tensor as numbers`);
  }
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * Serialises tensors (in name order) with optional string metadata; the header is space-padded so the data
 * section starts at a multiple of 8 bytes.
 *
 * @example
 * const bytes = serializeSafetensors({ embeddings: { dtype: 'F32', shape: [v, d], data: table } });
 */
export function serializeSafetensors(
  tensors: Record<string, TensorInput>,
  metadata?: Record<string, string>,
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const len = t.data.byteLength;
    const expected = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
    if (len !== expected)
      throw new ModelError(name, `holds ${len} bytes but shape ${t.shape} needs ${expected}`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + len] };
    offset += len;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.byteLength) / 8) * 8 - 8;
  if (padded !== json.byteLength) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.byteLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.byteLength, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  let pos = 8 + json.byteLength;
  for (const name of names) {
    const d = tensors[name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}
