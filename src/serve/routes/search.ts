import { Hono } from 'hono';
import { type CorpusSearcher, SEARCH_MODES, type SearchMode } from '../../index/CorpusSearcher.js';
import { clip, quoteValue } from '../../util/clip.js';
import { readJsonBody } from '../readJsonBody.js';
import { invalid, ServeError } from '../ServeError.js';

export interface SearchRouteDeps {
  /** null when the server was started without a corpus: the route then answers 404 with how to add one. */
  searcher: CorpusSearcher | null;
  /** Largest `k` a request may ask for. */
  maxK: number;
}

const FIELDS = new Set(['query', 'k', 'mode', 'task', 'model']);

/**
 * `POST /v1/search` (a Gecko extension): `{query, k?, mode?: bm25 | dense | hybrid, task?}` →
 * `{object: 'list', mode, data: [{id, score, title, text, rank}]}`.
 */
export function searchRoute(deps: SearchRouteDeps): Hono {
  return new Hono().post('/search', async (c) => {
    const body = await readJsonBody(c);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalid('body', 'the request body must be a JSON object');
    }
    const b = body as Record<string, unknown>;
    for (const key of Object.keys(b))
      if (!FIELDS.has(key)) throw invalid(clip(key), `unrecognized request argument supplied: ${clip(key)}`);
    if (typeof b.query !== 'string' || b.query.trim().length === 0) {
      throw invalid('query', "'query' must be a non-empty string");
    }
    const k = b.k ?? 10;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > deps.maxK) {
      throw invalid('k', `'k' must be an integer from 1 to ${deps.maxK}, got ${quoteValue(b.k)}`);
    }
    if (b.mode !== undefined && !SEARCH_MODES.includes(b.mode as SearchMode)) {
      throw invalid('mode', `'mode' must be one of ${SEARCH_MODES.join(', ')}, got ${quoteValue(b.mode)}`);
    }
    if (b.task !== undefined && (typeof b.task !== 'string' || b.task.trim().length === 0)) {
      throw invalid('task', "'task' must be a non-empty string");
    }
    if (!deps.searcher) {
      throw new ServeError(
        'NO_CORPUS',
        'this server has no corpus; start it with --work pointing at a workspace with a corpus',
      );
    }
    const mode = (b.mode as SearchMode | undefined) ?? deps.searcher.modes.at(-1)!;
    if (!deps.searcher.modes.includes(mode)) {
      throw new ServeError(
        'NO_INDEX',
        `search mode "${mode}" needs a vector index; build one with "gecko index build --model DIR"`,
        {
          param: 'mode',
        },
      );
    }
    const hits = await deps.searcher.search(b.query, {
      k,
      mode,
      ...(typeof b.task === 'string' ? { task: b.task } : {}),
    });
    return c.json({ object: 'list', mode, data: hits.map((h, i) => ({ ...h, rank: i + 1 })) });
  });
}
