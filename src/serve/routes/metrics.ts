import { Hono } from 'hono';
import type { ServeMetrics } from '../metrics.js';

/**
 * `GET /metrics`: Prometheus's text exposition of {@link ServeMetrics}. Open without a key and outside the
 * admission limit, as `/health` is, so a scraper is not refused under load.
 */
export function metricsRoute(metrics: ServeMetrics): Hono {
  return new Hono().get('/metrics', async (c) => {
    const text = await metrics.registry.metrics();
    return c.body(text, 200, { 'Content-Type': metrics.registry.contentType });
  });
}
