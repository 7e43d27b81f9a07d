import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Reporter } from '../../util/Reporter.js';
import { ModelError } from '../ModelError.js';
import type { StaticModel, StaticModelConfig } from '../StaticModel.js';
import type { TokenizerJson } from '../tokenizer/Tokenizer.js';
import { downloadFromHub, type HubOptions, isRepoId } from './hub.js';
import { GECKO_CONFIG, LAYOUTS, type Layout } from './layouts.js';
import { modelFromFiles } from './modelFromFiles.js';
import { readBytes } from './readBytes.js';

export interface LoadStaticModelOptions extends HubOptions {
  /** Overrides the stored maximum tokens per text. */
  maxLength?: number;
  /** Receives truncation warnings from `embed`. */
  reporter?: Reporter;
}

/**
 * Loads a static model from a folder (model2vec, sentence-transformers, or the `0_StaticEmbedding` module
 * layout) or from a Hugging Face repository id, downloaded once into the cache.
 *
 * @throws {ModelError} when the path is neither a model folder nor a repo id, or the files are inconsistent.
 * @example
 * const model = await loadStaticModel('minishlab/potion-base-8M');
 */
export async function loadStaticModel(
  pathOrRepo: string,
  options: LoadStaticModelOptions = {},
): Promise<StaticModel> {
  let folder = pathOrRepo;
  if (!existsSync(pathOrRepo)) {
    const local = resolve(pathOrRepo);
    if (!isRepoId(pathOrRepo)) {
      throw new ModelError(
        pathOrRepo,
        `no such folder (${local}), and not a Hugging Face repository id (owner/name)`,
      );
    }
    // `models/student` is both a relative path and an owner/name id: when `models` is a folder here, a
    // missing model folder is a typo or a run not yet done, not a request for the network.
    const owner = resolve(dirname(pathOrRepo));
    if (existsSync(owner) && statSync(owner).isDirectory()) {
      throw new ModelError(
        pathOrRepo,
        `no such folder (${local}); not tried as the Hugging Face repository id "${pathOrRepo}" because ${owner} is a local folder`,
      );
    }
    try {
      folder = await downloadFromHub(pathOrRepo, options);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      const problem = e.message.startsWith(`${e.source}: `)
        ? e.message.slice(e.source.length + 2)
        : e.message;
      throw new ModelError(
        pathOrRepo,
        `no such folder (${local}), and tried as the Hugging Face repository id "${pathOrRepo}": ${problem}`,
        { cause: e },
      );
    }
  } else if (!statSync(pathOrRepo).isDirectory()) {
    throw new ModelError(pathOrRepo, 'expected a model folder, got a file');
  }
  return loadFromFolder(folder, options);
}

/** Which layout a folder holds, or null. */
export function detectLayout(folder: string): Layout | null {
  return (
    LAYOUTS.find(
      (l) =>
        existsSync(join(folder, l.weights)) &&
        existsSync(join(folder, l.tokenizer)) &&
        existsSync(join(folder, l.config)),
    ) ?? null
  );
}

async function loadFromFolder(folder: string, options: LoadStaticModelOptions): Promise<StaticModel> {
  const layout = detectLayout(folder);
  if (!layout) {
    throw new ModelError(
      folder,
      `no static model here: expected one of ${LAYOUTS.map((l) => `${l.weights} + ${l.tokenizer} + ${l.config}`).join('; ')}`,
    );
  }
  const weightsPath = join(folder, layout.weights);
  const tokPath = join(folder, layout.tokenizer);
  let tokenizer: TokenizerJson;
  try {
    tokenizer = JSON.parse(await readFile(tokPath, 'utf8')) as TokenizerJson;
  } catch (e) {
    throw new ModelError(tokPath, `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  let config: StaticModelConfig = {};
  const geckoPath = join(folder, GECKO_CONFIG);
  if (existsSync(geckoPath)) config = JSON.parse(await readFile(geckoPath, 'utf8')) as StaticModelConfig;
  if (options.maxLength !== undefined) config.maxLength = options.maxLength;
  return modelFromFiles({
    weights: await readBytes(weightsPath),
    tokenizer,
    config,
    source: folder,
    ...(options.reporter ? { reporter: options.reporter } : {}),
  });
}
