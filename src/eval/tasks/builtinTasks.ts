import type { TaskMetadata } from './schema.js';

const t = (m: TaskMetadata): TaskMetadata => m;

/**
 * Built-in task declarations: MTEB English tasks with their Hugging Face dataset and pinned revision (the
 * revisions of mteb's task metadata, `../shared/docs/mteb-evaluation-spec.md` §9), downloaded on first use,
 * and the local copies described in `shared/data/README.md` (found under `--data`). Per-task parameters
 * follow mteb: samples_per_label overrides, ignore_identical_ids, STS22's 1–4 scale, Gecko's Table 9 prompts.
 */
export const BUILTIN_TASKS: readonly TaskMetadata[] = [
  t({
    name: 'SciFact',
    type: 'Retrieval',
    main_score: 'ndcg_at_10',
    eval_splits: ['test'],
    dataset: { path: 'mteb/scifact', revision: 'd56462d0' },
    prompt: 'fact checking',
  }),
  t({
    name: 'NFCorpus',
    type: 'Retrieval',
    main_score: 'ndcg_at_10',
    eval_splits: ['test'],
    dataset: { path: 'mteb/nfcorpus', revision: 'ec0fa4fe' },
    prompt: 'fact checking',
  }),
  t({
    name: 'ArguAna',
    type: 'Retrieval',
    main_score: 'ndcg_at_10',
    eval_splits: ['test'],
    ignore_identical_ids: true,
    dataset: { path: 'mteb/arguana', revision: 'c22ab2a5' },
    prompt: 'semantic similarity',
  }),
  t({
    name: 'FiQA2018',
    type: 'Retrieval',
    main_score: 'ndcg_at_10',
    eval_splits: ['test'],
    ignore_identical_ids: true,
    dataset: { path: 'mteb/fiqa', revision: '27a16881' },
    prompt: 'question answering',
  }),
  t({
    name: 'SCIDOCS',
    type: 'Retrieval',
    main_score: 'ndcg_at_10',
    eval_splits: ['test'],
    dataset: { path: 'mteb/scidocs', revision: 'f8c2fcf0' },
    prompt: 'question answering',
  }),
  t({
    name: 'TRECCOVID',
    type: 'Retrieval',
    main_score: 'ndcg_at_10',
    eval_splits: ['test'],
    dataset: { path: 'mteb/trec-covid', revision: 'bb9466ba' },
  }),
  t({
    name: 'QuoraRetrieval',
    type: 'Retrieval',
    main_score: 'ndcg_at_10',
    eval_splits: ['test'],
    ignore_identical_ids: true,
    dataset: { path: 'mteb/quora', revision: 'e4e08e0b' },
  }),
  t({
    name: 'STSBenchmark',
    type: 'STS',
    main_score: 'cosine_spearman',
    eval_splits: ['test'],
    dataset: { path: 'mteb/stsbenchmark-sts', revision: 'b0fddb56' },
  }),
  t({
    name: 'BIOSSES',
    type: 'STS',
    main_score: 'cosine_spearman',
    eval_splits: ['test'],
    dataset: { path: 'mteb/biosses-sts', revision: 'd3fb88f8' },
  }),
  t({
    name: 'SICK-R',
    type: 'STS',
    main_score: 'cosine_spearman',
    eval_splits: ['test'],
    dataset: { path: 'mteb/sickr-sts', revision: '20a6d6f3' },
  }),
  t({
    name: 'STS12',
    type: 'STS',
    main_score: 'cosine_spearman',
    eval_splits: ['test'],
    dataset: { path: 'mteb/sts12-sts', revision: 'a0d554a6' },
  }),
  t({
    name: 'Banking77Classification',
    type: 'Classification',
    main_score: 'accuracy',
    eval_splits: ['test'],
    train_split: 'train',
    dataset: { path: 'mteb/banking77', revision: '0fd18e25' },
  }),
  t({
    name: 'EmotionClassification',
    type: 'Classification',
    main_score: 'accuracy',
    eval_splits: ['test'],
    samples_per_label: 16,
    dataset: { path: 'mteb/emotion', revision: '4f58c6b2' },
  }),
  t({
    name: 'TweetSentimentExtractionClassification',
    type: 'Classification',
    main_score: 'accuracy',
    eval_splits: ['test'],
    samples_per_label: 32,
    dataset: { path: 'mteb/tweet_sentiment_extraction', revision: 'd604517c' },
  }),
  t({
    name: 'TwentyNewsgroupsClustering',
    type: 'Clustering',
    main_score: 'v_measure',
    eval_splits: ['test'],
    clustering_protocol: 'legacy',
    dataset: { path: 'mteb/twentynewsgroups-clustering', revision: '6125ec4e' },
  }),
  t({
    name: 'RedditClustering',
    type: 'Clustering',
    main_score: 'v_measure',
    eval_splits: ['test'],
    clustering_protocol: 'legacy',
    dataset: { path: 'mteb/reddit-clustering', revision: '24640382' },
  }),
  t({
    name: 'SprintDuplicateQuestions',
    type: 'PairClassification',
    main_score: 'max_ap',
    eval_splits: ['test'],
    dataset: { path: 'mteb/sprintduplicatequestions-pairclassification', revision: 'd66bd1f7' },
  }),
  t({
    name: 'TwitterSemEval2015',
    type: 'PairClassification',
    main_score: 'max_ap',
    eval_splits: ['test'],
    dataset: { path: 'mteb/twittersemeval2015-pairclassification', revision: '70970dae' },
  }),
  t({
    name: 'SummEval',
    type: 'Summarization',
    main_score: 'cosine_spearman',
    eval_splits: ['test'],
    summarization_version: 'v1',
    dataset: { path: 'mteb/summeval', revision: 'cda12ad7' },
  }),
  t({
    name: 'SummEvalSummarization.v2',
    type: 'Summarization',
    main_score: 'cosine_spearman',
    eval_splits: ['test'],
    summarization_version: 'v2',
    dataset: { path: 'mteb/summeval', revision: 'cda12ad7' },
  }),
];

/** The built-in declaration named `name` (case-insensitive), or undefined. */
export function findBuiltinTask(name: string): TaskMetadata | undefined {
  const n = name.toLowerCase();
  return BUILTIN_TASKS.find((m) => m.name.toLowerCase() === n);
}
