import type { TaskMetadata } from './tasks/schema.js';
import { TASK_TYPE_MODULES, type TaskType } from './taskTypes/registry.js';

/**
 * Prompt selection: Gecko's Table 9 task strings, none (the embedder's default), or per-type strings that
 * override the Gecko defaults (types not given keep them).
 */
export type PromptSetting = 'gecko' | 'none' | Partial<Record<TaskType, string>>;

/**
 * Gecko's evaluation-time `{task}` strings (paper Table 9): classification → "classification";
 * STS and pair classification → "semantic similarity"; clustering and summarization → "search result";
 * retrieval/reranking per dataset (`metadata.prompt`), else "search result". Documents get no task. Each
 * type's string is its module's `geckoPrompt` (`src/eval/taskTypes/`).
 */
export const GECKO_TASK_PROMPTS: Record<TaskType, string> = Object.fromEntries(
  TASK_TYPE_MODULES.map((m) => [m.type, m.geckoPrompt]),
) as Record<TaskType, string>;

/** The `{task}` prompts of one task's query and document sides under `setting`. */
export function promptsFor(
  meta: TaskMetadata,
  setting: PromptSetting = 'gecko',
): { query?: string; document?: string } {
  if (setting === 'none') return {};
  if (setting === 'gecko') return { query: meta.prompt ?? GECKO_TASK_PROMPTS[meta.type] };
  return { query: setting[meta.type] ?? meta.prompt ?? GECKO_TASK_PROMPTS[meta.type] };
}
