import type { Corpus } from '../../corpus/Corpus.js';
import { GeckoError } from '../../errors/GeckoError.js';
import { normalized as unitVector } from '../../math/normalize.js';
import { exactTopK } from '../../math/topK.js';
import type { Embedder } from '../../model/Embedder.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import { FRET_MIGRATIONS } from '../schema.js';
import type { Candidate, Retriever, TaskQuery } from './Retriever.js';

/** Indices of the k largest scores, best first; ties by index (i.e. by passage id order). */
export { topKIndices as topK } from '../../math/topK.js';

/** Options of {@link DenseRetriever.open}. */
export interface DenseRetrieverOptions {
  /** Passages per `embed` call while indexing. @default 256 */
  batchSize?: number;
  reporter?: Reporter;
  signal?: AbortSignal;
}

/**
 * Exact nearest-neighbour search over passage embeddings from any {@link Embedder} (the project's static
 * models, an OpenAI-compatible `/v1/embeddings` endpoint, ...). Queries are embedded as Gecko queries
 * (`kind: 'query'` with the generated task), passages as documents. Passage vectors are stored in the
 * workspace per embedder id as they are computed, so an interrupted indexing pass resumes.
 *
 * Brute force: one dot product per passage through the gemm kernel (a few ms per query for 100k passages at
 * d = 256). Corpora of
 * many millions of passages want an ANN index; that is not built here.
 */
export class DenseRetriever implements Retriever {
  readonly id: string;
  readonly #embedder: Embedder;
  readonly #ids: string[];
  readonly #matrix: Float32Array;
  readonly #dims: number;

  private constructor(embedder: Embedder, ids: string[], matrix: Float32Array) {
    this.#embedder = embedder;
    this.#ids = ids;
    this.#matrix = matrix;
    this.#dims = embedder.dimensions;
    this.id = `dense:${embedder.id}`;
  }

  /**
   * Embeds the corpus's canonical passages not yet stored for this embedder, then loads the index.
   * @throws GeckoError when the embedder returns vectors of the wrong size or count.
   */
  static async open(
    corpus: Corpus,
    embedder: Embedder,
    options: DenseRetrieverOptions = {},
  ): Promise<DenseRetriever> {
    const db = corpus.workspace.db;
    corpus.workspace.migrate('fret', FRET_MIGRATIONS);
    const batchSize = options.batchSize ?? 256;
    const reporter = options.reporter ?? silentReporter;
    const missing = db
      .prepare<[string], { id: string; title: string | null; text: string }>(
        `SELECT p.id, p.title, p.text FROM passages p
         WHERE p.dup_of IS NULL AND NOT EXISTS
           (SELECT 1 FROM fret_vectors v WHERE v.embedder = ? AND v.passage_id = p.id)
         ORDER BY p.rowid`,
      )
      .all(embedder.id);
    const insert = db.prepare(
      'INSERT OR REPLACE INTO fret_vectors(embedder, passage_id, vector) VALUES (?, ?, ?)',
    );
    const progress = reporter.progress('fret dense index', { total: missing.length, unit: 'passages' });
    for (let i = 0; i < missing.length; i += batchSize) {
      options.signal?.throwIfAborted();
      const batch = missing.slice(i, i + batchSize);
      const vectors = await embedder.embed(
        batch.map((p) => ({ title: p.title, text: p.text })),
        { kind: 'document', signal: options.signal },
      );
      if (vectors.length !== batch.length) {
        throw new GeckoError(
          `embedder ${embedder.id} returned ${vectors.length} vectors for ${batch.length} passages`,
          {
            code: 'EMBEDDER_OUTPUT',
          },
        );
      }
      db.transaction(() => {
        batch.forEach((p, j) => {
          const v = normalized(vectors[j] as Float32Array, embedder);
          insert.run(embedder.id, p.id, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
        });
      })();
      progress.tick(batch.length);
    }
    progress.done();
    const rows = db
      .prepare<[string], { passage_id: string; vector: Buffer }>(
        'SELECT passage_id, vector FROM fret_vectors WHERE embedder = ? ORDER BY passage_id',
      )
      .all(embedder.id);
    const d = embedder.dimensions;
    const matrix = new Float32Array(rows.length * d);
    rows.forEach((r, i) => {
      matrix.set(new Float32Array(r.vector.buffer, r.vector.byteOffset, d), i * d);
    });
    return new DenseRetriever(
      embedder,
      rows.map((r) => r.passage_id),
      matrix,
    );
  }

  get size(): number {
    return this.#ids.length;
  }

  async retrieve(q: TaskQuery, k: number): Promise<Candidate[]> {
    const [raw] = await this.#embedder.embed([q.query], { kind: 'query', task: q.task });
    const v = normalized(raw as Float32Array, this.#embedder);
    const [top] = exactTopK(v, 1, this.#matrix, this.#ids.length, this.#dims, k);
    const { keys, scores } = top as { keys: Int32Array; scores: Float32Array };
    return Array.from(keys, (i, r) => ({ id: this.#ids[i] as string, score: scores[r] as number }));
  }
}

function normalized(v: Float32Array, embedder: Embedder): Float32Array {
  if (v.length !== embedder.dimensions) {
    throw new GeckoError(
      `embedder ${embedder.id} returned a ${v.length}-d vector, expected ${embedder.dimensions}`,
      {
        code: 'EMBEDDER_OUTPUT',
      },
    );
  }
  return unitVector(v);
}
