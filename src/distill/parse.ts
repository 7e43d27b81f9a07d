import { UsageError } from '../errors/UsageError.js';
import { SOURCE_KINDS, type SourceKind, type SourceSpec } from '../train/data/types.js';

/**
 * Parses a mixture source `[KIND:]PATH[@WEIGHT]` (the syntax of `gecko train --data` and of `train.extra`);
 * `name` is the option named in the error.
 */
export function parseSourceSpec(spec: string, name = 'train.extra'): SourceSpec {
  let rest = spec;
  let kind: SourceKind | undefined;
  const m = /^([a-z-]+):(.+)$/.exec(rest);
  if (m && SOURCE_KINDS.includes(m[1] as SourceKind)) {
    kind = m[1] as SourceKind;
    rest = m[2] as string;
  }
  let weight: number | undefined;
  const w = /^(.+)@([0-9]*\.?[0-9]+)$/.exec(rest);
  if (w) {
    rest = w[1] as string;
    weight = Number(w[2]);
  }
  if (!rest) throw new UsageError(`${name} needs a path, got "${spec}"`);
  return { path: rest, ...(kind ? { kind } : {}), ...(weight !== undefined ? { weight } : {}) };
}
