import { readFile } from 'node:fs/promises';

/**
 * A file's bytes as a Uint8Array over the buffer `readFile` allocated (no second copy: for a 30k x 256 table
 * that copy was most of the load time). Large reads get their own ArrayBuffer, so float32 views on it are safe.
 */
export async function readBytes(path: string): Promise<Uint8Array> {
  const b = await readFile(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
