/**
 * Training the static student with Gecko's loss: read and mix training data, then `trainStaticModel`.
 */
export { BatchSampler, type BatchSamplerOptions } from './data/BatchSampler.js';
export { buildDataset, type Dataset } from './data/Dataset.js';
export { readSource } from './data/readers.js';
export type { SourceKind, SourceSpec, TrainExample } from './data/types.js';
export { stsDevEvaluator } from './devEvaluators.js';
export { GeckoLoss, type GeckoLossOptions, preFinetuneLoss } from './loss/GeckoLoss.js';
export { type MatryoshkaOptions, matryoshka } from './loss/matryoshka.js';
export type { EmbeddingLoss, LossBatch, LossGrad, LossResult } from './loss/types.js';
export { estimateMemory, type StepInfo, type TrainOptions } from './options.js';
export { type TrainResult, trainStaticModel } from './trainStaticModel.js';
