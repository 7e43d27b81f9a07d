import { rename, rm } from 'node:fs/promises';
import type { StaticModel } from '../StaticModel.js';
import { type SaveStaticModelOptions, saveStaticModel } from './saveStaticModel.js';

/**
 * Saves into a temporary sibling folder (`DIR.tmp-<pid>`, whose suffix the model card's default name
 * ignores), then swaps it in, so `dir` is never half-written: training's model and best folders and
 * `gecko export` all save through here.
 */
export async function saveModelAtomically(
  model: StaticModel,
  dir: string,
  options: SaveStaticModelOptions = {},
): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await saveStaticModel(model, tmp, options);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}
