import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readBytes } from '../model/formats/readBytes.js';
import { ModelError } from '../model/ModelError.js';
import {
  parseSafetensors,
  serializeSafetensors,
  type TensorInput,
  tensorToFloat32,
} from '../model/safetensors.js';
import { atomicWriteFile } from '../util/atomicWrite.js';
import type { CurvePoint } from './curves.js';
import type { SamplerState } from './data/BatchSampler.js';
import type { AdamState } from './optim/SparseAdam.js';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';

/** Everything besides tensors that a resumed run needs. */
export interface TrainState {
  step: number;
  totalSteps: number;
  sampler: SamplerState;
  bestScore: number | null;
  bestStep: number | null;
  history: CurvePoint[];
  /** Hash of the settings that must not change across a resume (data, model shape, loss). */
  fingerprint: string;
  elapsedSec: number;
  /** Loss of the last step taken, so a finished run asked again can report it (absent in older checkpoints). */
  lastLoss?: number;
}

export interface Checkpoint {
  state: TrainState;
  table: Float32Array;
  weights: Float32Array | null;
  adam: AdamState;
  weightAdam: AdamState | null;
}

/**
 * Writes the model table, token weights, Adam moments and the run state into one safetensors file, atomically
 * (temporary file + rename): a process killed at any moment leaves either the previous checkpoint or the new
 * one, never a mix.
 */
export async function saveCheckpoint(dir: string, c: Checkpoint, dim: number): Promise<void> {
  const v = c.table.length / dim;
  const tensors: Record<string, TensorInput> = {
    table: { dtype: 'F32', shape: [v, dim], data: c.table },
    adam_m: { dtype: 'F32', shape: [v, dim], data: c.adam.m },
    adam_v: { dtype: 'F32', shape: [v, dim], data: c.adam.v },
  };
  if (c.weights && c.weightAdam) {
    tensors.weights = { dtype: 'F32', shape: [v], data: c.weights };
    tensors.weights_m = { dtype: 'F32', shape: [v], data: c.weightAdam.m };
    tensors.weights_v = { dtype: 'F32', shape: [v], data: c.weightAdam.v };
  }
  const meta = {
    state: JSON.stringify(c.state),
    adam_step: String(c.adam.step),
    weights_adam_step: String(c.weightAdam?.step ?? 0),
  };
  await atomicWriteFile(join(dir, CHECKPOINT_FILE), serializeSafetensors(tensors, meta));
}

/** Reads a checkpoint written by {@link saveCheckpoint}, or null when the folder has none. */
export async function loadCheckpoint(dir: string): Promise<Checkpoint | null> {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return null;
  const f = parseSafetensors(await readBytes(path), path);
  const get = (name: string): Float32Array | null => {
    const t = f.tensors.get(name);
    return t ? tensorToFloat32(t, path) : null;
  };
  const table = get('table');
  const m = get('adam_m');
  const v = get('adam_v');
  if (!table || !m || !v || !f.metadata.state)
    throw new ModelError(path, 'incomplete checkpoint (missing table, moments or state)');
  const weights = get('weights');
  const wm = get('weights_m');
  const wv = get('weights_v');
  return {
    state: JSON.parse(f.metadata.state) as TrainState,
    table,
    weights,
    adam: { step: Number(f.metadata.adam_step), m, v },
    weightAdam: weights && wm && wv ? { step: Number(f.metadata.weights_adam_step), m: wm, v: wv } : null,
  };
}
