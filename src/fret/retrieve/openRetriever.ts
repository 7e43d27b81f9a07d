import type { Corpus } from '../../corpus/Corpus.js';
import { UsageError } from '../../errors/UsageError.js';
import { openEmbedder } from '../../eval/embedders/openEmbedder.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import { DenseRetriever } from './DenseRetriever.js';
import { trainQuickStudent } from './quickStudent.js';
import { Bm25Retriever, HybridRetriever, type LexicalQueryText, type Retriever } from './Retriever.js';

/** The retriever kinds {@link openRetriever} builds. */
export const RETRIEVER_KINDS = ['bm25', 'dense', 'hybrid', 'student'] as const;
export type RetrieverKind = (typeof RETRIEVER_KINDS)[number];

/**
 * FRet step 2's first-stage retriever, as `fret mine --retriever …` and distill's `mine.retriever` settings
 * describe it. Values are checked here, so every caller reports a bad one the same way.
 */
export interface RetrieverSpec {
  /** bm25 | dense | hybrid (RRF of BM25 and dense) | student (a quick student trained first). @default 'bm25' */
  kind?: string;
  /** The dense side's embedder (dense, hybrid): `openai:BASE_URL#model` or a static model folder / repo id. */
  embedder?: string;
  /** Environment variable holding the key of an `openai:` embedder. @default 'OPENAI_API_KEY' */
  embedderKeyEnv?: string;
  /** BM25 searches the unified "task: … | query: …" text or the query alone. @default 'unified' */
  bm25Text?: string;
  /** RRF constant of the hybrid. @default 60 */
  rrfK?: number;
  /** The quick student of kind `student`: the run it trains on and its size. */
  student?: { run: string; steps: number; dimensions: number; tokenizerFile?: string };
}

/** How errors name each setting: the CLI's flags (`--retriever`) or a config's fields (`mine.retriever`). */
export type RetrieverSettingNames = Record<'kind' | 'embedder' | 'bm25Text' | 'rrfK', string>;

/** Options of {@link openRetriever}. */
export interface OpenRetrieverOptions {
  /** @default the {@link RetrieverSpec} field names */
  names?: Partial<RetrieverSettingNames>;
  /** Kinds the caller offers (a config may offer fewer). @default RETRIEVER_KINDS */
  kinds?: readonly RetrieverKind[];
  reporter?: Reporter;
  signal?: AbortSignal;
}

/**
 * Builds the retriever a spec names: BM25 over the corpus's FTS5 index, dense search over an embedder's
 * passage vectors (indexed into the workspace, resumable), their reciprocal-rank hybrid, or a dense search
 * over a quick student trained on the run's (query, seed) pairs (the paper's initial retriever).
 *
 * @throws UsageError naming the setting at fault (through `names`) and what it accepts.
 * @example const r = await openRetriever(corpus, { kind: 'hybrid', embedder: 'openai:http://127.0.0.1:8000/v1#bge' });
 */
export async function openRetriever(
  corpus: Corpus,
  spec: RetrieverSpec,
  options: OpenRetrieverOptions = {},
): Promise<Retriever> {
  const names: RetrieverSettingNames = {
    kind: 'kind',
    embedder: 'embedder',
    bm25Text: 'bm25Text',
    rrfK: 'rrfK',
    ...options.names,
  };
  const reporter = options.reporter ?? silentReporter;
  const bm25Text = spec.bm25Text ?? 'unified';
  if (bm25Text !== 'unified' && bm25Text !== 'query')
    throw new UsageError(`${names.bm25Text} must be unified or query, got "${bm25Text}"`);
  const rrfK = spec.rrfK ?? 60;
  if (!Number.isFinite(rrfK) || rrfK < 0)
    throw new UsageError(`${names.rrfK} must be a number >= 0, got "${rrfK}"`);
  const kind = spec.kind ?? 'bm25';
  const kinds = options.kinds ?? RETRIEVER_KINDS;
  if (!(kinds as readonly string[]).includes(kind))
    throw new UsageError(`${names.kind} must be ${orList(kinds)}, got "${kind}"`);
  const bm25 = new Bm25Retriever(corpus, bm25Text as LexicalQueryText);
  if (kind === 'bm25') return bm25;
  const dense = { reporter, ...(options.signal ? { signal: options.signal } : {}) };
  if (kind === 'student') {
    if (!spec.student) throw new UsageError(`${names.kind} student needs the quick student's settings`);
    const s = spec.student;
    const model = await trainQuickStudent(corpus, {
      run: s.run,
      outDir: corpus.workspace.path('fret', s.run, 'student'),
      steps: s.steps,
      dimensions: s.dimensions,
      tokenizerFile: s.tokenizerFile,
      ...dense,
    });
    return DenseRetriever.open(corpus, model, dense);
  }
  if (!spec.embedder)
    throw new UsageError(
      `${names.kind} ${kind} needs ${names.embedder} SPEC (openai:URL#model, or a static model folder)`,
    );
  const embedder = await openEmbedder(spec.embedder, {
    ...(spec.embedderKeyEnv ? { apiKeyEnv: spec.embedderKeyEnv } : {}),
    what: names.embedder,
    reporter,
  });
  const retriever = await DenseRetriever.open(corpus, embedder, dense);
  return kind === 'dense' ? retriever : new HybridRetriever(bm25, retriever, { k: rrfK });
}

/** "a, b or c". */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
