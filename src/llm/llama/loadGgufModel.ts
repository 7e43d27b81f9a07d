/**
 * How gecko loads a GGUF file, the one way the LLM provider and the GGUF embedder (`eval/embedders/`) both
 * use: resolve the reference (downloading `hf:` ones once), load it on the CPU, then create the caller's
 * context without leaking the model when that fails.
 */
import { availableParallelism } from 'node:os';
import type { Llama, LlamaModel } from 'node-llama-cpp';
import { LlmError } from '../errors/LlmError.js';
import { loadNodeLlamaCpp, type NodeLlamaCpp } from './loadNodeLlamaCpp.js';
import { type ResolveModelFileOptions, resolveModelFile } from './resolveModelFile.js';

/** A GGUF model loaded by node-llama-cpp, with the module and runtime it was loaded through. */
export interface LoadedGguf {
  lib: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  /** The model's local file (the download, for an `hf:` reference). */
  path: string;
}

/**
 * Resolves `ref` (a .gguf path or `hf:org/repo/file.gguf`) to a local file and loads it on the CPU, with
 * llama.cpp's own log reduced to errors.
 * @throws LlmError `LLM_DEPENDENCY` (node-llama-cpp missing), `LLM_MODEL` (file missing or unloadable),
 * `LLM_DOWNLOAD` (download failed / offline).
 * @example
 * const { model, path } = await loadGgufModel('./models/tiny.gguf');
 */
export async function loadGgufModel(ref: string, options: ResolveModelFileOptions = {}): Promise<LoadedGguf> {
  const path = await resolveModelFile(ref, options);
  const lib = await loadNodeLlamaCpp();
  try {
    const llama = await lib.getLlama({
      gpu: false,
      build: 'never',
      maxThreads: availableParallelism(),
      logLevel: lib.LlamaLogLevel.error,
    });
    const model = await llama.loadModel({ modelPath: path });
    return { lib, llama, model, path };
  } catch (e) {
    throw new LlmError(`Cannot load the GGUF model ${path}: ${(e as Error).message}`, {
      code: 'LLM_MODEL',
      cause: e,
    });
  }
}

/**
 * Creates a context (`what`, for the message: "a 4096-token context") on a loaded model; when that fails
 * the model is disposed, so a failed open holds no memory.
 * @throws LlmError `LLM_MODEL` naming the context and the file.
 * @example
 * const ctx = await createGgufContext(loaded, 'an embedding context', (m) => m.createEmbeddingContext());
 */
export async function createGgufContext<T>(
  loaded: Pick<LoadedGguf, 'model' | 'path'>,
  what: string,
  create: (model: LlamaModel) => Promise<T>,
): Promise<T> {
  try {
    return await create(loaded.model);
  } catch (e) {
    await loaded.model.dispose();
    throw new LlmError(`Cannot create ${what} for ${loaded.path}: ${(e as Error).message}`, {
      code: 'LLM_MODEL',
      cause: e,
    });
  }
}
