import { UsageError } from '../../errors/UsageError.js';

export type DecaySchedule = 'constant' | 'linear' | 'cosine';

export interface ScheduleOptions {
  /** Peak learning rate. */
  lr: number;
  /** Steps of linear warm-up from 0. @default 0 */
  warmupSteps?: number;
  /** Decay after warm-up, to `minLrRatio * lr` at `totalSteps`. @default 'linear' */
  decay?: DecaySchedule;
  totalSteps: number;
  /** @default 0 */
  minLrRatio?: number;
}

/**
 * Learning rate at (0-based) `step`: linear warm-up to `lr`, then constant, linear or cosine decay.
 *
 * @example
 * learningRate(10, { lr: 0.05, warmupSteps: 100, totalSteps: 1000 }) // 0.0055
 */
export function learningRate(step: number, o: ScheduleOptions): number {
  const warm = o.warmupSteps ?? 0;
  if (step < warm) return (o.lr * (step + 1)) / warm;
  const decay = o.decay ?? 'linear';
  if (decay === 'constant') return o.lr;
  const min = o.lr * (o.minLrRatio ?? 0);
  const span = Math.max(1, o.totalSteps - warm);
  const t = Math.min(1, (step - warm) / span);
  if (decay === 'linear') return min + (o.lr - min) * (1 - t);
  if (decay === 'cosine') return min + (o.lr - min) * 0.5 * (1 + Math.cos(Math.PI * t));
  throw new UsageError(`unknown decay schedule "${decay}" (expected constant, linear or cosine)`);
}
