import { normalizeInPlace, normalizedRows as normalizeRows } from '../math/normalize.js';
import type { Embedder, EmbedInput, EmbedKind } from '../model/Embedder.js';
import { type Reporter, silentReporter } from '../util/Reporter.js';
import { EvaluationError } from './EvaluationError.js';

/** Row-major `n×dims` float32 embeddings. */
export interface Matrix {
  data: Float32Array;
  n: number;
  dims: number;
}

/** What an evaluator asks for: texts embedded for one side of the task, at the evaluation's dimension. */
export interface Encoder {
  readonly dims: number;
  encode(inputs: readonly EmbedInput[], kind: EmbedKind): Promise<Matrix>;
}

/** Options of {@link createTaskEncoders}. */
export interface TaskEncoderOptions {
  /** Gecko `{task}` strings per side (undefined: the embedder's own default). */
  prompts: { query?: string; document?: string };
  /** Texts per `embed` call. @default 256 */
  batchSize?: number;
  reporter?: Reporter;
  signal?: AbortSignal;
  /** Label for progress lines. @default the embedder id */
  label?: string;
}

/**
 * One encoder per Matryoshka dimension over a shared in-memory memo: each distinct (side, text) is embedded
 * once at full size, and each dimension takes its first `d` components re-normalised (the `dimensions`
 * contract of `Embedder`). Persistent caching across runs is the embedder's job ({@link CachedEmbedder}).
 *
 * @throws EvaluationError when the embedder returns the wrong number of vectors or wrong sizes.
 */
export function createTaskEncoders(
  embedder: Embedder,
  dims: readonly (number | null)[],
  options: TaskEncoderOptions,
): Encoder[] {
  const memo = new Map<string, Float32Array>();
  const batchSize = options.batchSize ?? 256;
  const reporter = options.reporter ?? silentReporter;
  const keyOf = (input: EmbedInput, kind: EmbedKind): string =>
    typeof input === 'string' ? `${kind}\0${input}` : `${kind}\0${input.title ?? ''}\0${input.text}`;
  const full = async (inputs: readonly EmbedInput[], kind: EmbedKind): Promise<Float32Array[]> => {
    const missing: EmbedInput[] = [];
    const seen = new Set<string>();
    for (const x of inputs) {
      const k = keyOf(x, kind);
      if (!memo.has(k) && !seen.has(k)) {
        seen.add(k);
        missing.push(x);
      }
    }
    if (missing.length > 0) {
      const progress = reporter.progress(
        `embed ${kind === 'query' ? 'queries' : 'documents'} (${options.label ?? embedder.id})`,
        { total: missing.length, unit: 'texts' },
      );
      for (let i = 0; i < missing.length; i += batchSize) {
        options.signal?.throwIfAborted();
        const batch = missing.slice(i, i + batchSize);
        const task = kind === 'query' ? options.prompts.query : options.prompts.document;
        const vecs = await embedder.embed(batch, {
          kind,
          ...(task !== undefined ? { task } : {}),
          signal: options.signal,
        });
        if (vecs.length !== batch.length)
          throw new EvaluationError(
            embedder.id,
            `embedder returned ${vecs.length} vectors for ${batch.length} texts`,
          );
        batch.forEach((x, j) => {
          const v = vecs[j] as Float32Array;
          if (v.length !== embedder.dimensions)
            throw new EvaluationError(
              embedder.id,
              `embedder returned a vector of ${v.length} values, expected ${embedder.dimensions}`,
            );
          memo.set(keyOf(x, kind), v);
        });
        progress.tick(batch.length);
      }
      progress.done();
    }
    return inputs.map((x) => memo.get(keyOf(x, kind)) as Float32Array);
  };
  return dims.map((d) => {
    const size = d ?? embedder.dimensions;
    if (!Number.isInteger(size) || size < 1 || size > embedder.dimensions)
      throw new EvaluationError(
        embedder.id,
        `cannot evaluate at ${size} dimensions: the model has ${embedder.dimensions}`,
      );
    return {
      dims: size,
      async encode(inputs, kind) {
        const vecs = await full(inputs, kind);
        const data = new Float32Array(vecs.length * size);
        vecs.forEach((v, i) => {
          const row = data.subarray(i * size, (i + 1) * size);
          row.set(v.subarray(0, size));
          if (size < v.length) normalizeInPlace(row);
        });
        return { data, n: vecs.length, dims: size };
      },
    };
  });
}

/** The rows of `m` L2-normalised into a new matrix (the project's one kernel, `src/math/normalize.ts`). */
export function normalizedRows(m: Matrix): Float32Array {
  return normalizeRows(m.data, m.n, m.dims);
}
