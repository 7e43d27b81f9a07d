import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ServerState } from './middleware/admission.js';

/** The paths the server answers; any other path is counted as `other`, so clients cannot grow the label set. */
const ROUTES = new Set(['/health', '/metrics', '/v1/embeddings', '/v1/models', '/v1/search']);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'OPTIONS']);

/**
 * Latency buckets in seconds: one sentence is answered in well under a millisecond and a 2,048-input batch
 * in about a second (bench/serve.bench.ts), so the buckets start at 100 µs.
 */
const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The server's Prometheus metrics: what `GET /metrics` exposes, and how both request paths record. */
export interface ServeMetrics {
  readonly registry: Registry;
  /** One answered request: its route label, method, status and seconds from arrival to answer. */
  request(path: string, method: string, status: number, seconds: number): void;
  /** Inputs and tokens (after truncation) of one embeddings request. */
  embedded(inputs: number, tokens: number, truncated: number): void;
}

/**
 * Builds the metrics on a registry of their own (not prom-client's global one), so that several servers in
 * one process (tests, a host embedding the app) keep separate counts. Why prom-client: it is the
 * reference Node client and writes the text exposition format, escaping and all; the process's own metrics
 * (`collectDefaultMetrics`) are left out because they start timers and observers per registry.
 *
 * @example
 * const metrics = createServeMetrics(state, { model: 'gecko', dimensions: 256 });
 * metrics.request('/v1/embeddings', 'POST', 200, 0.0004);
 * await metrics.registry.metrics(); // the text exposition
 */
export function createServeMetrics(
  state: ServerState,
  model: { name: string; dimensions: number },
): ServeMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'gecko_http_requests_total',
    help: 'HTTP requests answered, by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'gecko_http_request_duration_seconds',
    help: 'Seconds from the arrival of a request to its answer, by route.',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const inputs = new Counter({
    name: 'gecko_embedded_inputs_total',
    help: 'Inputs embedded by /v1/embeddings.',
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'gecko_embedded_tokens_total',
    help: 'Tokens embedded by /v1/embeddings (after truncation, with the prompt).',
    registers: [registry],
  });
  const truncated = new Counter({
    name: 'gecko_truncated_inputs_total',
    help: 'Inputs cut to the token limit.',
    registers: [registry],
  });
  new Gauge({
    name: 'gecko_http_requests_in_flight',
    help: 'Requests being handled now (counted once their body has arrived).',
    registers: [registry],
    collect() {
      this.set(state.inFlight);
    },
  });
  new Gauge({
    name: 'gecko_model_info',
    help: 'The served model (always 1).',
    labelNames: ['model', 'dimensions'] as const,
    registers: [registry],
  }).set({ model: model.name, dimensions: String(model.dimensions) }, 1);
  return {
    registry,
    request(path, method, status, seconds) {
      const route = ROUTES.has(path) ? path : 'other';
      requests.inc({ route, method: METHODS.has(method) ? method : 'other', status: String(status) });
      latency.observe({ route }, seconds);
    },
    embedded(n, t, cut) {
      inputs.inc(n);
      tokens.inc(t);
      if (cut > 0) truncated.inc(cut);
    },
  };
}
