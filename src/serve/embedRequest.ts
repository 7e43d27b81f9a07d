import { l2NormalizeRows } from '../math/normalize.js';
import type { EmbedKind } from '../model/Embedder.js';
import type { StaticModel } from '../model/StaticModel.js';
import type { TokenBatch } from '../model/tokenizer/Tokenizer.js';
import { formatInput, isUnifiedFormat } from '../model/unifiedFormat.js';
import type { EmbeddingsRequest } from './embeddingsRequest.js';
import type { LongInputPolicy } from './options.js';
import { ServeError } from './ServeError.js';

/** Embeddings of one request: `rows` x `dims` row-major, normalised; `tokens` counted after truncation. */
export interface EmbeddedBatch {
  vectors: Float32Array;
  rows: number;
  dims: number;
  tokens: number;
  /** Inputs cut to the token limit. */
  truncated: number;
}

/**
 * The text the model embeds for one request input: Gecko's format for the request's side, except for
 * `raw` inputs and texts that already carry the format's prefix (formatted by the client), which are
 * embedded as sent so that the prefix is never doubled.
 */
export function servedText(text: string, kind: EmbedKind | 'raw', task: string | undefined): string {
  if (kind === 'raw' || isUnifiedFormat(text)) return text;
  return formatInput(text, kind, task);
}

/**
 * Runs a validated request through the model: texts go through Gecko's format ({@link servedText}) and the
 * tokenizer, token ids straight to pooling (they are ids of this model's tokenizer, so no prompt is added). Inputs over `limit`
 * tokens are cut or refused by `policy`. The pooling and normalisation are the model's own kernels, so the
 * vectors equal `model.embed` for the same texts.
 *
 * @throws {ServeError} INPUT_TOO_LONG under the `reject` policy.
 */
export function embedRequest(
  model: StaticModel,
  req: Pick<EmbeddingsRequest, 'inputs' | 'dimensions' | 'kind' | 'task'>,
  limit: number,
  policy: LongInputPolicy,
): EmbeddedBatch {
  // Under `reject`, tokenise one past the limit so an over-long input shows as a row longer than the limit.
  const cut = policy === 'reject' ? limit + 1 : limit;
  const batch =
    req.inputs.type === 'text'
      ? model.tokenizer.encodeBatch(
          req.inputs.texts.map((t) => servedText(t, req.kind, req.task)),
          // The model's own tokenisation (as embed); `reject` counts every token, so no character pre-cut.
          policy === 'reject'
            ? { ...model.encodeOptions(cut), maxChars: Number.POSITIVE_INFINITY }
            : model.encodeOptions(cut),
        )
      : tokenBatch(req.inputs.ids, cut, model.tokenizer.droppedUnkId);
  const rows = batch.offsets.length - 1;
  if (policy === 'reject') {
    for (let i = 0; i < rows; i++) {
      if (batch.offsets[i + 1]! - batch.offsets[i]! > limit) {
        throw new ServeError(
          'INPUT_TOO_LONG',
          `input[${i}] is longer than ${limit} tokens (with Gecko's prompt); shorten it, or start the server with truncation`,
          { param: `input[${i}]` },
        );
      }
    }
  }
  const pooled = model.pool(batch);
  const dims = req.dimensions ?? model.dimensions;
  const vectors = new Float32Array(rows * dims);
  l2NormalizeRows(pooled, rows, model.dimensions, dims, vectors, new Float32Array(rows));
  return { vectors, rows, dims, tokens: batch.ids.length, truncated: batch.truncated };
}

/**
 * Token-id inputs as a flat batch: the unknown token's ids dropped (as `embed` and model2vec do, so ids from the
 * model's tokenizer give the vectors its texts give), then each row cut to `maxLength`.
 */
function tokenBatch(inputs: readonly number[][], maxLength: number, unk: number | null): TokenBatch {
  const rows = unk === null ? inputs : inputs.map((r) => r.filter((id) => id !== unk));
  const offsets = new Int32Array(rows.length + 1);
  let total = 0;
  let truncated = 0;
  rows.forEach((ids, i) => {
    if (ids.length > maxLength) truncated++;
    total += Math.min(ids.length, maxLength);
    offsets[i + 1] = total;
  });
  const ids = new Int32Array(total);
  rows.forEach((row, i) => {
    ids.set(row.length > maxLength ? row.slice(0, maxLength) : row, offsets[i]!);
  });
  return { ids, offsets, truncated };
}
