import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Embedder, EmbedInput, EmbedOptions } from '../../model/Embedder.js';
import { EvaluationError } from '../EvaluationError.js';
import { renderInput, type TextFormat } from './plainText.js';

/** Options of {@link loadTransformersEmbedder}. */
export interface TransformersEmbedderOptions {
  /** @default 'mean' */
  pooling?: 'mean' | 'cls';
  /** @default 'plain' */
  format?: TextFormat;
  /** ONNX weight precision to load (`fp32`, `q8`, ...). @default 'fp32' */
  dtype?: string;
}

// The package is optional (it pulls in onnxruntime-node); its types are not needed at compile time.
type FeatureExtractor = (
  texts: string[],
  o: { pooling: string; normalize: boolean },
) => Promise<{ data: Float32Array; dims: number[] }>;

/**
 * An `Embedder` over a local transformers.js model folder (`config.json`, `tokenizer.json`,
 * `onnx/model*.onnx`), run with `@huggingface/transformers`' feature-extraction pipeline, pooled and
 * L2-normalised. The package is optional: install it with `npm i @huggingface/transformers` (set
 * `ONNXRUNTIME_NODE_INSTALL=skip` where onnxruntime's binaries cannot be downloaded, and provide them).
 *
 * @throws EvaluationError when the folder is not a transformers.js model or the package is missing.
 * @example const e = await loadTransformersEmbedder('models/bge-small-en-v1.5');
 */
export async function loadTransformersEmbedder(
  folder: string,
  options: TransformersEmbedderOptions = {},
): Promise<Embedder> {
  const dir = resolve(folder);
  for (const f of ['config.json', 'tokenizer.json'])
    if (!existsSync(join(dir, f)))
      throw new EvaluationError(dir, `not a transformers.js model folder: missing ${f}`, {
        code: 'NO_MODEL',
      });
  const onnx = existsSync(join(dir, 'onnx'))
    ? readdirSync(join(dir, 'onnx')).filter((f) => f.endsWith('.onnx'))
    : [];
  if (onnx.length === 0)
    throw new EvaluationError(dir, 'not a transformers.js model folder: no onnx/*.onnx weights', {
      code: 'NO_MODEL',
    });
  const pkg = '@huggingface/transformers';
  let mod: {
    pipeline: (task: string, model: string, o: object) => Promise<FeatureExtractor>;
    env: Record<string, unknown>;
  };
  try {
    mod = await import(pkg);
  } catch (e) {
    throw new EvaluationError(
      dir,
      `the optional package ${pkg} is not installed; run "npm i ${pkg}" to evaluate transformers.js models`,
      {
        code: 'MISSING_PACKAGE',
        cause: e,
      },
    );
  }
  // transformers.js resolves model ids against localModelPath; point it at the folder's parent.
  mod.env.allowRemoteModels = false;
  mod.env.localModelPath = join(dir, '..');
  const extractor = await mod.pipeline('feature-extraction', dir.split(/[\\/]/).pop() as string, {
    dtype: options.dtype ?? 'fp32',
  });
  const pooling = options.pooling ?? 'mean';
  const probe = await extractor(['dimension probe'], { pooling, normalize: true });
  const dims = probe.dims[probe.dims.length - 1] as number;
  const format = options.format ?? 'plain';
  return {
    id: `transformers:${dir}#${pooling}`,
    dimensions: dims,
    async embed(inputs: readonly EmbedInput[], o: EmbedOptions = {}): Promise<Float32Array[]> {
      if (inputs.length === 0) return [];
      const out = await extractor(
        inputs.map((x) => renderInput(x, format, o)),
        { pooling, normalize: true },
      );
      return inputs.map((_, i) => out.data.slice(i * dims, (i + 1) * dims));
    },
  };
}
