import { classificationType } from './classification.js';
import { clusteringType } from './clustering.js';
import { pairClassificationType } from './pairClassification.js';
import { rerankingType } from './reranking.js';
import { retrievalType } from './retrieval.js';
import { stsType } from './sts.js';
import { summarizationType } from './summarization.js';
import type { TaskTypeModule } from './taskType.js';

/**
 * Every MTEB task type gecko evaluates, in the order help texts and errors list them. A new type is a
 * module in this folder (a {@link TaskTypeModule}: its data, loader and evaluator) plus one line here; the
 * metadata schema, `loadLocalTask`, `evaluateTask` and the prompts all read this list.
 */
export const TASK_TYPE_MODULES = [
  retrievalType,
  rerankingType,
  stsType,
  classificationType,
  clusteringType,
  pairClassificationType,
  summarizationType,
] as const;

/** A task type's name (`task.json` `type`). */
export type TaskType = (typeof TASK_TYPE_MODULES)[number]['type'];

/** One split of any task type, in memory (what `TaskDefinition.load` returns). */
export type SplitData = Awaited<ReturnType<(typeof TASK_TYPE_MODULES)[number]['load']>>;

/** The split data of the task types named `T`. */
export type SplitDataOf<T extends SplitData['type']> = Extract<SplitData, { type: T }>;

/** The task types' names, in registry order. */
export const TASK_TYPES = TASK_TYPE_MODULES.map((m) => m.type) as readonly TaskType[] as readonly [
  TaskType,
  ...TaskType[],
];

/**
 * The module of task type `type`.
 * @example taskTypeModule('STS').evaluate(data, run);
 */
export function taskTypeModule(type: TaskType): TaskTypeModule<TaskType, SplitData> {
  return TASK_TYPE_MODULES.find((m) => m.type === type) as TaskTypeModule<TaskType, SplitData>;
}
