import { GeckoError } from './GeckoError.js';

/** Where a bad record sits: a file and a 1-based line (or row) number, and optionally the field at fault. */
export interface InputLocation {
  file: string;
  line?: number;
  field?: string;
}

/**
 * A record in a user's input file is malformed. The message always starts with `file:line` so editors and
 * terminals can jump to it, then names the field and what was expected.
 */
export class InputError extends GeckoError {
  override name = 'InputError';
  readonly location: InputLocation;
  readonly problem: string;

  constructor(location: InputLocation, problem: string, options: { cause?: unknown } = {}) {
    super(`${formatLocation(location)}: ${problem}`, { code: 'INPUT', ...options });
    this.location = location;
    this.problem = problem;
  }
}

export function formatLocation(loc: InputLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.field !== undefined) s += ` (field "${loc.field}")`;
  return s;
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
