import { statSync } from 'node:fs';
import { UsageError } from '../../errors/UsageError.js';
import type { InputFormat } from './types.js';

/**
 * Picks the input format from the path: a folder is a text folder; otherwise the extension, looking through
 * a trailing `.gz`. `override` (from `--format`) wins.
 *
 * @throws UsageError when the path does not exist or the extension is unknown.
 */
export function detectFormat(path: string, override?: InputFormat): InputFormat {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`No such file or folder: ${path}`);
  }
  if (st.isDirectory()) return 'text-folder';
  if (override) return override;
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (/\.(jsonl|ndjson|json)$/.test(name)) return 'jsonl';
  if (name.endsWith('.csv')) return 'csv';
  if (/\.(tsv|tab)$/.test(name)) return 'tsv';
  if (name.endsWith('.parquet')) return 'parquet';
  throw new UsageError(
    `Cannot tell the format of ${path} from its extension; expected .jsonl, .csv, .tsv, .parquet (optionally .gz) or a folder of .txt/.md files, or pass --format.`,
  );
}
