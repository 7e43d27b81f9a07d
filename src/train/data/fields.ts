import { InputError } from '../../errors/InputError.js';
import type { JsonlLine } from '../../util/jsonl.js';

/** A training record: a JSONL line read by `readJsonlSync` (`util/jsonl.ts`). */
export type JsonlRecord = JsonlLine;

/** A required non-empty string field, or an InputError naming file:line and field. */
export function str(file: string, rec: JsonlRecord, field: string): string {
  const v = rec.value[field];
  if (typeof v !== 'string' || v.trim() === '') {
    throw new InputError(
      { file, line: rec.line, field },
      `expected a non-empty string, got ${JSON.stringify(v) ?? 'nothing'}`,
    );
  }
  return v;
}

/** An optional string field (null/absent -> null). */
export function optStr(file: string, rec: JsonlRecord, field: string): string | null {
  const v = rec.value[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string')
    throw new InputError(
      { file, line: rec.line, field },
      `expected a string or null, got ${JSON.stringify(v)}`,
    );
  return v;
}
