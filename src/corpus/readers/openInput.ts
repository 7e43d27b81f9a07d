import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../errors/InputError.js';

/** True when the path names a gzip file (`.gz`), whose inner extension gives the format. */
export function isGzip(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
}

/** Counts the bytes read from disk (compressed bytes for `.gz`), so progress can estimate an ETA. */
export interface ByteCounter {
  bytes: number;
}

/**
 * Opens a file as a byte stream, transparently gunzipping `.gz`. Streams in 1 MiB chunks: nothing is read
 * whole into memory, so multi-GB inputs are fine.
 */
export function openByteStream(path: string, counter?: ByteCounter): AsyncIterable<Uint8Array> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (counter) {
    raw.on('data', (chunk) => {
      counter.bytes += chunk.length;
    });
  }
  if (!isGzip(path)) return raw;
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (e) => gunzip.destroy(e));
  raw.pipe(gunzip);
  return wrapGzipErrors(gunzip, path);
}

async function* wrapGzipErrors(stream: AsyncIterable<Uint8Array>, path: string): AsyncGenerator<Uint8Array> {
  try {
    yield* stream;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code?.startsWith('Z_')) {
      throw new InputError({ file: path }, `not a valid gzip file (${err.message})`, { cause: e });
    }
    throw e;
  }
}
