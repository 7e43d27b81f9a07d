import { GEMM_WASM_BASE64 } from './wasm/gemmWasmBytes.js';
import { instantiateWasm } from './wasm/instantiate.js';

/**
 * C = A . B^T on the WebAssembly SIMD kernel (wasm/gemmWat.ts). Operands are copied into the module's linear
 * memory (cheap next to the M*N*K multiply-adds), K is zero-padded to a multiple of 4 for the 128-bit lanes.
 * Works in Node and browsers (no Node APIs); `createWasmGemm()` returns null where WebAssembly SIMD is
 * unavailable so callers fall back to the JS kernel.
 */
export type GemmNT = (
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  c: Float32Array,
) => Float32Array;

/**
 * Instantiates the SIMD kernel synchronously; null when WebAssembly or its SIMD proposal is missing.
 *
 * @example
 * const gemm = createWasmGemm() ?? gemmNTJs;
 */
export function createWasmGemm(): GemmNT | null {
  const instance = instantiateWasm(GEMM_WASM_BASE64);
  if (!instance) return null;
  const memory = instance.exports.memory as WebAssembly.Memory;
  const kernel = instance.exports.gemm_nt as (
    pa: number,
    pb: number,
    pc: number,
    m: number,
    n: number,
    k: number,
  ) => void;
  return (a, b, m, n, k, c) => {
    const kp = (k + 3) & ~3;
    const bytes = 4 * (m * kp + n * kp + m * n);
    if (memory.buffer.byteLength < bytes) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
    }
    const heap = new Float32Array(memory.buffer);
    const pa = 0;
    const pb = m * kp;
    const pc = pb + n * kp;
    if (kp === k) {
      heap.set(a.subarray(0, m * k), pa);
      heap.set(b.subarray(0, n * k), pb);
    } else {
      heap.fill(0, 0, pc);
      for (let i = 0; i < m; i++) heap.set(a.subarray(i * k, i * k + k), pa + i * kp);
      for (let j = 0; j < n; j++) heap.set(b.subarray(j * k, j * k + k), pb + j * kp);
    }
    kernel(pa * 4, pb * 4, pc * 4, m, n, kp);
    c.set(heap.subarray(pc, pc + m * n));
    return c;
  };
}
