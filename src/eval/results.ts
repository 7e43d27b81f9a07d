import { join } from 'node:path';
import { atomicWriteFile } from '../util/atomicWrite.js';
import { VERSION } from '../version.js';

/** Version of the `gecko` block inside results files (1: the first). */
export const RESULTS_SCHEMA_VERSION = 1;

/** One (split, subset) entry, as in the public MTEB results repository. */
export type ScoreEntry = Record<string, unknown> & {
  main_score: number;
  hf_subset: string;
  languages: string[];
};

/**
 * A task's results in the schema of the public MTEB results repository (`TaskResult`: `dataset_revision`,
 * `task_name`, `mteb_version`, `scores`, `evaluation_time`, `kg_co2_emissions`), plus a `gecko` block that
 * records how the number was made (model, dimensions, prompts, seed, data hash, sklearn generation).
 */
export interface TaskResult {
  dataset_revision: string;
  task_name: string;
  mteb_version: string;
  scores: Record<string, ScoreEntry[]>;
  evaluation_time: number;
  kg_co2_emissions: null;
  gecko: {
    schema_version: number;
    gecko_version: string;
    model: string;
    task_type: string;
    main_score_name: string;
    dimensions: number | null;
    prompts: { query?: string; document?: string };
    seed: number;
    sklearn: string;
    data_sha256: string | null;
  };
}

/** The task-level score: the mean of `main_score` over the evaluated (split, subset) entries (mteb `get_score`). */
export function taskScore(r: TaskResult): number {
  const all = Object.values(r.scores).flat();
  return all.reduce((a, e) => a + e.main_score, 0) / all.length;
}

/**
 * The `mteb_version` written into results: the mteb release whose protocol gecko reproduces (spec §0,
 * HEAD v2.20.0). It is a plain version string because mteb's result loader parses it; which program made
 * the file is recorded in `gecko.gecko_version`.
 */
export const MTEB_COMPAT = '2.20.0';
/** The producer recorded in `gecko.gecko_version`. */
export const GECKO_PRODUCER = `gecko-${VERSION}`;

/** A result's size as its results folder and report column name: `full`, or `<d>d`. */
export function dimLabel(d: number | null): string {
  return d === null ? 'full' : `${d}d`;
}

/** A folder-safe model name. */
export function modelSlug(id: string): string {
  return id
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[^A-Za-z0-9._-]+/g, '__')
    .slice(0, 120);
}

/**
 * Writes one JSON per task under `<out>/<model>/<dims|full>/`, the results-repository layout with one
 * folder per Matryoshka size, plus `model_meta.json`. Returns the written paths.
 */
export async function writeResults(out: string, results: readonly TaskResult[]): Promise<string[]> {
  const paths: string[] = [];
  for (const r of results) {
    const dir = join(out, modelSlug(r.gecko.model), dimLabel(r.gecko.dimensions));
    const p = join(dir, `${r.task_name}.json`);
    await atomicWriteFile(p, `${JSON.stringify(r, null, 2)}\n`);
    await atomicWriteFile(
      join(dir, 'model_meta.json'),
      `${JSON.stringify({ name: r.gecko.model, revision: 'no_revision_available', embed_dim: r.gecko.dimensions, framework: ['gecko'] }, null, 2)}\n`,
    );
    paths.push(p);
  }
  return paths;
}
