import { GeckoError } from '../errors/GeckoError.js';

/**
 * A model or tokenizer file is missing, malformed or inconsistent (a safetensors header that lies about its
 * sizes, a table whose row count does not match the vocabulary, a repository that cannot be downloaded).
 * `source` names the file or repository at fault.
 */
export class ModelError extends GeckoError {
  override name = 'ModelError';
  readonly source: string;

  constructor(source: string, problem: string, options: { cause?: unknown } = {}) {
    super(`${source}: ${problem}`, { code: 'MODEL', ...options });
    this.source = source;
  }
}

export function isModelError(e: unknown): e is ModelError {
  return e instanceof ModelError;
}
