/**
 * `gecko distill`: the whole Gecko recipe in one call, from a corpus and a teacher LLM to an evaluated
 * static embedding model with a report. The verbs: {@link resolveDistillConfig} / {@link loadConfigFile},
 * then {@link distill}.
 */
export {
  CONFIG_FILE,
  DEFAULT_DISTILL,
  DEFAULT_LLM,
  type DistillConfig,
  type DistillConfigInput,
  DistillConfigSchema,
  loadConfigFile,
  resolveDistillConfig,
} from './config.js';
export { type DistillOptions, type DistillResult, distill } from './distill.js';
export type { ScoreRow } from './evaluate.js';
export { outputPaths } from './paths.js';
export { CHARS_PER_TOKEN, type DistillPlan, estimatePlan, formatPlan, type StageEstimate } from './plan.js';
export { DISTILL_MIGRATIONS, STAGES, type StageName, type StageRecord } from './stages.js';
