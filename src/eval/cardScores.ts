import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors/InputError.js';
import type { ModelCardScore } from '../model/formats/modelCard.js';
import { type TaskResult, taskScore } from './results.js';

/**
 * Scores for a model card, read from what gecko's evaluations write: `gecko distill`'s `eval/scores.json`
 * (rows of the student, BM25 and the hybrid; the student's are kept) or a folder of `gecko eval` results in the
 * MTEB results layout (`<model>/<size>/<Task>.json`). Scores are main scores x 100.
 *
 * @throws {InputError} when the file or a results JSON is not what these writers produce (naming it).
 * @example
 * const scores = readCardScores('gecko-model/eval/scores.json');
 */
export function readCardScores(path: string): ModelCardScore[] {
  if (!existsSync(path))
    throw new InputError({ file: path }, 'no such file or folder (expected scores.json or a results folder)');
  if (statSync(path).isDirectory()) return readResultsFolder(path);
  const rows = parseJson(path) as unknown;
  if (!Array.isArray(rows))
    throw new InputError(
      { file: path },
      'expected a JSON array of score rows (gecko distill eval/scores.json)',
    );
  return rows.flatMap((r: Record<string, unknown>, i) => {
    if (typeof r !== 'object' || r === null || typeof r.task !== 'string' || typeof r.score !== 'number') {
      throw new InputError(
        { file: path, field: `[${i}]` },
        'expected a row {task, type, model, dimensions, metric, score}',
      );
    }
    if (r.model !== undefined && r.model !== 'student') return [];
    return [
      {
        task: r.task,
        type: String(r.type ?? ''),
        metric: String(r.metric ?? ''),
        dimensions: typeof r.dimensions === 'number' ? r.dimensions : null,
        score: r.score,
      },
    ];
  });
}

/**
 * Where gecko left scores for a model folder, if anywhere: `gecko distill --out X` writes the model to
 * `X/model` and its scores to `X/eval/scores.json`.
 */
export function findCardScores(modelDir: string): string | null {
  const candidate = join(dirname(resolve(modelDir)), 'eval', 'scores.json');
  return existsSync(candidate) ? candidate : null;
}

function readResultsFolder(dir: string): ModelCardScore[] {
  const out: ModelCardScore[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json') && name !== 'model_meta.json') {
        const r = parseJson(p) as Partial<TaskResult>;
        if (!r || typeof r !== 'object' || !r.scores || !r.gecko || typeof r.task_name !== 'string') continue;
        out.push({
          task: r.task_name,
          type: r.gecko.task_type ?? '',
          metric: r.gecko.main_score_name ?? '',
          dimensions: r.gecko.dimensions ?? null,
          score: Number((taskScore(r as TaskResult) * 100).toFixed(2)),
        });
      }
    }
  };
  walk(dir);
  if (out.length === 0)
    throw new InputError({ file: dir }, 'no MTEB results JSON (as gecko eval writes) found in this folder');
  return out;
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError({ file: path }, `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}
