/**
 * Compiles WAT text to WebAssembly bytes with wabt (a dev dependency): used by `build.ts` to regenerate the
 * shipped bytes and by the unit test that checks they match the source. Not used at run time.
 */
export async function compileWat(name: string, wat: string): Promise<Uint8Array> {
  const { default: initWabt } = await import('wabt');
  const wabt = await initWabt();
  const mod = wabt.parseWat(name, wat, { simd: true });
  try {
    mod.validate();
    return new Uint8Array(mod.toBinary({ write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}
