import { gemmNTJs } from './gemmJs.js';
import { createWasmGemm, type GemmNT } from './gemmWasm.js';

/** Which implementation runs the dense similarity products. */
export type KernelName = 'wasm-simd' | 'js-tiled';

let cached: { name: KernelName; gemmNT: GemmNT } | null = null;

/**
 * The fastest available C = A . B^T. `bench/train.bench.ts` measures both here: the WebAssembly SIMD kernel
 * runs about 3x the tiled JS one on the training shapes, so it is the default; JS is the fallback where
 * WebAssembly SIMD is missing. `prefer` forces one (for benchmarks and equivalence tests).
 *
 * @example
 * const { gemmNT } = selectGemm(); gemmNT(q, p, b, b, d, sims);
 */
export function selectGemm(prefer?: KernelName): { name: KernelName; gemmNT: GemmNT } {
  if (prefer === 'js-tiled') return { name: 'js-tiled', gemmNT: gemmNTJs };
  if (prefer === 'wasm-simd') {
    const w = createWasmGemm();
    if (!w) throw new Error('WebAssembly SIMD is not available in this runtime');
    return { name: 'wasm-simd', gemmNT: w };
  }
  if (!cached) {
    const w = createWasmGemm();
    cached = w ? { name: 'wasm-simd', gemmNT: w } : { name: 'js-tiled', gemmNT: gemmNTJs };
  }
  return cached;
}
