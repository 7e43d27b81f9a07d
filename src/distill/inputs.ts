import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Corpus } from '../corpus/Corpus.js';
import { sha256 } from '../util/hash.js';
import type { DistillConfig } from './config.js';
import { parseSourceSpec } from './parse.js';
import { hashFile, hashPaths, inputHash, STAGES, type StageName, type StageRunner } from './stages.js';
import { teacherEmbedderSpec } from './teacherInit.js';

/**
 * Input hashes of the stages after `pairs`, from the settings and upstream output hashes in `h`; the files
 * the settings name (tokenizer, extra sources, task folders) are hashed with `hashPath`.
 */
export function stageInputs(
  config: DistillConfig,
  h: Partial<Record<StageName, string>>,
  hashPath: (path: string) => Promise<string> = fileOrDirHash,
) {
  const c = config;
  const fileHashes = async (paths: readonly (string | null)[]): Promise<(string | null)[]> =>
    Promise.all(paths.map((x) => (x ? hashPath(x) : null)));
  return {
    pairs: () =>
      inputHash({
        ingest: h.ingest,
        seed: c.seed,
        holdout: c.eval.holdout,
        modes: c.pretrain.selfSupervised,
      }),
    generate: () => inputHash({ ingest: h.ingest, llm: c.llm, generate: c.generate, seed: c.seed }),
    mine: () =>
      inputHash({
        generate: h.generate,
        mine: mineSettings(c.mine),
        llm: c.mine.judge.startsWith('qrels:') ? null : c.llm,
      }),
    split: () => inputHash({ mine: h.mine, seed: c.seed, holdout: c.eval.holdout }),
    pretrain: async () =>
      inputHash({
        pairs: h.pairs,
        student: c.student,
        // With init auto the teacher may be the LLM itself: the spec in use, not only the setting.
        teacher: teacherEmbedderSpec(c),
        files: await fileHashes([c.student.tokenizer, c.student.vocab]),
        pretrain: c.pretrain,
        matryoshka: c.train.matryoshka,
        seed: c.seed,
      }),
    train: async () =>
      inputHash({
        pretrain: h.pretrain,
        split: h.split,
        train: c.train,
        extra: await fileHashes(c.train.extra.map((s) => parseSourceSpec(s).path)),
        seed: c.seed,
      }),
    // Local task folders are hashed too, so edited evaluation data is evaluated again.
    eval: async () =>
      inputHash({
        train: h.train,
        pairs: h.pairs,
        split: h.split,
        eval: c.eval,
        taskData: await fileHashes(c.eval.tasks.map((t) => (c.eval.data ? join(c.eval.data, t) : null))),
        seed: c.seed,
      }),
    report: () => inputHash({ mine: h.mine, pretrain: h.pretrain, train: h.train, eval: h.eval, config: c }),
  };
}

/**
 * The mining settings the mine stage's hash covers. The retriever's count only when it is not the default
 * BM25 (the embedder's key variable never: it changes no result), so records written before
 * `mine.retriever` existed stay up to date.
 */
function mineSettings(m: DistillConfig['mine']): Record<string, unknown> {
  const { retriever, embedder, embedderKeyEnv: _, rrfK, ...rest } = m;
  if (retriever === 'bm25') return rest;
  return { ...rest, retriever, embedder, ...(retriever === 'hybrid' ? { rrfK } : {}) };
}

/** Which stages will run: walks the chain while stored records match; after the first change, all run. */
export async function planActions(
  runner: StageRunner,
  config: DistillConfig,
  h: Partial<Record<StageName, string>>,
  hashPath: (path: string) => Promise<string> = fileOrDirHash,
): Promise<Record<StageName, 'run' | 'skip'>> {
  const actions = Object.fromEntries(STAGES.map((s) => [s, 'run'])) as Record<StageName, 'run' | 'skip'>;
  actions.ingest = runner.records.get('ingest')?.skipped ? 'skip' : 'run';
  actions.pairs = runner.records.get('pairs')?.skipped ? 'skip' : 'run';
  const sim = { ...h };
  const hashes = stageInputs(config, sim, hashPath);
  for (const stage of STAGES.slice(2)) {
    const hash = await (hashes[stage as Exclude<StageName, 'ingest'>] as () => string | Promise<string>)();
    if (!(await runner.upToDate(stage, hash))) break;
    actions[stage] = 'skip';
    sim[stage] = runner.stored(stage)?.outputHash;
  }
  return actions;
}

/** A fingerprint of every passage (id, title, text), so a stage downstream of ingest sees any change. */
export async function corpusFingerprint(corpus: Corpus): Promise<string> {
  const parts: string[] = [];
  for await (const x of corpus) parts.push(sha256(`${x.id}\0${x.title ?? ''}\0${x.text}`));
  return sha256(parts.join(''));
}

/**
 * {@link fileOrDirHash} remembering each path's hash: for the files a configuration names, which the plan
 * and the stages' runs both hash and no stage writes.
 */
export function onceFileHasher(): (path: string) => Promise<string> {
  const seen = new Map<string, Promise<string>>();
  return (path) => {
    const h = seen.get(path) ?? fileOrDirHash(path);
    seen.set(path, h);
    return h;
  };
}

export async function fileOrDirHash(path: string): Promise<string> {
  if (!existsSync(path)) return 'missing';
  return statSync(path).isDirectory() ? hashPaths([path]) : hashFile(path);
}
