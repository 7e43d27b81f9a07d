import { type Parser, parse } from 'csv-parse';
import { InputError } from '../../errors/InputError.js';
import { clip } from '../../util/clip.js';
import { invalidUtf8Error } from '../../util/utf8Lines.js';
import type { ColumnNames, RawRecord } from './types.js';

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
  const kind = delimiter === ',' ? 'CSV' : 'TSV';
  // Rows come as arrays and the header is matched here: a row with the wrong number of fields is then one
  // bad record (rejected with --skip-invalid, or an error naming its line), not a parser failure.
  const parser = parse({
    delimiter,
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // TSV files rarely quote; a stray quote character must not swallow the rest of the file.
    quote: delimiter === '\t' ? false : '"',
  });
  const feed = feedParser(parser, strictUtf8(bytes, file));
  let header: string[] | undefined;
  let at = { id: -1, title: -1, text: -1 };
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = item;
      if (!header) {
        header = record;
        at = { id: header.indexOf(idCol), title: header.indexOf(titleCol), text: header.indexOf(textCol) };
        for (const what of ['id', 'text'] as const) {
          if (at[what] < 0) {
            throw new InputError(
              { file, line: 1 },
              `header has no ${what} column "${what === 'id' ? idCol : textCol}" (columns: ${clip(header.join(', '))}); name it with --${what}-column`,
            );
          }
        }
        continue;
      }
      if (record.length !== header.length) {
        yield {
          file,
          line: info.lines,
          id: undefined,
          title: undefined,
          text: undefined,
          error: new InputError(
            { file, line: info.lines },
            `malformed ${kind}: the row has ${record.length} fields, the header has ${header.length}`,
          ),
        };
        continue;
      }
      yield {
        file,
        line: info.lines,
        id: record[at.id],
        title: at.title >= 0 ? record[at.title] : undefined,
        text: record[at.text],
      };
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as Error & { code?: string; lines?: number };
    if (err.code?.startsWith('CSV_')) {
      throw new InputError({ file, line: err.lines }, `malformed ${kind}: ${err.message}`);
    }
    throw e;
  } finally {
    // Stop the feeder when the reader stops early (an error, or a consumer that breaks off), so that
    // awaiting it cannot hang on a 'drain' that a destroyed parser never emits.
    parser.destroy();
    await feed;
  }
}

/** Writes the decoded text into the parser, honouring back-pressure, until the text ends or the parser is destroyed. */
async function feedParser(parser: Parser, text: AsyncIterable<string>): Promise<void> {
  try {
    for await (const chunk of text) {
      if (parser.destroyed) return;
      if (!parser.write(chunk)) await drainOrClose(parser);
    }
    if (!parser.destroyed) parser.end();
  } catch (e) {
    parser.destroy(e as Error);
  }
}

function drainOrClose(parser: Parser): Promise<void> {
  if (parser.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      parser.off('drain', done);
      parser.off('close', done);
      resolve();
    };
    parser.once('drain', done);
    parser.once('close', done);
  });
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
