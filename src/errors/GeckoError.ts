/**
 * Root of gecko's error hierarchy. Every error the library throws on purpose is a `GeckoError` with a stable
 * string `code`, so callers (the CLI, the HTTP server) can map it to an exit code or a status without
 * parsing messages.
 *
 * @example
 * try { await corpus.add('data.jsonl'); } catch (e) { if (isGeckoError(e)) console.error(e.code, e.message); }
 */
export class GeckoError extends Error {
  override name = 'GeckoError';
  readonly code: string;

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'GECKO_ERROR';
  }
}

/** True when `e` is any error of gecko's hierarchy. */
export function isGeckoError(e: unknown): e is GeckoError {
  return e instanceof GeckoError;
}
