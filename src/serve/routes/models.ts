import { Hono } from 'hono';
import type { StaticModel } from '../../model/StaticModel.js';
import { refusals } from '../ServeError.js';

export interface ModelsRouteDeps {
  model: StaticModel;
  modelName: string;
  /** Unix seconds the server started, shown as `created`. */
  created: number;
}

/** `GET /v1/models` and `GET /v1/models/:id`, OpenAI's listing, with the model's size as an extension. */
export function modelsRoute(deps: ModelsRouteDeps): Hono {
  const entry = {
    id: deps.modelName,
    object: 'model',
    created: deps.created,
    owned_by: 'gecko',
    dimensions: deps.model.dimensions,
    max_input_tokens: deps.model.maxLength,
    gecko_id: deps.model.id,
  };
  return new Hono()
    .get('/models', (c) => c.json({ object: 'list', data: [entry] }))
    .get('/models/:id', (c) => {
      const id = c.req.param('id');
      if (id !== deps.modelName) throw refusals.modelNotFound(id, deps.modelName);
      return c.json(entry);
    });
}
