/**
 * Python's `round(x, ndigits)`: the decimal with `ndigits` places nearest to the exact binary value of `x`,
 * ties to even. mteb rounds every retrieval mean with it. `Number.prototype.toFixed` also works on the exact
 * value but breaks exact ties away from zero (`(0.015625).toFixed(5)` is `"0.01563"`, Python gives
 * `0.01562`), so exact ties are detected with BigInt arithmetic on the mantissa and exponent.
 *
 * @example pyRound(0.015625, 5) // 0.01562
 */
export function pyRound(x: number, ndigits = 5): number {
  if (!Number.isFinite(x) || ndigits < 0 || ndigits > 15 || Math.abs(x) >= 1e15) return x;
  const fixed = x.toFixed(ndigits);
  const tie = exactTieFloor(Math.abs(x), ndigits);
  if (tie === null) return Number.parseFloat(fixed);
  // |x|·10^d = q + 1/2 exactly: pick the even neighbour.
  const q = tie % 2n === 0n ? tie : tie + 1n;
  const digits = q.toString().padStart(ndigits + 1, '0');
  const cut = digits.length - ndigits;
  const v = Number.parseFloat(ndigits === 0 ? digits : `${digits.slice(0, cut)}.${digits.slice(cut)}`);
  return x < 0 ? -v : v;
}

/** When `a·10^d` (a ≥ 0) is exactly `q + 1/2`, returns `q`; otherwise null. */
function exactTieFloor(a: number, d: number): bigint | null {
  if (a === 0) return null;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (expBits === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  if (exp >= 0) return null; // an integer times 10^d is an integer: never a half
  // a·10^d·2 = mant·10^d·2 / 2^-exp must be an odd integer.
  const num = mant * 10n ** BigInt(d) * 2n;
  const den = 1n << BigInt(-exp);
  if (num % den !== 0n) return null;
  const twice = num / den;
  if (twice % 2n === 0n) return null;
  return (twice - 1n) / 2n;
}
