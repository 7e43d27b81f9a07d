import { readFileSync } from 'node:fs';
import { InputError } from '../../errors/InputError.js';

/** A parsed JSONL record with its 1-based line number (for error messages). */
export interface JsonlRecord {
  line: number;
  value: Record<string, unknown>;
}

/**
 * Reads a JSONL file (blank lines skipped).
 * @throws {InputError} naming file:line when a line is not a JSON object.
 */
export function readJsonl(path: string): JsonlRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError({ file: path }, `cannot read: ${(e as Error).message}`, { cause: e });
  }
  const out: JsonlRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch (e) {
      throw new InputError({ file: path, line: i + 1 }, `not valid JSON (${(e as Error).message})`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new InputError({ file: path, line: i + 1 }, 'expected a JSON object');
    }
    out.push({ line: i + 1, value: v as Record<string, unknown> });
  }
  return out;
}

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
