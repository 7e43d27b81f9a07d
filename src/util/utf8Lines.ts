import { InputError } from '../errors/InputError.js';

/** A decoded line, or the error that made it undecodable (so a caller may skip it and go on). */
export type DecodedLine =
  | { line: string; lineNo: number; error?: undefined }
  | { line: null; lineNo: number; error: InputError };

/**
 * Splits a byte stream into lines of strictly valid UTF-8, with 1-based line numbers. Decoding is strict so
 * that undecodable bytes are reported with their line instead of silently becoming U+FFFD.
 *
 * Why not `readline`: it decodes leniently and cannot say which line held a bad byte.
 */
export async function* utf8Lines(
  stream: AsyncIterable<Uint8Array>,
  file: string,
): AsyncGenerator<DecodedLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry: Uint8Array | null = null;
  let lineNo = 0;
  for await (const chunk of stream) {
    const buf: Uint8Array = carry ? concat(carry, chunk) : chunk;
    let start = 0;
    let nl = buf.indexOf(10, start);
    while (nl !== -1) {
      lineNo++;
      yield decodeLine(decoder, buf, start, nl, file, lineNo);
      start = nl + 1;
      nl = buf.indexOf(10, start);
    }
    carry = start < buf.length ? buf.subarray(start) : null;
    // Copy the tail so the (possibly large) chunk it points into can be freed.
    if (carry) carry = carry.slice();
  }
  if (carry && carry.length > 0) {
    lineNo++;
    yield decodeLine(decoder, carry, 0, carry.length, file, lineNo);
  }
}

function decodeLine(
  decoder: TextDecoder,
  buf: Uint8Array,
  start: number,
  end: number,
  file: string,
  lineNo: number,
): DecodedLine {
  let e = end;
  if (e > start && buf[e - 1] === 13) e--; // CRLF
  if (
    lineNo === 1 &&
    e - start >= 3 &&
    buf[start] === 0xef &&
    buf[start + 1] === 0xbb &&
    buf[start + 2] === 0xbf
  ) {
    start += 3; // UTF-8 byte-order mark
  }
  try {
    return { line: decoder.decode(buf.subarray(start, e)), lineNo };
  } catch {
    const col = firstInvalidUtf8(buf.subarray(start, e));
    const error = new InputError(
      { file, line: lineNo },
      `invalid UTF-8 byte sequence at byte ${col + 1} of the line; the file must be UTF-8 encoded`,
    );
    return { line: null, lineNo, error };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * The error for `bytes` that are not UTF-8, naming the line of the first bad byte; `firstLine` is the line
 * `bytes[0]` is on. For readers that decode whole chunks or files rather than lines.
 */
export function invalidUtf8Error(file: string, bytes: Uint8Array, firstLine: number): InputError {
  const bad = firstInvalidUtf8(bytes);
  let line = firstLine;
  for (let i = 0; i < bad; i++) if (bytes[i] === 10) line++;
  return new InputError({ file, line }, 'invalid UTF-8 byte sequence; the file must be UTF-8 encoded');
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (or `bytes.length` if all valid). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const len = bytes.length;
  let i = 0;
  while (i < len) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= len) return i;
    for (let k = 1; k <= n; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    const c1 = bytes[i + 1] as number;
    // Overlong encodings, UTF-16 surrogates and code points above U+10FFFF.
    if ((b === 0xe0 && c1 < 0xa0) || (b === 0xed && c1 > 0x9f)) return i;
    if ((b === 0xf0 && c1 < 0x90) || (b === 0xf4 && c1 > 0x8f)) return i;
    i += n + 1;
  }
  return len;
}
