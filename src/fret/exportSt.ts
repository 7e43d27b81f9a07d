import { InputError } from '../errors/InputError.js';
import { formatDocument, formatQuery } from '../model/unifiedFormat.js';
import { readJsonlLines } from '../util/jsonl.js';
import { writeJsonl } from './dataset.js';
import type { FretExample } from './mine.js';

/** One sentence-transformers training row in Gecko's unified format. */
export interface StTriplet {
  anchor: string;
  positive: string;
  negative?: string;
}

/** Options of {@link exportSentenceTransformers}. */
export interface StExportOptions {
  /**
   * Rows whose example has no hard negative: `keep` writes them without a `negative` field; `skip` leaves
   * them out, so that every row has the same three columns (what `datasets` needs for one table). @default 'keep'
   */
  missingNegative?: 'keep' | 'skip';
}

/**
 * Converts a FRet dataset (`fret.jsonl`) into sentence-transformers `{anchor, positive, negative}` JSONL in
 * Gecko's unified format: the anchor is `task: {task} | query: {query}`, passages are
 * `title: {title or none} | text: {text}` (paper appendix B).
 *
 * @throws InputError naming `file:line` for a line that is not a FRet example.
 * @example await exportSentenceTransformers('out/fret.jsonl', 'out/st.jsonl');
 */
export async function exportSentenceTransformers(
  datasetFile: string,
  outFile: string,
  options: StExportOptions = {},
): Promise<{ rows: number; skipped: number; withoutNegative: number }> {
  const rows: StTriplet[] = [];
  let skipped = 0;
  let withoutNegative = 0;
  for await (const { line, value: e } of readJsonlLines<FretExample>(datasetFile)) {
    if (typeof e.task !== 'string' || typeof e.query !== 'string' || typeof e.positive?.text !== 'string') {
      throw new InputError(
        { file: datasetFile, line },
        'expected a FRet example with task, query and positive.text',
      );
    }
    const row: StTriplet = {
      anchor: formatQuery(e.query, e.task),
      positive: formatDocument(e.positive.text, e.positive.title),
    };
    if (e.negative) row.negative = formatDocument(e.negative.text, e.negative.title);
    else {
      withoutNegative++;
      if (options.missingNegative === 'skip') {
        skipped++;
        continue;
      }
    }
    rows.push(row);
  }
  await writeJsonl(outFile, rows);
  return { rows: rows.length, skipped, withoutNegative };
}
