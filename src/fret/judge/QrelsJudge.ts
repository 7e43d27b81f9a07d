import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../errors/InputError.js';
import { sha256 } from '../../util/hash.js';
import { orderDescending, ranksDescending } from '../fusion.js';
import type { Judge, JudgeInput, Judgement } from './Judge.js';

/** Relevance judgements: query id → passage id → grade. */
export type Qrels = Map<string, Map<string, number>>;

/**
 * Reads a TREC/BEIR qrels file: TSV `query-id corpus-id score` (BEIR, with or without its header line) or
 * TREC `query-id 0 corpus-id score` (whitespace-separated, four columns).
 *
 * @throws InputError naming `file:line` for a malformed line.
 */
export function readQrels(file: string): Qrels {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ file }, `cannot read qrels: ${(e as Error).message}`, { cause: e });
  }
  const qrels: Qrels = new Map();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const cols = line.trim().split(/\s+/);
    if (i === 0 && cols[0] === 'query-id') return;
    if (cols.length !== 3 && cols.length !== 4) {
      throw new InputError(
        { file, line: i + 1 },
        `expected "query-id corpus-id score" (or TREC's 4 columns), got ${cols.length} columns`,
      );
    }
    const [q, d, s] = cols.length === 3 ? cols : [cols[0], cols[2], cols[3]];
    const grade = Number(s);
    if (!Number.isFinite(grade))
      throw new InputError({ file, line: i + 1, field: 'score' }, `expected a number, got "${s}"`);
    let m = qrels.get(q as string);
    if (!m) {
      m = new Map();
      qrels.set(q as string, m);
    }
    m.set(d as string, grade);
  });
  if (qrels.size === 0) throw new InputError({ file }, 'no judgements in the file');
  return qrels;
}

/**
 * The oracle judge for experiments: ranks candidates by known relevance grades instead of an LLM (unjudged
 * passages count as grade 0; ties keep the retriever's order), so the effect of FRet's relabelling and
 * negative choice can be measured on labelled data. Items whose query has no judgements are skipped.
 */
export class QrelsJudge implements Judge {
  readonly scoring = 'qrels' as const;
  readonly config: Record<string, unknown>;
  readonly #qrels: Qrels;

  constructor(file: string, qrels: Qrels = readQrels(file)) {
    this.#qrels = qrels;
    this.config = { judge: 'qrels', file: resolve(file), sha256: sha256(readFileSync(file)) };
  }

  async judge(input: JudgeInput): Promise<Judgement | { skip: string }> {
    const judged = this.#qrels.get(input.itemId);
    if (!judged) return { skip: 'no-judgements' };
    const grades = input.candidates.map((c) => judged.get(c.id) ?? 0);
    return {
      scores: { oracle: grades },
      ranks: { oracle: ranksDescending(grades), fused: ranksDescending(grades) },
      order: orderDescending(grades),
      usage: { promptTokens: 0, completionTokens: 0, scoredTokens: 0 },
      timings: {},
    };
  }
}
