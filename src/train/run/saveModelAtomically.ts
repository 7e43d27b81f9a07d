import { rename, rm } from 'node:fs/promises';
import { saveStaticModel } from '../../model/formats/saveStaticModel.js';
import type { StaticModel } from '../../model/StaticModel.js';

/** Saves into a temporary sibling folder, then swaps it in, so `dir` is never half-written. */
export async function saveModelAtomically(model: StaticModel, dir: string): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await saveStaticModel(model, tmp);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}
