/**
 * The folder layouts a static model is read from and written to (as model2vec's `persistence/datamodels.py`
 * lists them). Each names the weights file, the tensor holding the table, the tokenizer and the config that
 * must exist. Tried in order when loading.
 */
export interface Layout {
  name: 'model2vec' | 'sentence-transformers' | 'sentence-transformers-module';
  weights: string;
  /** Tensor name of the V x d table. */
  tensor: string;
  tokenizer: string;
  config: string;
}

export const LAYOUTS: readonly Layout[] = [
  {
    name: 'model2vec',
    weights: 'model.safetensors',
    tensor: 'embeddings',
    tokenizer: 'tokenizer.json',
    config: 'config.json',
  },
  {
    name: 'sentence-transformers-module',
    weights: '0_StaticEmbedding/model.safetensors',
    tensor: 'embedding.weight',
    tokenizer: '0_StaticEmbedding/tokenizer.json',
    config: 'modules.json',
  },
  {
    name: 'sentence-transformers',
    weights: 'model.safetensors',
    tensor: 'embedding.weight',
    tokenizer: 'tokenizer.json',
    config: 'config_sentence_transformers.json',
  },
];

/** Output formats of `saveStaticModel`. */
export type SaveFormat = 'model2vec' | 'sentence-transformers';

/** gecko's own settings file, written beside either layout. */
export const GECKO_CONFIG = 'gecko.json';
