/**
 * Lucene's / Elasticsearch's default English stopword set (`_english_`), the one BEIR's BM25 baselines use.
 * Small on purpose: the query planner also drops any term too frequent to matter, by document frequency.
 */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);
