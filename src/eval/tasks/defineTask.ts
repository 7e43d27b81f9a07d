import type { SplitData } from '../taskTypes/registry.js';
import { parseTaskMetadata, type TaskMetadata } from './schema.js';

/** A task: validated metadata plus a loader for one split's data. */
export interface TaskDefinition {
  readonly metadata: TaskMetadata;
  /** Loads one split (for Classification, the train split is loaded the same way). */
  load(split: string): Promise<SplitData>;
  /** Hex SHA-256 of the data actually used, to record and compare with `metadata.data_sha256`. */
  dataHash(): Promise<string | null>;
}

/** What {@link defineTask} takes. */
export interface TaskDeclaration {
  metadata: unknown;
  load(split: string): Promise<SplitData>;
  dataHash?: () => Promise<string | null>;
  /** Where the metadata came from, for error messages. @default `<task name>` */
  source?: string;
}

/**
 * Declares a task, validating its metadata eagerly against the strict schema.
 * @throws InputError naming the source and field when the metadata is malformed.
 * @example
 * const t = defineTask({ metadata: { name: 'Mini', type: 'STS', main_score: 'cosine_spearman', eval_splits: ['test'] }, load });
 */
export function defineTask(decl: TaskDeclaration): TaskDefinition {
  const name = (decl.metadata as { name?: unknown })?.name;
  const metadata = parseTaskMetadata(
    decl.metadata,
    decl.source ?? (typeof name === 'string' ? name : '<task>'),
  );
  return { metadata, load: decl.load, dataHash: decl.dataHash ?? (async () => null) };
}
