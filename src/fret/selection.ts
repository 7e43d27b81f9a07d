import { UsageError } from '../errors/UsageError.js';
import { hash32 } from './random.js';

/**
 * How the hard negative is chosen from the LLM-ranked candidates p1…pN (Gecko §3.2, Table 3):
 * - `nth`: the candidate at rank `nth` (default N, the lowest-ranked: Gecko's best setting, "p20");
 * - `random`: drawn uniformly from P \ {p1}, seeded per example;
 * - `none`: no negative.
 */
export type NegativeRule = { kind: 'nth'; nth?: number } | { kind: 'random' } | { kind: 'none' };

/**
 * Parses a rule as `--negative` and distill's `mine.negative` spell it: `nth | nth:K | random | none`.
 * @param name the option or setting named in the error.
 * @throws UsageError naming `name` and the accepted forms.
 * @example parseNegativeRule('nth:10'); // { kind: 'nth', nth: 10 }
 */
export function parseNegativeRule(value: string, name = '--negative'): NegativeRule {
  if (value === 'nth') return { kind: 'nth' };
  if (value === 'random' || value === 'none') return { kind: value };
  const m = /^nth:(\d+)$/.exec(value);
  if (m && Number(m[1]) >= 2) return { kind: 'nth', nth: Number(m[1]) };
  throw new UsageError(
    `${name} must be nth (the N-th ranked), nth:K (K >= 2), random or none, got "${value}"`,
  );
}

/** What {@link selectPair} chose, as indices into the candidate list (not ranks). */
export interface PairSelection {
  positive: number;
  negative: number | null;
}

/**
 * Picks the positive (the best-ranked candidate) and the hard negative by `rule` from `order`, the candidate
 * indices best first. `nth` beyond the list clamps to the last candidate (a small corpus may return fewer
 * than N). With a single candidate there is no negative.
 *
 * @throws RangeError for an empty order or an `nth` below 2 (rank 1 is the positive).
 * @example selectPair([2, 0, 1], { kind: 'nth' }, 'q1') // { positive: 2, negative: 1 }
 */
export function selectPair(order: readonly number[], rule: NegativeRule, exampleId: string): PairSelection {
  const positive = order[0];
  if (positive === undefined) throw new RangeError('selectPair: no candidates');
  if (rule.kind === 'none' || order.length < 2) return { positive, negative: null };
  if (rule.kind === 'random') {
    const rest = order.slice(1);
    return { positive, negative: rest[hash32('fret-negative', exampleId) % rest.length] as number };
  }
  const nth = rule.nth ?? order.length;
  if (!Number.isInteger(nth) || nth < 2) throw new RangeError(`hard negative rank must be >= 2, got ${nth}`);
  return { positive, negative: order[Math.min(nth, order.length) - 1] as number };
}

/** Relabel bookkeeping over a dataset (the paper reports p+ ≠ p_seed for about 15% of examples). */
export interface RelabelStats {
  /** Examples whose seed passage is known. */
  withSeed: number;
  /** Of those, examples whose positive is not the seed. */
  relabeled: number;
  /** relabeled / withSeed, or null when no example has a seed. */
  rate: number | null;
}

/** Counts relabeled examples; examples without a seed (external queries) are left out of the rate. */
export function relabelStats(
  examples: Iterable<{ seed_id: string | null; positive: { id: string } }>,
): RelabelStats {
  let withSeed = 0;
  let relabeled = 0;
  for (const e of examples) {
    if (e.seed_id === null) continue;
    withSeed++;
    if (e.positive.id !== e.seed_id) relabeled++;
  }
  return { withSeed, relabeled, rate: withSeed === 0 ? null : relabeled / withSeed };
}
