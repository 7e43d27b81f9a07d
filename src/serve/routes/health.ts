import { Hono } from 'hono';
import type { StaticModel } from '../../model/StaticModel.js';
import type { ServerState } from '../middleware/admission.js';

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
      },
      state.shuttingDown ? 503 : 200,
    );
  });
}
