import type { ResolvedTrainOptions } from '../options.js';
import { GeckoLoss } from './GeckoLoss.js';
import { matryoshka } from './matryoshka.js';
import type { EmbeddingLoss } from './types.js';

/**
 * The loss a run uses: the caller's `loss`, else Gecko Eq. 3 with the temperature and negative switches;
 * under Matryoshka when more than the model's own dimension is asked for.
 */
export function buildLoss(o: ResolvedTrainOptions, dim: number): EmbeddingLoss {
  const inner =
    o.loss ??
    new GeckoLoss({
      temperature: o.temperature,
      sameTower: o.sameTower,
      hardNegatives: o.hardNegatives,
    });
  const dims = o.matryoshkaDims ?? [dim];
  if (dims.length === 1 && dims[0] === dim && !o.matryoshkaWeights) return inner;
  return matryoshka(inner, { dims, ...(o.matryoshkaWeights ? { weights: o.matryoshkaWeights } : {}) });
}
