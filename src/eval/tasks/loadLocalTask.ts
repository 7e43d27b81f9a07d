import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError } from '../../errors/InputError.js';
import { EvaluationError } from '../EvaluationError.js';
import { taskTypeModule } from '../taskTypes/registry.js';
import { defineTask, type TaskDefinition } from './defineTask.js';

/**
 * A task from a folder in the layout of `shared/data/README.md` (which mirrors mteb's Hugging Face
 * datasets): `task.json` plus `<split>.jsonl[.gz]` files, or `corpus`, `queries` and `qrels/<split>.tsv` for
 * retrieval (and `top_ranked/<split>.jsonl` for reranking). Each split is read by its task type's module
 * (`src/eval/taskTypes/`).
 *
 * @throws EvaluationError when the folder has no task.json; InputError for malformed metadata.
 * @example const task = loadLocalTask('../shared/data/mteb/SciFact');
 */
export function loadLocalTask(folder: string, metadataOverride?: unknown): TaskDefinition {
  const file = join(folder, 'task.json');
  let raw: unknown = metadataOverride;
  if (raw === undefined) {
    if (!existsSync(file))
      throw new EvaluationError(folder, 'not a task folder (no task.json)', { code: 'NO_TASK' });
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new InputError({ file }, `not valid JSON (${(e as Error).message})`);
    }
  }
  const labelCodes = new Map<string, number>();
  const task = defineTask({
    metadata: raw,
    source: file,
    // Called only after defineTask has returned, so `task` holds the validated metadata.
    load: (split) =>
      taskTypeModule(task.metadata.type).load({ folder, split, meta: task.metadata, labelCodes }),
    dataHash: async () => hashFolder(folder),
  });
  return task;
}

/** SHA-256 over every data file under `folder` (relative path and bytes, sorted by path), task.json excluded. */
export function hashFolder(folder: string): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name !== 'task.json' && !name.startsWith('.')) files.push(p);
    }
  };
  walk(folder);
  const h = createHash('sha256');
  for (const p of files.sort()) {
    h.update(`${relative(folder, p)}\0`);
    h.update(readFileSync(p));
  }
  return h.digest('hex');
}
