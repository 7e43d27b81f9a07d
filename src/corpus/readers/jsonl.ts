import { InputError } from '../../errors/InputError.js';
import type { ColumnNames, RawRecord } from './types.js';
import { utf8Lines } from './utf8Lines.js';

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
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      yield bad(new InputError({ file, line: lineNo }, `malformed JSON (${(e as Error).message})`));
      continue;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      yield bad(
        new InputError(
          { file, line: lineNo },
          'expected a JSON object like {"_id": ..., "title": ..., "text": ...}',
        ),
      );
      continue;
    }
    const o = obj as Record<string, unknown>;
    yield {
      file,
      line: lineNo,
      id: idKey !== undefined ? o[idKey] : (o._id ?? o.id),
      title: o[titleKey],
      text: o[textKey],
    };
  }
}
