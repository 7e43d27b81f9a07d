import { saveStaticModel } from '../../../src/model/formats/saveStaticModel.js';
import { StaticModel } from '../../../src/model/StaticModel.js';
import { bertTokenizer } from '../model/fixtures.js';

/**
 * A small static model built with the project's own code: BERT's uncased WordPiece vocabulary and a seeded
 * random 48-wide table with per-token weights. Its vectors mean nothing, but every code path (prompting,
 * tokenising, weighted pooling, Matryoshka truncation) runs as with a trained model.
 */
export function testModel(options: { maxLength?: number } = {}): StaticModel {
  return StaticModel.create(bertTokenizer(), 48, {
    seed: 11,
    tokenWeights: true,
    config: { maxLength: options.maxLength ?? 64 },
  });
}

/** {@link testModel} saved as a model2vec folder in `dir`, as `gecko serve --model DIR` reads it. */
export async function saveTestModel(dir: string, options: { maxLength?: number } = {}): Promise<StaticModel> {
  const model = testModel(options);
  await saveStaticModel(model, dir);
  return model;
}

/** Decodes OpenAI's base64 embedding (little-endian float32). */
export function decodeBase64(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Largest absolute difference between two vectors (Infinity when lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
