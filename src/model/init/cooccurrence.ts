import { type CsrMatrix, randomizedSvd, type TruncatedSvd } from '../../math/randomizedSvd.js';
import { createRng } from '../../math/rng.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import type { Tokenizer } from '../tokenizer/Tokenizer.js';

/** Settings of the co-occurrence initialisation. */
export interface CooccurrenceInitOptions {
  /** Neighbours on each side counted as context, weighted 1/distance (GloVe's weighting). @default 5 */
  window?: number;
  /** Context-distribution smoothing exponent (Levy, Goldberg & Dagan 2015). @default 0.75 */
  alpha?: number;
  /** Exponent p of the singular values in E = U S^p; 0.5 is the usual choice for similarity. @default 0.5 */
  eigenWeight?: number;
  /** Standard deviation of the random rows given to tokens the texts never show. @default 0.1 */
  initScale?: number;
  /** @default 42 */
  seed?: number;
  reporter?: Reporter;
}

/** What the initialisation found, for the training log and the model's provenance. */
export interface CooccurrenceInit {
  table: Float32Array;
  /** Tokens that occurred in the texts (the others keep a random row). */
  coveredTokens: number;
  tokens: number;
  nonZeros: number;
}

/**
 * An unsupervised token table from the user's own texts (issue 13, "knowledge that ships without downloads"):
 * windowed token co-occurrence counts -> positive PMI with smoothed context probabilities -> truncated SVD
 * (randomized) to `dim`, rows `U S^p`. Components come out by decreasing singular value, so Matryoshka
 * prefixes keep the strongest directions. Rows are scaled so their mean norm matches a random table's
 * (initScale * sqrt(dim)), so learning rates tuned for the random start still fit.
 *
 * @example
 * const { table } = cooccurrenceTable(tokenizer, corpusTexts, 256);
 * const model = new StaticModel({ tokenizer, table, dim: 256 });
 */
export function cooccurrenceTable(
  tokenizer: Tokenizer,
  texts: Iterable<string>,
  dim: number,
  options: CooccurrenceInitOptions = {},
): CooccurrenceInit {
  const reporter = options.reporter ?? silentReporter;
  const v = tokenizer.vocabSize;
  const ids = flatTokenIds(tokenizer, texts);
  const counts = windowCounts(ids, v, options.window ?? 5);
  const { ppmi, rowSum, nnz } = positivePmi(counts, v, options.alpha ?? 0.75);
  reporter.info(
    `co-occurrence init: ${ids.length} tokens, ${nnz} positive-PMI pairs; truncated SVD to ${dim}`,
  );
  const svd = randomizedSvd(ppmi, dim, { seed: options.seed ?? 42 });
  const { table, covered } = tableFromSvd(svd, rowSum, dim, {
    eigenWeight: options.eigenWeight ?? 0.5,
    initScale: options.initScale ?? 0.1,
    seed: options.seed ?? 42,
  });
  return { table, coveredTokens: covered, tokens: ids.length, nonZeros: nnz };
}

/** Token ids of every text, one flat array; a text boundary is -1, so windows never cross texts. */
function flatTokenIds(tokenizer: Tokenizer, texts: Iterable<string>): number[] {
  const ids: number[] = [];
  for (const t of texts) {
    for (const id of tokenizer.encode(t)) ids.push(id);
    ids.push(-1);
  }
  return ids;
}

/** A sparse v x v matrix of summed weights, each row's columns ascending (`rowPtr` indexes cols/counts). */
interface WindowCounts {
  rowPtr: Float64Array;
  cols: number[];
  counts: number[];
}

/**
 * Symmetric windowed co-occurrence weights (1/distance). Pass 1 counts events per row to lay the CSR events
 * out, pass 2 fills them, then each row's events are reduced into sorted (col, weight) with a dense scratch
 * row: no hash map of pairs, whose size would be the bottleneck on a large corpus.
 */
function windowCounts(ids: readonly number[], v: number, window: number): WindowCounts {
  const perRow = new Float64Array(v + 1);
  const visit = (fn: (a: number, b: number, w: number) => void): void => {
    for (let i = 0; i < ids.length; i++) {
      const a = ids[i]!;
      if (a < 0) continue;
      for (let d = 1; d <= window; d++) {
        const b = ids[i + d];
        if (b === undefined || b < 0) break;
        fn(a, b, 1 / d);
        fn(b, a, 1 / d);
      }
    }
  };
  visit((a) => {
    perRow[a + 1]!++;
  });
  for (let r = 0; r < v; r++) perRow[r + 1]! += perRow[r]!;
  const evCol = new Int32Array(perRow[v]!);
  const evW = new Float32Array(perRow[v]!);
  const fill = perRow.slice(0, v);
  visit((a, b, w) => {
    const at = fill[a]!++;
    evCol[at] = b;
    evW[at] = w;
  });
  const acc = new Float64Array(v);
  const rowPtr = new Float64Array(v + 1);
  const cols: number[] = [];
  const counts: number[] = [];
  for (let r = 0; r < v; r++) {
    const touched: number[] = [];
    for (let p = perRow[r]!; p < perRow[r + 1]!; p++) {
      const c = evCol[p]!;
      if (acc[c] === 0) touched.push(c);
      acc[c]! += evW[p]!;
    }
    touched.sort((x, y) => x - y);
    for (const c of touched) {
      cols.push(c);
      counts.push(acc[c]!);
      acc[c] = 0;
    }
    rowPtr[r + 1] = cols.length;
  }
  return { rowPtr, cols, counts };
}

/**
 * PPMI(a, b) = max(0, log(C_ab * sum_b' c_b'^alpha / (c_a * c_b^alpha))), c = row sums, as a CSR matrix
 * holding only the positive entries; the row sums come along (a zero row is a token the texts never show).
 */
function positivePmi(
  { rowPtr, cols, counts }: WindowCounts,
  v: number,
  alpha: number,
): { ppmi: CsrMatrix; rowSum: Float64Array; nnz: number } {
  const rowSum = new Float64Array(v);
  for (let r = 0; r < v; r++) for (let p = rowPtr[r]!; p < rowPtr[r + 1]!; p++) rowSum[r]! += counts[p]!;
  let smoothedTotal = 0;
  for (let r = 0; r < v; r++) smoothedTotal += rowSum[r]! ** alpha;
  const colIdx = new Int32Array(cols.length);
  const values = new Float32Array(cols.length);
  const outPtr = new Int32Array(v + 1);
  let nnz = 0;
  for (let r = 0; r < v; r++) {
    for (let p = rowPtr[r]!; p < rowPtr[r + 1]!; p++) {
      const c = cols[p]!;
      const pmi = Math.log((counts[p]! * smoothedTotal) / (rowSum[r]! * rowSum[c]! ** alpha));
      if (pmi > 0) {
        colIdx[nnz] = c;
        values[nnz] = pmi;
        nnz++;
      }
    }
    outPtr[r + 1] = nnz;
  }
  // The arrays keep their full length (rowPtr bounds the entries), as randomizedSvd reads them.
  const ppmi: CsrMatrix = { rows: v, cols: v, rowPtr: outPtr, colIdx, values };
  return { ppmi, rowSum, nnz };
}

/**
 * Rows `U S^p` for the tokens the texts show, scaled so their mean norm is a random row's (initScale *
 * sqrt(dim)) and learning rates tuned for the random start still fit; the other rows are random normal.
 */
function tableFromSvd(
  svd: TruncatedSvd,
  rowSum: Float64Array,
  dim: number,
  o: { eigenWeight: number; initScale: number; seed: number },
): { table: Float32Array; covered: number } {
  const v = rowSum.length;
  const p = o.eigenWeight;
  const table = new Float32Array(v * dim);
  let covered = 0;
  let normSum = 0;
  for (let r = 0; r < v; r++) {
    if (rowSum[r] === 0) continue;
    covered++;
    let n2 = 0;
    for (let c = 0; c < svd.rank; c++) {
      const x = svd.u[r * svd.rank + c]! * svd.s[c]! ** p;
      table[r * dim + c] = x;
      n2 += x * x;
    }
    normSum += Math.sqrt(n2);
  }
  const scale = o.initScale;
  const factor = covered > 0 && normSum > 0 ? (scale * Math.sqrt(dim) * covered) / normSum : 1;
  const rng = createRng(o.seed);
  for (let r = 0; r < v; r++) {
    const off = r * dim;
    if (rowSum[r] === 0) for (let c = 0; c < dim; c++) table[off + c] = rng.normal() * scale;
    else for (let c = 0; c < dim; c++) table[off + c]! *= factor;
  }
  return { table, covered };
}
