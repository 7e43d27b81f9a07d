import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { InputError } from '../../errors/InputError.js';
import { isGzip, openByteStream } from './openInput.js';
import type { ColumnNames, RawRecord } from './types.js';

/**
 * Reads a Parquet file one row group at a time (hyparquet reads byte ranges on demand), so memory stays
 * bounded by the largest row group. Parquet needs random access, so a `.parquet.gz` is first gunzipped to a
 * temporary file. Row numbers (1-based) stand in for line numbers in errors.
 */
export async function* readParquet(path: string, columns: ColumnNames = {}): AsyncGenerator<RawRecord> {
  let local = path;
  if (isGzip(path)) {
    local = join(tmpdir(), `gecko-${randomBytes(6).toString('hex')}.parquet`);
    await pipeline(openByteStream(path), createWriteStream(local));
  }
  try {
    yield* readLocalParquet(local, path, columns);
  } finally {
    if (local !== path) await rm(local, { force: true });
  }
}

async function* readLocalParquet(
  local: string,
  file: string,
  columns: ColumnNames,
): AsyncGenerator<RawRecord> {
  const buffer = await asyncBufferFromFile(local);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    throw new InputError({ file }, `not a readable Parquet file (${(e as Error).message})`, { cause: e });
  }
  const names = metadata.schema.slice(1).map((s) => s.name);
  const idCol = columns.id ?? (names.includes('_id') && !names.includes('id') ? '_id' : 'id');
  const titleCol = columns.title ?? 'title';
  const textCol = columns.text ?? 'text';
  for (const [what, col] of [
    ['id', idCol],
    ['text', textCol],
  ] as const) {
    if (!names.includes(col)) {
      throw new InputError(
        { file },
        `no ${what} column "${col}" (columns: ${names.join(', ')}); name it with --${what}-column`,
      );
    }
  }
  const wanted = [idCol, textCol, ...(names.includes(titleCol) ? [titleCol] : [])];
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file: buffer, metadata, columns: wanted, rowStart, rowEnd });
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as Record<string, unknown>;
      yield { file, line: rowStart + i + 1, id: r[idCol], title: r[titleCol], text: r[textCol] };
    }
    rowStart = rowEnd;
  }
}
