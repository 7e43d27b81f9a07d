import { UsageError } from '../../../errors/UsageError.js';
import { SOURCE_KINDS, type SourceKind, type SourceSpec } from '../../../train/data/types.js';

/**
 * Parses `--data [KIND:]PATH[@WEIGHT]`, e.g. `scored-pairs:sts-train.jsonl@2`; the kind is detected from
 * the file when omitted.
 */
export function parseDataSpec(spec: string): SourceSpec {
  let rest = spec;
  let kind: SourceKind | undefined;
  const m = /^([a-z-]+):(.+)$/.exec(rest);
  if (m && SOURCE_KINDS.includes(m[1] as SourceKind)) {
    kind = m[1] as SourceKind;
    rest = m[2]!;
  }
  let weight: number | undefined;
  const w = /^(.+)@([0-9]*\.?[0-9]+)$/.exec(rest);
  if (w) {
    rest = w[1]!;
    weight = Number(w[2]);
  }
  if (weight !== undefined && !(weight >= 0)) throw new UsageError(`--data weight must be >= 0 in "${spec}"`);
  if (!rest) throw new UsageError(`--data needs a path, got "${spec}"`);
  return { path: rest, ...(kind ? { kind } : {}), ...(weight !== undefined ? { weight } : {}) };
}

/** Parses a comma-separated list of positive integers (Matryoshka dimensions). */
export function parseIntList(name: string, value: string): number[] {
  const out = value.split(',').map((s) => Number(s.trim()));
  if (out.length === 0 || out.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new UsageError(`${name} must be a comma-separated list of positive integers, got "${value}"`);
  }
  return out;
}

/** Parses a comma-separated list of non-negative numbers (Matryoshka weights). */
export function parseNumberList(name: string, value: string): number[] {
  const out = value.split(',').map((s) => Number(s.trim()));
  if (out.some((n) => !(n >= 0)))
    throw new UsageError(`${name} must be comma-separated non-negative numbers, got "${value}"`);
  return out;
}

/** Parses a positive number option. */
export function parsePositiveNumber(name: string, value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n))
    throw new UsageError(`${name} must be a positive number, got "${value}"`);
  return n;
}
