import { describe, expect, it } from 'vitest';
import { type ModelCardScore, renderModelCard } from '../../../src/model/formats/modelCard.js';
import { StaticModel } from '../../../src/model/StaticModel.js';
import { bertTokenizer, tinyTokenizer } from './fixtures.js';

/**
 * The model card is a published text (the Hub shows it): these pin it byte for byte, so that a change to its
 * wording or layout is a deliberate one (update with `npx vitest run -u` and review the diff). The snapshots
 * were written by the card code before it was split into sections (issue 15).
 */
const scores: ModelCardScore[] = [
  { task: 'SciFact', type: 'Retrieval', metric: 'ndcg_at_10', dimensions: null, score: 61.234 },
  { task: 'SciFact', type: 'Retrieval', metric: 'ndcg_at_10', dimensions: 16, score: 55.5 },
  { task: 'Banking77', type: 'Classification', metric: 'accuracy', dimensions: null, score: 70 },
];

describe('renderModelCard', () => {
  it('a bare model in the sentence-transformers layout', async () => {
    const model = StaticModel.create(tinyTokenizer(), 8, { seed: 3 });
    const card = renderModelCard(model, { name: "o'wner/na\\me", format: 'sentence-transformers' });
    await expect(card).toMatchFileSnapshot('./__snapshots__/modelCard.bare.md');
  });

  it('a trained Matryoshka model with provenance and scores in the model2vec layout', async () => {
    const model = StaticModel.create(bertTokenizer(), 48, {
      seed: 11,
      config: {
        maxLength: 128,
        matryoshkaDims: [48, 32, 16, 99],
        tokenizer: 'bert-base-uncased',
        init: { teacher: 'acme/teacher', method: 'vocab' },
        training: {
          steps: 100,
          batchSize: 32,
          lr: 0.05,
          seed: 7,
          loss: { name: 'matryoshka', dims: [48, 24] },
          sources: [
            { name: 'fret', kind: 'pairs', weight: 1, count: 500 },
            { name: 'nli', kind: 'triplets', weight: 0.5, count: 20 },
          ],
        },
      },
    });
    const card = renderModelCard(model, {
      name: 'acme/gecko-small',
      format: 'model2vec',
      license: 'apache 2.0',
      baseModel: 'acme/base',
      scores,
    });
    await expect(card).toMatchFileSnapshot('./__snapshots__/modelCard.trained.md');
  });

  it('a model with saturated term frequencies says where other libraries differ', () => {
    const model = StaticModel.create(tinyTokenizer(), 8, { seed: 3, config: { termFrequency: 'sqrt' } });
    const card = renderModelCard(model, { name: 'acme/tf', format: 'model2vec' });
    expect(card).toContain('each weighted by the square root of its count');
    expect(card).toContain('sqrt term-frequency pooling');
    expect(card).toContain('## Vectors in other libraries');
    expect(card).not.toContain('## Same vectors in every library');
  });
});
