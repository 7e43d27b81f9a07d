import { existsSync, statSync } from 'node:fs';
import type { Corpus } from '../corpus/Corpus.js';
import { sha256 } from '../util/hash.js';
import { hashFile, hashPaths } from './stages.js';

/** A fingerprint of every passage (id, title, text), so a stage downstream of ingest sees any change. */
export async function corpusFingerprint(corpus: Corpus): Promise<string> {
  const parts: string[] = [];
  for await (const x of corpus) parts.push(sha256(`${x.id}\0${x.title ?? ''}\0${x.text}`));
  return sha256(parts.join(''));
}

/**
 * {@link fileOrDirHash} remembering each path's hash: for the files a configuration names, which the plan
 * and the stages' runs both hash and no stage writes.
 */
export function onceFileHasher(): (path: string) => Promise<string> {
  const seen = new Map<string, Promise<string>>();
  return (path) => {
    const h = seen.get(path) ?? fileOrDirHash(path);
    seen.set(path, h);
    return h;
  };
}

export async function fileOrDirHash(path: string): Promise<string> {
  if (!existsSync(path)) return 'missing';
  return statSync(path).isDirectory() ? hashPaths([path]) : hashFile(path);
}
