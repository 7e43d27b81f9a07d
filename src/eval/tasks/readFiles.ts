import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../errors/InputError.js';

/** The path of `base` as `.jsonl` or `.jsonl.gz` (the forms mteb's Hugging Face datasets use), or null. */
export function findJsonl(base: string): string | null {
  for (const p of [`${base}.jsonl`, `${base}.jsonl.gz`, `${base}.json`]) if (existsSync(p)) return p;
  return null;
}

/** Lines of a text file, gunzipped when it ends in `.gz`. */
async function* lines(path: string): AsyncGenerator<string> {
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) yield line;
}

/**
 * Reads JSON Lines (optionally gzipped), one object per non-empty line, with its 1-based line number.
 * @throws InputError `file:line` for a line that is not a JSON object.
 */
export async function readJsonl(path: string): Promise<{ line: number; row: Record<string, unknown> }[]> {
  const out: { line: number; row: Record<string, unknown> }[] = [];
  let n = 0;
  for await (const text of lines(path)) {
    n++;
    if (text.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (e) {
      throw new InputError({ file: path, line: n }, `not valid JSON (${(e as Error).message})`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row))
      throw new InputError({ file: path, line: n }, 'expected a JSON object per line');
    out.push({ line: n, row: row as Record<string, unknown> });
  }
  return out;
}

/**
 * Reads a BEIR/mteb qrels TSV (`query-id  corpus-id  score`, header optional). Duplicates keep the last value,
 * as mteb's loader does.
 * @throws InputError `file:line` for a row without three fields or with a non-integer score.
 */
export async function readQrels(path: string): Promise<Record<string, Record<string, number>>> {
  const qrels: Record<string, Record<string, number>> = {};
  let n = 0;
  for await (const text of lines(path)) {
    n++;
    if (text.trim() === '') continue;
    const cols = text.split('\t');
    if (n === 1 && cols[0] === 'query-id') continue;
    if (cols.length < 3)
      throw new InputError(
        { file: path, line: n },
        `expected 3 tab-separated fields (query-id, corpus-id, score), got ${cols.length}`,
      );
    const score = Number(cols[2]);
    if (!Number.isInteger(score))
      throw new InputError({ file: path, line: n, field: 'score' }, `expected an integer, got "${cols[2]}"`);
    const q = (cols[0] as string).trim();
    const judged = qrels[q] ?? {};
    judged[(cols[1] as string).trim()] = score;
    qrels[q] = judged;
  }
  return qrels;
}

/** Field accessors that name `file:line (field)` on failure. */
export function str(
  r: { line: number; row: Record<string, unknown> },
  file: string,
  ...names: string[]
): string {
  for (const name of names) {
    const v = r.row[name];
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
  }
  throw new InputError(
    { file, line: r.line, field: names[0] },
    `expected a string field "${names.join('" or "')}"`,
  );
}

export function num(
  r: { line: number; row: Record<string, unknown> },
  file: string,
  ...names: string[]
): number {
  for (const name of names) {
    const v = r.row[name];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  throw new InputError(
    { file, line: r.line, field: names[0] },
    `expected a number field "${names.join('" or "')}"`,
  );
}

export function arr(
  r: { line: number; row: Record<string, unknown> },
  file: string,
  ...names: string[]
): unknown[] {
  for (const name of names) {
    const v = r.row[name];
    if (Array.isArray(v)) return v;
  }
  throw new InputError(
    { file, line: r.line, field: names[0] },
    `expected an array field "${names.join('" or "')}"`,
  );
}
