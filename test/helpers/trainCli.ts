import { join } from 'node:path';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { SHARED_DATA } from './paths.js';

export const VOCAB = join(SHARED_DATA, 'vocab/bert-base-uncased-vocab.txt');
export const STS_DEV = join(SHARED_DATA, 'mteb/STSBenchmark/validation.jsonl');

/**
 * `gecko train` arguments for a small run: a new 16-dim model from the BERT vocab trained on the STS dev
 * pairs (score >= 3) for `steps` steps of 32, checkpointing every 5, into `out`; `extra` adds flags.
 */
export function trainArgs(out: string, steps: number, extra: string[] = []): string[] {
  return [
    'train',
    '--vocab',
    VOCAB,
    '--dim',
    '16',
    '--data',
    `scored-pairs:${STS_DEV}`,
    '--sts-threshold',
    '3',
    '--steps',
    String(steps),
    '-b',
    '32',
    '--checkpoint-every',
    '5',
    ...extra,
    '--out',
    out,
  ];
}

/** The token table of the final model a run wrote into `dir`. */
export async function trainedTable(dir: string): Promise<Float32Array> {
  return (await loadStaticModel(join(dir, 'model'))).table;
}
