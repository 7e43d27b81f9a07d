const f = Math.fround;

/**
 * numpy's pairwise summation of a float32 array (`np.sum` / `ndarray.sum` on contiguous float32 data):
 * blocks of up to 128 summed with 8 float32 accumulators, larger arrays split in halves (multiples of 8).
 * k-means++ compares these sums, so the order of rounding is kept.
 */
export function float32PairwiseSum(a: ArrayLike<number>, start = 0, n: number = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f(res + (a[start + i] as number));
    return res;
  }
  if (n <= 128) {
    const r = new Array<number>(8);
    for (let j = 0; j < 8; j++) r[j] = a[start + j] as number;
    let i = 8;
    for (; i < n - (n % 8); i += 8)
      for (let j = 0; j < 8; j++) r[j] = f((r[j] as number) + (a[start + i + j] as number));
    const [r0, r1, r2, r3, r4, r5, r6, r7] = r as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    let res = f(f(f(r0 + r1) + f(r2 + r3)) + f(f(r4 + r5) + f(r6 + r7)));
    for (; i < n; i++) res = f(res + (a[start + i] as number));
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f(float32PairwiseSum(a, start, n2) + float32PairwiseSum(a, start + n2, n - n2));
}
