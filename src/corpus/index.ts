export type { QueryPlan, SearchHit, SearchHitWithSnippet, SearchOptions } from './bm25/search.js';
export { DEFAULT_MAX_POSTINGS, DEFAULT_POOL_SIZE } from './bm25/search.js';
export { type AddOptions, Corpus, type OpenCorpusOptions, openCorpus } from './Corpus.js';
export { type ChunkOptions, chunkText } from './chunk.js';
export type { ParallelIndexOptions } from './fts/ParallelIndexer.js';
export type { IngestResult, Rejected } from './ingest.js';
export type { Passage, PassageInput } from './passage.js';
export type { ColumnNames, InputFormat } from './readers/types.js';
export type { CorpusStats } from './stats.js';
