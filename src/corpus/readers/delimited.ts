import { parse } from 'csv-parse';
import { InputError } from '../../errors/InputError.js';
import type { ColumnNames, RawRecord } from './types.js';
import { invalidUtf8Error } from './utf8Lines.js';

/**
 * Reads CSV or TSV with a header row. Column names come from `columns` (defaults `id`, `title`, `text`);
 * a header that lacks the id or text column is an error naming the columns it has.
 */
export async function* readDelimited(
  bytes: AsyncIterable<Uint8Array>,
  file: string,
  delimiter: ',' | '\t',
  columns: ColumnNames = {},
): AsyncGenerator<RawRecord> {
  const idCol = columns.id ?? 'id';
  const titleCol = columns.title ?? 'title';
  const textCol = columns.text ?? 'text';
  const parser = parse({
    delimiter,
    columns: true,
    bom: true,
    info: true,
    relax_column_count: false,
    skip_empty_lines: true,
    // TSV files rarely quote; a stray quote character must not swallow the rest of the file.
    quote: delimiter === '\t' ? false : '"',
  });
  const feed = (async () => {
    try {
      for await (const chunk of strictUtf8(bytes, file)) {
        if (!parser.write(chunk)) await new Promise((r) => parser.once('drain', r));
      }
      parser.end();
    } catch (e) {
      parser.destroy(e as Error);
    }
  })();
  let checkedHeader = false;
  try {
    for await (const item of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const { record, info } = item;
      if (!checkedHeader) {
        checkedHeader = true;
        const have = Object.keys(record);
        for (const [what, col] of [
          ['id', idCol],
          ['text', textCol],
        ] as const) {
          if (!(col in record)) {
            throw new InputError(
              { file, line: 1 },
              `header has no ${what} column "${col}" (columns: ${have.join(', ')}); name it with --${what}-column`,
            );
          }
        }
      }
      yield { file, line: info.lines, id: record[idCol], title: record[titleCol], text: record[textCol] };
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as Error & { code?: string; lines?: number };
    if (err.code?.startsWith('CSV_')) {
      throw new InputError(
        { file, line: err.lines },
        `malformed ${delimiter === ',' ? 'CSV' : 'TSV'}: ${err.message}`,
      );
    }
    throw e;
  } finally {
    await feed;
  }
}

/** Decodes chunks as strict UTF-8, tracking lines so that a bad byte is reported as `file:line`. */
async function* strictUtf8(bytes: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let linesBefore = 0;
  for await (const chunk of bytes) {
    try {
      yield decoder.decode(chunk, { stream: true });
    } catch {
      throw invalidUtf8Error(file, chunk, linesBefore + 1);
    }
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) linesBefore++;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}
