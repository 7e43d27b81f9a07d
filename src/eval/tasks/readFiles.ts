import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../errors/InputError.js';
import { type JsonlLine, readJsonlLines } from '../../util/jsonl.js';

/** The path of `base` as `.jsonl` or `.jsonl.gz` (the forms mteb's Hugging Face datasets use), or null. */
export function findJsonl(base: string): string | null {
  for (const p of [`${base}.jsonl`, `${base}.jsonl.gz`, `${base}.json`]) if (existsSync(p)) return p;
  return null;
}

/** Lines of a text file, gunzipped when it ends in `.gz` (for the TSV qrels). */
async function* lines(path: string): AsyncGenerator<string> {
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) yield line;
}

/**
 * All records of a JSON Lines file (optionally gzipped) through the one reader (`util/jsonl.ts`).
 * @throws InputError `file:line` for a line that is not a JSON object.
 */
export async function readJsonl(path: string): Promise<JsonlLine[]> {
  const out: JsonlLine[] = [];
  for await (const r of readJsonlLines(path)) out.push(r);
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
export function str(r: JsonlLine, file: string, ...names: string[]): string {
  for (const name of names) {
    const v = r.value[name];
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
  }
  throw new InputError(
    { file, line: r.line, field: names[0] },
    `expected a string field "${names.join('" or "')}"`,
  );
}

export function num(r: JsonlLine, file: string, ...names: string[]): number {
  for (const name of names) {
    const v = r.value[name];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  throw new InputError(
    { file, line: r.line, field: names[0] },
    `expected a number field "${names.join('" or "')}"`,
  );
}

export function arr(r: JsonlLine, file: string, ...names: string[]): unknown[] {
  for (const name of names) {
    const v = r.value[name];
    if (Array.isArray(v)) return v;
  }
  throw new InputError(
    { file, line: r.line, field: names[0] },
    `expected an array field "${names.join('" or "')}"`,
  );
}
