/**
 * Instantiates a shipped WebAssembly module (its bytes in base64, see build.ts) synchronously, without
 * imports. Null where WebAssembly, or a feature the module uses (SIMD), is missing, so callers fall back to JS.
 * Works in Node and browsers (no Node APIs).
 *
 * @example
 * const instance = instantiateWasm(GEMM_WASM_BASE64);
 */
export function instantiateWasm(base64: string): WebAssembly.Instance | null {
  if (typeof WebAssembly === 'undefined') return null;
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(base64)), {});
  } catch {
    return null;
  }
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
