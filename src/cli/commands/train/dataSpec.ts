import { parseSourceSpec } from '../../../distill/parse.js';
import { UsageError } from '../../../errors/UsageError.js';
import type { SourceSpec } from '../../../train/data/types.js';

/**
 * Parses `--data [KIND:]PATH[@WEIGHT]`, e.g. `scored-pairs:sts-train.jsonl@2`; the kind is detected from
 * the file when omitted.
 */
export function parseDataSpec(spec: string): SourceSpec {
  return parseSourceSpec(spec, '--data');
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
