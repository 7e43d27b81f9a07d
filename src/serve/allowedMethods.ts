import type { Hono } from 'hono';

/**
 * The methods `app`'s routes answer for `path` (empty when no route has that path), read from the app's own
 * route table so a wrong method can be told apart from a wrong path: 405 with `Allow`, not 404. Middleware
 * (registered for every method) is left out. The table is read on first use, once every route is in.
 *
 * @example
 * allowedMethods(app)('/v1/embeddings') // ['POST']
 */
export function allowedMethods(app: Hono): (path: string) => string[] {
  let table: { pattern: RegExp; method: string }[] | undefined;
  return (path) => {
    table ??= app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ pattern: routePattern(r.path), method: r.method }));
    const methods = new Set<string>();
    for (const r of table) if (r.pattern.test(path)) methods.add(r.method);
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods];
  };
}

/** A hono route path (`/v1/models/:id`) as an anchored RegExp. */
function routePattern(path: string): RegExp {
  const parts = path.split('/').map((p) => {
    if (p.startsWith(':')) return '[^/]+';
    if (p === '*') return '.*';
    return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('/')}/?$`);
}
