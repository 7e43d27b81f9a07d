import { InputError } from '../errors/InputError.js';
import { UsageError } from '../errors/UsageError.js';
import { spearman } from '../eval/metrics/correlation.js';
import type { EmbedOptions } from '../model/Embedder.js';
import type { StaticModel } from '../model/StaticModel.js';
import { readJsonlSync } from '../util/jsonl.js';

export type DevEvaluator = (model: StaticModel) => number;

/**
 * Dev metric for best-checkpoint keeping: Spearman correlation between cosine similarity and gold scores
 * on an STS file (`{sentence1, sentence2, score}`), both sides in the symmetric query format, at
 * `dimensions` (all by default). Uses the evaluator's Spearman (MTEB's definition).
 *
 * @throws {InputError} naming file:line for malformed rows.
 * @example
 * const evaluate = stsDevEvaluator('sts-dev.jsonl');
 */
export function stsDevEvaluator(
  path: string,
  options: { dimensions?: number; task?: string } = {},
): DevEvaluator {
  const s1: string[] = [];
  const s2: string[] = [];
  const gold: number[] = [];
  for (const r of readJsonlSync(path)) {
    const { sentence1, sentence2, score } = r.value;
    if (typeof sentence1 !== 'string' || typeof sentence2 !== 'string' || typeof score !== 'number') {
      throw new InputError(
        { file: path, line: r.line },
        'expected {sentence1: string, sentence2: string, score: number}',
      );
    }
    s1.push(sentence1);
    s2.push(sentence2);
    gold.push(score);
  }
  if (gold.length < 3) throw new InputError({ file: path }, 'an STS dev set needs at least 3 pairs');
  const dims = options.dimensions;
  const embed: EmbedOptions = {
    kind: 'query',
    task: options.task ?? 'semantic similarity',
    ...(dims ? { dimensions: dims } : {}),
  };
  return (model) => {
    const a = model.embedSync(s1, embed);
    const b = model.embedSync(s2, embed);
    const cos = a.map((v, i) => {
      let s = 0;
      const w = b[i]!;
      for (let c = 0; c < v.length; c++) s += v[c]! * w[c]!;
      return s;
    });
    return spearman(gold, cos);
  };
}

/** Parses a `--dev KIND:PATH` value. */
export function devEvaluatorFromSpec(spec: string, dimensions?: number): DevEvaluator {
  const m = /^(sts):(.+)$/.exec(spec);
  if (!m) throw new UsageError(`--dev expects sts:PATH (an STS JSONL file), got "${spec}"`);
  return stsDevEvaluator(m[2]!, dimensions ? { dimensions } : {});
}
