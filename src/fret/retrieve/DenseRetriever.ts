import type { Corpus } from '../../corpus/Corpus.js';
import { GeckoError } from '../../errors/GeckoError.js';
import type { Embedder } from '../../model/Embedder.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import { FRET_MIGRATIONS } from '../schema.js';
import type { Candidate, Retriever, TaskQuery } from './Retriever.js';

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
 * Brute force: one dot product per passage (a few ms per query for 100k passages at d = 256). Corpora of
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
    const d = this.#dims;
    const n = this.#ids.length;
    const scores = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      const off = r * d;
      for (let c = 0; c < d; c++) s += (this.#matrix[off + c] as number) * (v[c] as number);
      scores[r] = s;
    }
    return topK(scores, k).map((i) => ({ id: this.#ids[i] as string, score: scores[i] as number }));
  }
}

/** Indices of the k largest scores, best first; ties by index (i.e. by passage id order). */
export function topK(scores: Float32Array, k: number): number[] {
  const heap: number[] = []; // min-heap by score of the best k so far, kept small: simple insertion
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (heap.length < k) {
      heap.push(i);
      if (heap.length === k) heap.sort((a, b) => (scores[a] as number) - (scores[b] as number) || b - a);
    } else if (s > (scores[heap[0] as number] as number)) {
      // Replace the worst and restore order by one insertion pass.
      heap[0] = i;
      for (let j = 0; j + 1 < heap.length; j++) {
        const a = heap[j] as number;
        const b = heap[j + 1] as number;
        if (
          (scores[a] as number) > (scores[b] as number) ||
          ((scores[a] as number) === (scores[b] as number) && a < b)
        ) {
          heap[j] = b;
          heap[j + 1] = a;
        } else break;
      }
    }
  }
  return heap.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
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
  let s = 0;
  for (const x of v) s += x * x;
  const norm = Math.sqrt(s);
  if (norm === 0 || Math.abs(norm - 1) < 1e-6) return v;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) / norm;
  return out;
}
