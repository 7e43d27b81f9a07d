import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createGunzip, gunzipSync } from 'node:zlib';
import { InputError } from '../errors/InputError.js';
import { invalidUtf8Error, utf8Lines } from './utf8Lines.js';

/** One non-blank JSONL line: its 1-based number (for `file:line` errors), its text and its parsed value. */
export interface JsonlLine<T = Record<string, unknown>> {
  line: number;
  text: string;
  value: T;
}

/** Wording for the two ways a line can be bad; readers whose messages users already know keep theirs. */
export interface JsonlMessages {
  /** @default 'not valid JSON' */
  invalid?: string;
  /** @default 'expected a JSON object on each line' */
  notObject?: string;
}

/**
 * Parses one JSONL line, which must hold a JSON object (every JSONL file gecko reads is one object a line,
 * so callers read fields without guarding against `null` or arrays).
 * @throws InputError naming `file:line` for text that is not JSON or not an object.
 */
export function parseJsonlLine<T = Record<string, unknown>>(
  text: string,
  file: string,
  line: number,
  messages: JsonlMessages = {},
): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(
      { file, line },
      `${messages.invalid ?? 'not valid JSON'} (${(e as Error).message})`,
      { cause: e },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InputError({ file, line }, messages.notObject ?? 'expected a JSON object on each line');
  return value as T;
}

/**
 * Reads a JSONL file one line at a time (bounded memory for large FRet datasets and corpora), gunzipped when
 * it ends in `.gz` (mteb's Hugging Face datasets ship `.jsonl.gz`), skipping blank lines. Lines are decoded
 * as strict UTF-8 so a bad byte is reported with its line instead of becoming U+FFFD.
 * @throws InputError for a missing file, and naming `file:line` for a line that is not UTF-8, not valid
 * JSON or not an object.
 * @example
 * for await (const { line, value } of readJsonlLines<{ text: string }>('corpus.jsonl')) use(value.text);
 */
export async function* readJsonlLines<T = Record<string, unknown>>(
  file: string,
): AsyncGenerator<JsonlLine<T>> {
  if (!existsSync(file)) throw new InputError({ file }, 'file not found');
  const raw = createReadStream(file);
  try {
    const bytes = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    for await (const decoded of utf8Lines(bytes, file)) {
      if (decoded.line === null) throw decoded.error;
      if (decoded.line.trim() === '') continue;
      yield {
        line: decoded.lineNo,
        text: decoded.line,
        value: parseJsonlLine<T>(decoded.line, file, decoded.lineNo),
      };
    }
  } finally {
    // A caller that stops early (or a bad line) must not leave the file open behind a gunzip pipe.
    raw.destroy();
  }
}

/** The values of {@link readJsonlLines}, for callers that need no line numbers. */
export async function* readJsonlValues<T = Record<string, unknown>>(file: string): AsyncGenerator<T> {
  for await (const { value } of readJsonlLines<T>(file)) yield value;
}

/**
 * How many records a JSONL file holds (each line validated as {@link readJsonlLines} does), counting no
 * further than `limit`.
 */
export async function countJsonlRecords(file: string, limit = Number.POSITIVE_INFINITY): Promise<number> {
  let n = 0;
  if (limit <= 0) return 0;
  for await (const _ of readJsonlLines<unknown>(file)) if (++n >= limit) break;
  return n;
}

/**
 * {@link readJsonlLines} for synchronous callers (training sources, dev sets): the whole file at once.
 * @throws InputError as {@link readJsonlLines} does.
 */
export function readJsonlSync<T = Record<string, unknown>>(file: string): JsonlLine<T>[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InputError({ file }, missing ? 'file not found' : `cannot read: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (file.endsWith('.gz')) bytes = gunzipSync(bytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidUtf8Error(file, bytes, 1);
  }
  const out: JsonlLine<T>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] as string).replace(/\r$/, '');
    if (l.trim() === '') continue;
    out.push({ line: i + 1, text: l, value: parseJsonlLine<T>(l, file, i + 1) });
  }
  return out;
}
