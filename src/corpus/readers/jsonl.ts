import type { InputError } from '../../errors/InputError.js';
import { parseJsonlLine } from '../../util/jsonl.js';
import { utf8Lines } from '../../util/utf8Lines.js';
import type { ColumnNames, RawRecord } from './types.js';

/** The wording `gecko corpus add` has always reported, with the BEIR layout as the hint. */
const CORPUS_MESSAGES = {
  invalid: 'malformed JSON',
  notObject: 'expected a JSON object like {"_id": ..., "title": ..., "text": ...}',
};

/**
 * Reads JSON Lines: one object per line with `_id` or `id`, optional `title`, and `text` (the BEIR
 * `corpus.jsonl` layout). Blank lines are allowed. A line that is not a JSON object is an {@link InputError}.
 */
export async function* readJsonl(
  bytes: AsyncIterable<Uint8Array>,
  file: string,
  columns: ColumnNames = {},
): AsyncGenerator<RawRecord> {
  const idKey = columns.id;
  const titleKey = columns.title ?? 'title';
  const textKey = columns.text ?? 'text';
  for await (const decoded of utf8Lines(bytes, file)) {
    const lineNo = decoded.lineNo;
    const bad = (error: InputError): RawRecord => ({
      file,
      line: lineNo,
      id: undefined,
      title: undefined,
      text: undefined,
      error,
    });
    if (decoded.line === null) {
      yield bad(decoded.error);
      continue;
    }
    const line = decoded.line;
    if (line.trim() === '') continue;
    let o: Record<string, unknown>;
    try {
      o = parseJsonlLine(line, file, lineNo, CORPUS_MESSAGES);
    } catch (e) {
      yield bad(e as InputError); // reported with its line; ingest goes on with the next record
      continue;
    }
    yield {
      file,
      line: lineNo,
      id: idKey !== undefined ? o[idKey] : (o._id ?? o.id),
      title: o[titleKey],
      text: o[textKey],
    };
  }
}
