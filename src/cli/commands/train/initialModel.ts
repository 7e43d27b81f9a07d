import { existsSync } from 'node:fs';
import { UsageError } from '../../../errors/UsageError.js';
import { loadStaticModel } from '../../../model/formats/loadStaticModel.js';
import { cooccurrenceTable } from '../../../model/init/cooccurrence.js';
import { StaticModel } from '../../../model/StaticModel.js';
import { DEFAULT_STUDENT_TERM_FREQUENCY } from '../../../model/termFrequency.js';
import type { Tokenizer } from '../../../model/tokenizer/Tokenizer.js';
import { readTokenizerFile, tokenizerFromVocabFile } from '../../../model/tokenizer/tokenizerFiles.js';
import { unformat } from '../../../model/unifiedFormat.js';
import type { Reporter } from '../../../util/Reporter.js';
import type { TrainArgs } from './flags.js';

/**
 * The model `gecko train` starts from: `--model` (given token weights with `--token-weights`, its pooling
 * switched with `--term-frequency`), or a new one on `--tokenizer` / `--vocab`, its table random or
 * (`--init cooccurrence`) from the training texts.
 *
 * @throws {UsageError} when no model or tokenizer is given, or the tokenizer file is missing.
 */
export async function initialModel(
  a: TrainArgs,
  seed: number,
  dim: number | undefined,
  maxLength: number | undefined,
  reporter: Reporter,
  texts: readonly string[],
): Promise<StaticModel> {
  const config = {
    ...(maxLength ? { maxLength } : {}),
    ...(a.termFrequency ? { termFrequency: a.termFrequency } : {}),
  };
  const newConfig = { termFrequency: DEFAULT_STUDENT_TERM_FREQUENCY, ...config };
  if (a.model) {
    const m = await loadStaticModel(a.model, { reporter, ...(maxLength ? { maxLength } : {}) });
    const addWeights = a.tokenWeights && !m.weights;
    const retf = a.termFrequency !== undefined && a.termFrequency !== m.termFrequency;
    if (!addWeights && !retf) return m;
    if (retf) reporter.info(`termFrequency: ${m.termFrequency} -> ${a.termFrequency} (--term-frequency)`);
    return new StaticModel({
      tokenizer: m.tokenizer,
      table: m.table,
      dim: m.dimensions,
      weights: addWeights ? new Float32Array(m.tokenizer.vocabSize).fill(1) : m.weights,
      config: { ...m.config, ...config },
      reporter,
    });
  }
  let tokenizer: Tokenizer;
  if (a.tokenizer) {
    if (!existsSync(a.tokenizer)) throw new UsageError(`--tokenizer ${a.tokenizer} does not exist`);
    tokenizer = readTokenizerFile(a.tokenizer);
  } else if (a.vocab) {
    tokenizer = tokenizerFromVocabFile(a.vocab);
  } else {
    throw new UsageError(
      'give --model to continue training a model, or --tokenizer / --vocab to start a new one',
    );
  }
  if (dim === undefined) throw new UsageError('--dim is needed for a new model');
  const model = StaticModel.create(tokenizer, dim, {
    seed,
    tokenWeights: a.tokenWeights,
    config: newConfig,
  });
  if (a.init === 'random') return model;
  const init = cooccurrenceTable(tokenizer, texts.map(unformat), dim, { seed, reporter });
  reporter.info(
    `init: co-occurrence table from ${init.tokens} tokens (${init.coveredTokens} of ${tokenizer.vocabSize} vocabulary tokens seen)`,
  );
  return new StaticModel({
    tokenizer,
    table: init.table,
    dim,
    weights: model.weights,
    config: newConfig,
    reporter,
  });
}
