import { Hono } from 'hono';
import type { StaticModel } from '../../model/StaticModel.js';
import type { ServerState } from '../middleware/admission.js';

/** Process memory in MiB: a soak shows a leak as a rising heap, not just a rising RSS (V8 grows lazily). */
function memoryMiB(): { rss: number; heap_used: number; external: number } {
  const m = process.memoryUsage();
  const mib = (b: number): number => Math.round((b / 1048576) * 10) / 10;
  return { rss: mib(m.rss), heap_used: mib(m.heapUsed), external: mib(m.external) };
}

export interface HealthRouteDeps {
  model: StaticModel;
  modelName: string;
  state: ServerState;
  startedAt: number;
}

/**
 * `GET /health`: 200 while serving, 503 once shutdown has begun, so a load balancer stops routing here.
 * Open without a key, and outside the admission limit, so probes work under load.
 */
export function healthRoute(deps: HealthRouteDeps): Hono {
  return new Hono().get('/health', (c) => {
    const { state } = deps;
    return c.json(
      {
        status: state.shuttingDown ? 'shutting_down' : 'ok',
        model: deps.modelName,
        dimensions: deps.model.dimensions,
        uptime_s: Math.round((Date.now() - deps.startedAt) / 1000),
        in_flight: state.inFlight,
        served: state.served,
        refused: state.refused,
        truncated_inputs: state.truncatedInputs,
        memory_mib: memoryMiB(),
      },
      state.shuttingDown ? 503 : 200,
    );
  });
}
