import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { invalidUtf8Error } from '../../util/utf8Lines.js';
import type { RawRecord } from './types.js';

const TEXT_EXTENSIONS = ['.txt', '.md', '.markdown'];

/**
 * Reads a folder (recursively) of `.txt` / `.md` files, one document per file, in a stable (sorted) order.
 * The id is the path relative to the folder with `/` separators; a Markdown file's first `# heading` becomes
 * its title. Each file is read whole: text files are documents, normally kilobytes, and chunking applies after.
 */
export async function* readTextFolder(folder: string): AsyncGenerator<RawRecord> {
  const files = await listTextFiles(folder);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const path of files) {
    const bytes = await readFile(path);
    let content: string;
    try {
      content = decoder.decode(bytes);
    } catch {
      throw invalidUtf8Error(path, bytes, 1);
    }
    if (content.charCodeAt(0) === 0xfeff) content = content.slice(1);
    const id = relative(folder, path).split(sep).join('/');
    const { title, body } = path.endsWith('.txt')
      ? { title: null, body: content }
      : splitMarkdownTitle(content);
    yield { file: path, line: 1, id, title, text: body.trim() };
  }
}

async function listTextFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && TEXT_EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x)))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

/** Takes a leading `# Title` line (after optional blank lines) as the title. */
export function splitMarkdownTitle(content: string): { title: string | null; body: string } {
  const m = /^\s*#\s+(.+?)\s*#*\s*(?:\r?\n|$)/.exec(content);
  if (!m) return { title: null, body: content };
  return { title: (m[1] as string).trim(), body: content.slice(m[0].length) };
}
