/**
 * The only place that loads node-llama-cpp. It is imported dynamically so that the rest of gecko (and
 * users of the HTTP provider) work without its native binary; when it is missing the error says what to
 * install.
 */
import { LlmError } from '../errors/LlmError.js';

/** The node-llama-cpp module type. */
export type NodeLlamaCpp = typeof import('node-llama-cpp');

/** The version gecko is tested with (newer releases may break `npm ci`). */
export const NODE_LLAMA_CPP_VERSION = '3.21.1';

let loading: Promise<NodeLlamaCpp> | undefined;

/**
 * Imports node-llama-cpp once.
 * @throws LlmError (`LLM_DEPENDENCY`) when the package or its binary cannot be loaded.
 */
export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  loading ??= import('node-llama-cpp').catch((e: unknown) => {
    loading = undefined;
    throw new LlmError(
      `The local LLM provider needs node-llama-cpp, which could not be loaded (${(e as Error).message}). ` +
        `Install it with: npm i -E node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`,
      { code: 'LLM_DEPENDENCY', cause: e },
    );
  });
  return loading;
}
