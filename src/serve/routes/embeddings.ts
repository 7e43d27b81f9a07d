import { Hono } from 'hono';
import type { StaticModel } from '../../model/StaticModel.js';
import { parseEmbeddingsRequest } from '../embeddingsRequest.js';
import { embedRequest } from '../embedRequest.js';
import type { ServeMetrics } from '../metrics.js';
import type { ServerState } from '../middleware/admission.js';
import type { ResolvedServeOptions } from '../options.js';
import { readJsonBody } from '../readJsonBody.js';

export interface EmbeddingsRouteDeps {
  model: StaticModel;
  options: ResolvedServeOptions;
  state: ServerState;
  metrics: ServeMetrics;
}

/** Little-endian float32 bytes in base64, as OpenAI's `encoding_format: "base64"` returns them. */
function toBase64(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

/**
 * `POST /v1/embeddings`, OpenAI's request and response shape, with Gecko's `kind` and `task` extensions.
 *
 * @example
 * app.route('/v1', embeddingsRoute({ model, options, state }));
 */
export function embeddingsRoute(deps: EmbeddingsRouteDeps): Hono {
  const answer = createEmbeddingsAnswerer(deps);
  return new Hono().post('/embeddings', async (c) => {
    const { body, truncated } = answer(await readJsonBody(c));
    if (truncated > 0) c.header('X-Gecko-Truncated-Inputs', String(truncated));
    return c.json(body);
  });
}

/** The response to one parsed `/v1/embeddings` body, and how many inputs were truncated. */
export interface EmbeddingsAnswer {
  body: object;
  truncated: number;
}

/**
 * Validates a parsed request body, embeds it and builds OpenAI's response object: shared by the Hono route
 * and the server's plain node:http fast path (`fastEmbeddings.ts`), so both answer identically.
 * @throws ServeError for an invalid request.
 */
export function createEmbeddingsAnswerer(deps: EmbeddingsRouteDeps): (json: unknown) => EmbeddingsAnswer {
  const { model, options, state, metrics } = deps;
  const limits = {
    modelName: options.modelName,
    dimensions: model.dimensions,
    vocabSize: model.tokenizer.vocabSize,
    maxInputs: options.maxInputs,
  };
  return (json) => {
    const req = parseEmbeddingsRequest(json, limits);
    const out = embedRequest(model, req, options.maxInputTokens, options.longInputs);
    state.truncatedInputs += out.truncated;
    metrics.embedded(out.rows, out.tokens, out.truncated);
    const data = new Array(out.rows);
    for (let i = 0; i < out.rows; i++) {
      const row = out.vectors.subarray(i * out.dims, (i + 1) * out.dims);
      data[i] = {
        object: 'embedding',
        index: i,
        embedding: req.encoding === 'base64' ? toBase64(row) : Array.from(row),
      };
    }
    const body = {
      object: 'list',
      data,
      model: options.modelName,
      usage: { prompt_tokens: out.tokens, total_tokens: out.tokens },
    };
    return { body, truncated: out.truncated };
  };
}
