import type Database from 'better-sqlite3';
import type { Embedder, EmbedInput, EmbedOptions } from '../../model/Embedder.js';
import { sha256 } from '../../util/hash.js';
import type { Migration, Workspace } from '../../workspace/Workspace.js';

/** The eval part's tables in the workspace database. */
export const EVAL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: `CREATE TABLE eval_embedding_cache (
           model TEXT NOT NULL,
           key TEXT NOT NULL,
           vector BLOB NOT NULL,
           PRIMARY KEY (model, key)
         ) WITHOUT ROWID`,
  },
];

/**
 * Wraps an embedder with a persistent cache in the workspace database, keyed by the model's `id` and a hash
 * of (side, task prompt, dimensions, title, text): a rerun of the same evaluation embeds nothing twice.
 * `hits`/`misses` count texts served from and added to the cache.
 *
 * @example const cached = new CachedEmbedder(model, openWorkspace('./gecko-work'));
 */
export class CachedEmbedder implements Embedder {
  readonly inner: Embedder;
  readonly #get: Database.Statement<[string, string], { vector: Buffer }>;
  readonly #put: Database.Statement<[string, string, Buffer]>;
  readonly #db: Database.Database;
  hits = 0;
  misses = 0;

  constructor(inner: Embedder, workspace: Workspace) {
    workspace.migrate('eval', EVAL_MIGRATIONS);
    this.inner = inner;
    this.#db = workspace.db;
    this.#get = workspace.db.prepare('SELECT vector FROM eval_embedding_cache WHERE model = ? AND key = ?');
    this.#put = workspace.db.prepare(
      'INSERT OR REPLACE INTO eval_embedding_cache (model, key, vector) VALUES (?, ?, ?)',
    );
  }

  get id(): string {
    return this.inner.id;
  }
  get dimensions(): number {
    return this.inner.dimensions;
  }

  async embed(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const keys = inputs.map((x) => this.#key(x, options));
    const out: (Float32Array | undefined)[] = keys.map((k) => {
      const row = this.#get.get(this.id, k);
      return row
        ? new Float32Array(
            row.vector.buffer.slice(row.vector.byteOffset, row.vector.byteOffset + row.vector.byteLength),
          )
        : undefined;
    });
    const missing = out.flatMap((v, i) => (v ? [] : [i]));
    this.hits += inputs.length - missing.length;
    if (missing.length > 0) {
      const vecs = await this.inner.embed(
        missing.map((i) => inputs[i] as EmbedInput),
        options,
      );
      this.#db.transaction(() => {
        missing.forEach((i, j) => {
          const v = vecs[j] as Float32Array;
          out[i] = v;
          this.#put.run(this.id, keys[i] as string, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
        });
      })();
      this.misses += missing.length;
    }
    return out as Float32Array[];
  }

  #key(x: EmbedInput, o: EmbedOptions): string {
    const title = typeof x === 'string' ? '' : (x.title ?? '');
    const text = typeof x === 'string' ? x : x.text;
    return sha256(
      `${o.kind ?? 'query'}\0${o.task ?? ''}\0${o.dimensions ?? ''}\0${typeof x === 'string' ? 's' : 'd'}\0${title}\0${text}`,
    );
  }
}
