import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../src/model/ModelError.js';
import { parseSafetensors, serializeSafetensors, tensorToFloat32 } from '../../../src/model/safetensors.js';

function headerOf(bytes: Uint8Array): { n: number; json: Record<string, unknown>; raw: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const n = Number(view.getBigUint64(0, true));
  const raw = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  return { n, json: JSON.parse(raw), raw };
}

describe('safetensors', () => {
  const table = Float32Array.of(1, 2, 3, 4, 5, 6);

  it('writes the spec layout: u64 LE header length, JSON header, 8-byte aligned data', () => {
    const bytes = serializeSafetensors(
      {
        embeddings: { dtype: 'F32', shape: [3, 2], data: table },
        codes: { dtype: 'I8', shape: [3], data: Int8Array.of(-1, 0, 1) },
      },
      { format: 'pt' },
    );
    const { n, json, raw } = headerOf(bytes);
    expect((8 + n) % 8).toBe(0);
    expect(raw.trimEnd()).toBe(raw.replace(/ +$/, ''));
    expect(json.__metadata__).toEqual({ format: 'pt' });
    // Tensors in name order, contiguous from offset 0.
    expect(json.codes).toEqual({ dtype: 'I8', shape: [3], data_offsets: [0, 3] });
    expect(json.embeddings).toEqual({ dtype: 'F32', shape: [3, 2], data_offsets: [3, 27] });
    expect(bytes.byteLength).toBe(8 + n + 27);
    const data = new DataView(bytes.buffer, 8 + n + 3);
    expect(data.getFloat32(4 * 5, true)).toBe(6);
  });

  it('round-trips and widens F16 / BF16', () => {
    const f = parseSafetensors(serializeSafetensors({ e: { dtype: 'F32', shape: [3, 2], data: table } }));
    expect(Array.from(tensorToFloat32(f.tensors.get('e')!))).toEqual([1, 2, 3, 4, 5, 6]);
    // Hand-built F16 file: 1.0 = 0x3c00, -2.0 = 0xc000; BF16 1.5 = 0x3fc0.
    const header = JSON.stringify({
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
    });
    const padded = header.padEnd(Math.ceil((header.length + 8) / 8) * 8 - 8, ' ');
    const bytes = new Uint8Array(8 + padded.length + 6);
    new DataView(bytes.buffer).setUint32(0, padded.length, true);
    bytes.set(new TextEncoder().encode(padded), 8);
    const d = new DataView(bytes.buffer, 8 + padded.length);
    d.setUint16(0, 0x3c00, true);
    d.setUint16(2, 0xc000, true);
    d.setUint16(4, 0x3fc0, true);
    const f2 = parseSafetensors(bytes);
    expect(Array.from(tensorToFloat32(f2.tensors.get('h')!))).toEqual([1, -2]);
    expect(Array.from(tensorToFloat32(f2.tensors.get('b')!))).toEqual([1.5]);
  });

  it('rejects headers that lie about sizes', () => {
    const good = serializeSafetensors({ e: { dtype: 'F32', shape: [3, 2], data: table } });
    expect(() => parseSafetensors(good.subarray(0, 5), 'm.safetensors')).toThrow(ModelError);
    const truncated = good.subarray(0, good.byteLength - 4);
    expect(() => parseSafetensors(truncated, 'm.safetensors')).toThrow(
      /m.safetensors: tensor "e": data_offsets/,
    );
    const huge = new Uint8Array(good);
    new DataView(huge.buffer).setUint32(0, 1e6, true);
    expect(() => parseSafetensors(huge)).toThrow(/header length/);
  });
});
