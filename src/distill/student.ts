import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GeckoError } from '../errors/GeckoError.js';
import { InputError } from '../errors/InputError.js';
import { loadStaticModel } from '../model/formats/loadStaticModel.js';
import { saveStaticModel } from '../model/formats/saveStaticModel.js';
import { StaticModel, type StaticModelConfig } from '../model/StaticModel.js';
import { Tokenizer } from '../model/tokenizer/Tokenizer.js';
import { readTokenizerFile, tokenizerFromVocabFile } from '../model/tokenizer/tokenizerFiles.js';
import { trainWordPiece } from '../model/tokenizer/trainWordPiece.js';
import { buildDataset } from '../train/data/Dataset.js';
import { readSource } from '../train/data/readers.js';
import type { SourceSpec } from '../train/data/types.js';
import type { TrainResult } from '../train/trainStaticModel.js';
import { trainStaticModel } from '../train/trainStaticModel.js';
import { countJsonlRecords, readJsonlValues } from '../util/jsonl.js';
import type { Reporter } from '../util/Reporter.js';
import type { DistillConfig } from './config.js';

/** The student's tokenizer: a given tokenizer.json or vocab.txt, else WordPiece trained on the corpus. */
export async function studentTokenizer(
  config: DistillConfig,
  corpusJsonl: string,
  reporter: Reporter,
): Promise<{ tokenizer: Tokenizer; source: string }> {
  const s = config.student;
  if (s.tokenizer) {
    if (!existsSync(s.tokenizer)) throw new InputError({ file: s.tokenizer }, 'student.tokenizer not found');
    return {
      tokenizer: readTokenizerFile(s.tokenizer),
      source: s.tokenizer,
    };
  }
  if (s.vocab) {
    if (!existsSync(s.vocab)) throw new InputError({ file: s.vocab }, 'student.vocab not found');
    const tokenizer = tokenizerFromVocabFile(s.vocab);
    return { tokenizer, source: s.vocab };
  }
  const texts: string[] = [];
  for await (const d of readJsonlValues<{ title: string; text: string }>(corpusJsonl))
    texts.push(d.title ? `${d.title} ${d.text}` : d.text);
  const json = trainWordPiece(texts, { vocabSize: s.vocabSize, reporter });
  return { tokenizer: Tokenizer.fromJSON(json, 'wordpiece trained on the corpus'), source: 'corpus' };
}

/** One training phase's settings. */
export interface PhaseSettings {
  sources: SourceSpec[];
  outDir: string;
  steps?: number;
  epochs: number;
  batchSize: number;
  lr: number;
  matryoshka: number[];
  /** Pre-finetuning: in-batch negatives only (Gecko §3.1). */
  preFinetune: boolean;
  seed: number;
  /**
   * Hash of the stage's inputs. A checkpoint left in `outDir` by an interrupted run with the same inputs is
   * resumed; one from other inputs is discarded (the trainer would refuse it), so the phase starts afresh.
   */
  inputHash: string;
  reporter: Reporter;
  signal?: AbortSignal;
}

/** What a phase did. */
export interface PhaseSummary extends Record<string, unknown> {
  examples: number;
  sources: { name: string; kind: string; count: number; weight: number }[];
  steps: number;
  finalLoss: number | null;
  trained: boolean;
  resumed: boolean;
}

/**
 * Trains `model` on the sources (those with no examples are left out) and saves the result to
 * `outDir/model`. With fewer than two examples no batch can be formed: the model is saved as it is and
 * the summary says it was not trained, so a corpus without usable pairs still yields a model and a report.
 */
export async function trainPhase(model: StaticModel, p: PhaseSettings): Promise<PhaseSummary> {
  const sources = [];
  for (const spec of p.sources) {
    if (spec.kind !== 'wordnet' && !(await hasRecords(spec.path))) continue;
    sources.push(readSource(spec, p.seed));
  }
  const examples = sources.reduce((a, s) => a + s.examples.length, 0);
  const summary: PhaseSummary = {
    examples,
    sources: sources.map((s) => ({ name: s.name, kind: s.kind, count: s.examples.length, weight: s.weight })),
    steps: 0,
    finalLoss: null,
    trained: false,
    resumed: false,
  };
  if (examples < 2) {
    p.reporter.warn(`${p.outDir}: ${examples} training examples; the model is saved untrained`);
    await rm(join(p.outDir, 'model'), { recursive: true, force: true });
    await saveStaticModel(model, join(p.outDir, 'model'));
    return summary;
  }
  const marker = join(p.outDir, 'stage-input.txt');
  const resume = existsSync(marker) && readFileSync(marker, 'utf8') === p.inputHash;
  await mkdir(p.outDir, { recursive: true });
  await writeFile(marker, p.inputHash);
  const ds = buildDataset(sources);
  const dims = p.matryoshka.filter((d) => d <= model.dimensions);
  const result: TrainResult = await trainStaticModel(model, ds, {
    outDir: p.outDir,
    ...(p.steps ? { steps: p.steps } : { epochs: p.epochs }),
    // Batches hold distinct texts, so a batch cannot be larger than the data.
    batchSize: Math.max(2, Math.min(p.batchSize, ds.anchor.length)),
    lr: p.lr,
    sameTower: !p.preFinetune,
    hardNegatives: !p.preFinetune,
    ...(dims.length > 1 || dims[0] !== model.dimensions ? { matryoshkaDims: dims } : {}),
    seed: p.seed,
    resume,
    reporter: p.reporter,
    ...(p.signal ? { signal: p.signal } : {}),
  });
  if (result.stopped) {
    // Recording a stopped phase as done would publish a half-trained model; the checkpoint stays for resume.
    throw new GeckoError(
      `training in ${p.outDir} stopped at step ${result.steps}; run the same command again to resume from its checkpoint`,
      { code: 'INTERRUPTED' },
    );
  }
  return {
    ...summary,
    steps: result.steps,
    finalLoss: result.finalLoss,
    trained: true,
    resumed: result.resumed,
  };
}

/** A new student, initialised from the seed. */
export function newStudent(tokenizer: Tokenizer, config: DistillConfig): StaticModel {
  return StaticModel.create(tokenizer, config.student.dim, {
    seed: config.seed,
    config: studentModelConfig(config),
  });
}

/** The settings a new student stores (`gecko.json`), whichever way its table starts. */
export function studentModelConfig(config: DistillConfig): StaticModelConfig {
  return {
    maxLength: config.student.maxLength,
    matryoshkaDims: config.train.matryoshka,
    termFrequency: config.student.termFrequency,
  };
}

/** Loads the model a phase saved. */
export function loadPhaseModel(outDir: string, reporter: Reporter): Promise<StaticModel> {
  return loadStaticModel(join(outDir, 'model'), { reporter });
}

/** Copies a phase's model folder to the user-facing model folder. */
export async function publishModel(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive: true });
}

async function hasRecords(path: string): Promise<boolean> {
  if (!existsSync(path)) return false; // a source the run did not produce is left out, not an error
  return (await countJsonlRecords(path, 1)) > 0;
}
