import { readFileSync } from 'node:fs';
import type { Corpus } from '../corpus/Corpus.js';
import { InputError } from '../errors/InputError.js';
import { UsageError } from '../errors/UsageError.js';
import { DEFAULT_QUERY_TASK } from '../model/unifiedFormat.js';
import { sha256 } from '../util/hash.js';
import { readJsonlLines } from '../util/jsonl.js';
import { DEFAULT_GENERATE } from './generate.js';
import { FretStore } from './store.js';

/**
 * Loads existing queries into a run instead of generating them: BEIR `queries.jsonl` lines
 * `{"_id", "text"}`, optionally with `"task"` and `"seed_id"` (a passage known to answer the query, e.g.
 * from qrels, which then plays p_seed's part). Used with the oracle judge to measure FRet on labelled data.
 *
 * @throws InputError naming `file:line` for a malformed line or an unknown seed; UsageError when the run
 *   already holds generated queries.
 */
export async function importQueries(
  corpus: Corpus,
  file: string,
  options: { run?: string; task?: string } = {},
): Promise<{ imported: number }> {
  const run = options.run ?? DEFAULT_GENERATE.run;
  const store = new FretStore(corpus.workspace);
  const task = options.task ?? DEFAULT_QUERY_TASK;
  let hash: string;
  try {
    hash = sha256(readFileSync(file));
  } catch (e) {
    throw new InputError({ file }, `cannot read queries: ${(e as Error).message}`, { cause: e });
  }
  const existing = store.jobConfig(run, 'generate');
  if (existing && existing.imported === undefined) {
    throw new UsageError(`run "${run}" holds generated queries; import into another run with --run NAME`);
  }
  store.ensureJob(run, 'generate', { imported: hash, task });
  let imported = 0;
  const put = corpus.workspace.db.transaction((rows: [number, Record<string, unknown>][]) => {
    for (const [line, q] of rows) {
      const where = { file, line };
      const id = typeof q._id === 'number' ? String(q._id) : q._id;
      if (typeof id !== 'string' || id === '')
        throw new InputError({ ...where, field: '_id' }, 'expected a string id');
      if (typeof q.text !== 'string' || q.text.trim() === '')
        throw new InputError({ ...where, field: 'text' }, 'expected non-empty text');
      const seed = q.seed_id === undefined || q.seed_id === null ? null : String(q.seed_id);
      if (seed !== null && !corpus.get(seed))
        throw new InputError({ ...where, field: 'seed_id' }, `passage "${seed}" is not in the corpus`);
      store.putQuery(run, {
        item_id: id,
        seed_id: seed,
        family: typeof q.task === 'string' ? q.task : task,
        status: 'ok',
        task: typeof q.task === 'string' ? q.task : task,
        query: q.text.trim(),
        reason: null,
        attempts: 0,
        history: '[]',
        prompt_tokens: 0,
        completion_tokens: 0,
      });
      imported++;
    }
  });
  let batch: [number, Record<string, unknown>][] = [];
  for await (const { line, value } of readJsonlLines<Record<string, unknown>>(file)) {
    batch.push([line, value]);
    if (batch.length >= 1000) {
      put(batch);
      batch = [];
    }
  }
  put(batch);
  return { imported };
}
