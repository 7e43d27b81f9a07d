import { z } from 'zod';
import { InputError } from '../../errors/InputError.js';
import { TASK_TYPES } from '../taskTypes/registry.js';

/**
 * A task's metadata: the `task.json` of a task folder (the layout of `shared/data/README.md`), or a
 * built-in declaration. Strict: an unknown field is an error, so a typo cannot silently change a protocol.
 */
export const TaskMetadataSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(TASK_TYPES),
  main_score: z.string().min(1),
  eval_splits: z.array(z.string().min(1)).min(1),
  source: z.string().optional(),
  description: z.string().optional(),
  /** Hugging Face dataset (`mteb/scifact`) and revision, for download and for the results JSON. */
  dataset: z.strictObject({ path: z.string().min(1), revision: z.string().min(1) }).optional(),
  /** Hex SHA-256 over the task's data files (sorted by path); a mismatch is reported as a warning. */
  data_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  // Classification
  train_split: z.string().optional(),
  n_experiments: z.number().int().positive().optional(),
  samples_per_label: z.number().int().positive().optional(),
  // STS
  min_score: z.number().optional(),
  max_score: z.number().optional(),
  // Retrieval / Reranking
  ignore_identical_ids: z.boolean().optional(),
  // Clustering: 'legacy' = one row per cluster set (v1 tasks), 'v2' = flat rows, bootstrapped (§7.2)
  clustering_protocol: z.enum(['legacy', 'v2']).optional(),
  max_fraction_of_documents_to_embed: z.number().positive().max(1).nullable().optional(),
  // Summarization: 'v1' reproduces the deprecated evaluator's p-value bug (SummEval in MTEB(eng, v1))
  summarization_version: z.enum(['v1', 'v2']).optional(),
  /** Gecko task description used as `{task}` in `task: {task} | query: …` (Table 9 of the Gecko paper). */
  prompt: z.string().optional(),
});
export type TaskMetadata = z.infer<typeof TaskMetadataSchema>;

/**
 * Parses task metadata, naming the file and field on failure.
 * @throws InputError `file (field "x"): expected …`.
 */
export function parseTaskMetadata(value: unknown, file: string): TaskMetadata {
  const r = TaskMetadataSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : undefined;
  throw new InputError({ file, field }, issue?.message ?? 'invalid task metadata');
}
