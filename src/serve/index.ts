/**
 * The OpenAI-compatible HTTP server: `POST /v1/embeddings`, `GET /v1/models`, `POST /v1/search`, `GET /health`,
 * `GET /metrics`.
 */
export {
  createApp,
  type GeckoApp,
  type ListenOptions,
  type RunningServer,
  type ServeDeps,
  startServer,
} from './createServer.js';
export { createServeMetrics, type ServeMetrics } from './metrics.js';
export { DEFAULT_SERVE, type LongInputPolicy, parseCorsOrigins, type ServeOptions } from './options.js';
export { isServeError, ServeError } from './ServeError.js';
