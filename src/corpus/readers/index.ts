import { readDelimited } from './delimited.js';
import { readJsonl } from './jsonl.js';
import { type ByteCounter, openByteStream } from './openInput.js';
import { readParquet } from './parquet.js';
import { readTextFolder } from './textFolder.js';
import type { ColumnNames, InputFormat, RawRecord } from './types.js';

export { detectFormat } from './detectFormat.js';
export type { ByteCounter } from './openInput.js';
export type { ColumnNames, InputFormat, RawRecord } from './types.js';

/** Streams the raw records of one input (file or folder) in its format. */
export function readRecords(
  path: string,
  format: InputFormat,
  columns: ColumnNames = {},
  counter?: ByteCounter,
): AsyncGenerator<RawRecord> {
  switch (format) {
    case 'jsonl':
      return readJsonl(openByteStream(path, counter), path, columns);
    case 'csv':
      return readDelimited(openByteStream(path, counter), path, ',', columns);
    case 'tsv':
      return readDelimited(openByteStream(path, counter), path, '\t', columns);
    case 'parquet':
      return readParquet(path, columns);
    case 'text-folder':
      return readTextFolder(path);
  }
}
