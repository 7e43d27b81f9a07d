import { describe, expect, it } from 'vitest';
import { gemmNTJs, gemmNTNaive, transpose } from '../../../src/math/gemmJs.js';
import { createWasmGemm } from '../../../src/math/gemmWasm.js';
import { selectGemm } from '../../../src/math/kernels.js';
import { createRng } from '../../../src/math/rng.js';
import { compileWat } from '../../../src/math/wasm/compileWat.js';
import { GEMM_WASM_BASE64 } from '../../../src/math/wasm/gemmWasmBytes.js';
import { gemmWat } from '../../../src/math/wasm/gemmWat.js';
import { TRAIN_WASM_BASE64 } from '../../../src/math/wasm/trainWasmBytes.js';
import { trainWat } from '../../../src/math/wasm/trainWat.js';

function rand(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.next() - 0.5);
}

describe('C = A . B^T kernels', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [4, 4, 4],
    [7, 5, 13],
    [33, 18, 64],
    [64, 130, 31],
  ];
  const wasm = createWasmGemm();

  it('WebAssembly SIMD is available in Node 20', () => {
    expect(wasm).not.toBeNull();
    expect(selectGemm().name).toBe('wasm-simd');
  });

  for (const [m, n, k] of shapes) {
    it(`tiled JS and WASM SIMD match the naive product at ${m}x${n}x${k}`, () => {
      const a = rand(m * k, 1);
      const b = rand(n * k, 2);
      const ref = gemmNTNaive(a, b, m, n, k, new Float32Array(m * n));
      const js = gemmNTJs(a, b, m, n, k, new Float32Array(m * n));
      const w = wasm!(a, b, m, n, k, new Float32Array(m * n));
      for (let i = 0; i < m * n; i++) {
        expect(js[i]).toBeCloseTo(ref[i]!, 5);
        expect(w[i]).toBeCloseTo(ref[i]!, 5);
      }
    });
  }

  it('grows WebAssembly memory for large operands', () => {
    const [m, n, k] = [300, 600, 256];
    const a = rand(m * k, 3);
    const b = rand(n * k, 4);
    const c = wasm!(a, b, m, n, k, new Float32Array(m * n));
    expect(c[m * n - 1]).toBeCloseTo(
      gemmNTNaive(a.subarray((m - 1) * k), b.subarray((n - 1) * k), 1, 1, k, new Float32Array(1))[0]!,
      4,
    );
  });

  it('the shipped WebAssembly bytes are the compiled gemmWat.ts', async () => {
    const bytes = await compileWat('gemm.wat', gemmWat());
    expect(Buffer.from(bytes).toString('base64')).toBe(GEMM_WASM_BASE64);
    const train = await compileWat('train.wat', trainWat());
    expect(Buffer.from(train).toString('base64')).toBe(TRAIN_WASM_BASE64);
  });

  it('transpose', () => {
    expect(Array.from(transpose(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3, new Float32Array(6)))).toEqual([
      1, 4, 2, 5, 3, 6,
    ]);
  });
});
