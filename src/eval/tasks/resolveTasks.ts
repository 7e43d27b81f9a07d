import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors/UsageError.js';
import { BUILTIN_TASKS, findBuiltinTask } from './builtinTasks.js';
import type { TaskDefinition } from './defineTask.js';
import { downloadHubDataset, type HubDatasetOptions } from './hubDataset.js';
import { loadLocalTask } from './loadLocalTask.js';

/** Options of {@link resolveTasks}. */
export interface ResolveTasksOptions {
  /** Folder of task folders (`<data>/<Task>/task.json`), searched first. */
  data?: string;
  hub?: HubDatasetOptions;
}

/**
 * Turns task names into task definitions: a folder `<data>/<name>` with a task.json wins; otherwise a
 * built-in MTEB declaration is downloaded from the Hugging Face Hub (cached). With no names, every task
 * folder under `data` is taken.
 *
 * @throws UsageError for an unknown name or an empty selection; EvaluationError when a download fails.
 * @example const tasks = await resolveTasks(['SciFact'], { data: '../shared/data/mteb' });
 */
export async function resolveTasks(
  names: readonly string[],
  options: ResolveTasksOptions = {},
): Promise<TaskDefinition[]> {
  const data = options.data;
  if (names.length === 0) {
    if (!data) throw new UsageError('no tasks: pass --tasks NAME[,NAME] or --data DIR with task folders');
    if (!existsSync(data)) throw new UsageError(`--data ${data} does not exist`);
    const found = readdirSync(data)
      .filter((n) => existsSync(join(data, n, 'task.json')))
      .sort();
    if (found.length === 0) throw new UsageError(`no task folders (with task.json) under ${data}`);
    return found.map((n) => loadLocalTask(join(data, n)));
  }
  const out: TaskDefinition[] = [];
  for (const name of names) {
    if (data && existsSync(join(data, name, 'task.json'))) {
      out.push(loadLocalTask(join(data, name)));
      continue;
    }
    const meta = findBuiltinTask(name);
    if (!meta?.dataset) {
      const local = data ? ` (no ${join(data, name)}/task.json)` : '';
      throw new UsageError(
        `unknown task "${name}"${local}; built-in tasks: ${BUILTIN_TASKS.map((m) => m.name).join(', ')}`,
      );
    }
    const folder = await downloadHubDataset(meta.dataset.path, meta.dataset.revision, options.hub);
    out.push(loadLocalTask(folder, meta));
  }
  return out;
}
