/**
 * WebAssembly text of the training kernels that touch the token table: mean pooling (gather; plain and with
 * per-position weights), its backward
 * pass (scatter into touched-row gradients), lazy Adam over the touched rows, and a sum of squares. All are
 * f32x4 SIMD loops over rows whose width is a multiple of 4 (the wrapper falls back to JS otherwise).
 * Compiled by `build.ts` into `trainWasmBytes.ts`; a unit test checks the shipped bytes match.
 *
 * Addresses are byte offsets into the module's memory; `dimB` is the row width in bytes.
 */
export function trainWat(): string {
  return `(module
  (memory (export "memory") 1)
  ;; out[b] = mean over t of table[ids[t]] for t in [offs[b], offs[b+1])
  (func (export "pool") (param $table i32) (param $ids i32) (param $offs i32) (param $n i32) (param $dimB i32) (param $out i32)
    (local $b i32) (local $t i32) (local $end i32) (local $c i32) (local $row i32) (local $o i32) (local $acc v128) (local $inv v128)
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $n)))
      (local.set $t (i32.load (i32.add (local.get $offs) (i32.shl (local.get $b) (i32.const 2)))))
      (local.set $end (i32.load (i32.add (local.get $offs) (i32.shl (i32.add (local.get $b) (i32.const 1)) (i32.const 2)))))
      (local.set $inv (f32x4.splat (select
        (f32.div (f32.const 1) (f32.convert_i32_s (i32.sub (local.get $end) (local.get $t))))
        (f32.const 0)
        (i32.gt_s (local.get $end) (local.get $t)))))
      (local.set $o (i32.add (local.get $out) (i32.mul (local.get $b) (local.get $dimB))))
      (local.set $c (i32.const 0))
      (block $cDone (loop $cLoop
        (br_if $cDone (i32.ge_u (local.get $c) (local.get $dimB)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $row (i32.add (local.get $ids) (i32.shl (local.get $t) (i32.const 2))))
        (block $tDone (loop $tLoop
          (br_if $tDone (i32.ge_u (local.get $row) (i32.add (local.get $ids) (i32.shl (local.get $end) (i32.const 2)))))
          (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (i32.add (local.get $table)
            (i32.mul (i32.load (local.get $row)) (local.get $dimB))) (local.get $c)))))
          (local.set $row (i32.add (local.get $row) (i32.const 4)))
          (br $tLoop)))
        (v128.store (i32.add (local.get $o) (local.get $c)) (f32x4.mul (local.get $acc) (local.get $inv)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop))))
  ;; rows[slots[t]] += grad[b] / n_b for every token t of text b
  (func (export "pool_backward") (param $grad i32) (param $slots i32) (param $offs i32) (param $n i32) (param $dimB i32) (param $rows i32)
    (local $b i32) (local $t i32) (local $end i32) (local $c i32) (local $g i32) (local $r i32) (local $inv v128)
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $n)))
      (local.set $t (i32.load (i32.add (local.get $offs) (i32.shl (local.get $b) (i32.const 2)))))
      (local.set $end (i32.load (i32.add (local.get $offs) (i32.shl (i32.add (local.get $b) (i32.const 1)) (i32.const 2)))))
      (if (i32.gt_s (local.get $end) (local.get $t)) (then
        (local.set $inv (f32x4.splat (f32.div (f32.const 1) (f32.convert_i32_s (i32.sub (local.get $end) (local.get $t))))))
        (local.set $g (i32.add (local.get $grad) (i32.mul (local.get $b) (local.get $dimB))))
        (block $tDone (loop $tLoop
          (br_if $tDone (i32.ge_u (local.get $t) (local.get $end)))
          (local.set $r (i32.add (local.get $rows) (i32.mul (i32.load (i32.add (local.get $slots) (i32.shl (local.get $t) (i32.const 2)))) (local.get $dimB))))
          (local.set $c (i32.const 0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.ge_u (local.get $c) (local.get $dimB)))
            (v128.store (i32.add (local.get $r) (local.get $c))
              (f32x4.add (v128.load (i32.add (local.get $r) (local.get $c)))
                (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $c))) (local.get $inv))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cLoop)))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br $tLoop)))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop))))
  ;; out[b] = mean over t of w[t] * table[ids[t]]: pool with per-position weights (term-frequency saturation)
  (func (export "pool_w") (param $table i32) (param $ids i32) (param $w i32) (param $offs i32) (param $n i32) (param $dimB i32) (param $out i32)
    (local $b i32) (local $t i32) (local $end i32) (local $c i32) (local $row i32) (local $o i32) (local $acc v128) (local $inv v128)
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $n)))
      (local.set $t (i32.load (i32.add (local.get $offs) (i32.shl (local.get $b) (i32.const 2)))))
      (local.set $end (i32.load (i32.add (local.get $offs) (i32.shl (i32.add (local.get $b) (i32.const 1)) (i32.const 2)))))
      (local.set $inv (f32x4.splat (select
        (f32.div (f32.const 1) (f32.convert_i32_s (i32.sub (local.get $end) (local.get $t))))
        (f32.const 0)
        (i32.gt_s (local.get $end) (local.get $t)))))
      (local.set $o (i32.add (local.get $out) (i32.mul (local.get $b) (local.get $dimB))))
      (local.set $c (i32.const 0))
      (block $cDone (loop $cLoop
        (br_if $cDone (i32.ge_u (local.get $c) (local.get $dimB)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $row (i32.shl (local.get $t) (i32.const 2)))
        (block $tDone (loop $tLoop
          (br_if $tDone (i32.ge_u (local.get $row) (i32.shl (local.get $end) (i32.const 2))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
            (v128.load (i32.add (i32.add (local.get $table)
              (i32.mul (i32.load (i32.add (local.get $ids) (local.get $row))) (local.get $dimB))) (local.get $c)))
            (f32x4.splat (f32.load (i32.add (local.get $w) (local.get $row)))))))
          (local.set $row (i32.add (local.get $row) (i32.const 4)))
          (br $tLoop)))
        (v128.store (i32.add (local.get $o) (local.get $c)) (f32x4.mul (local.get $acc) (local.get $inv)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop))))
  ;; rows[slots[t]] += w[t] * grad[b] / n_b for every token t of text b
  (func (export "pool_backward_w") (param $grad i32) (param $slots i32) (param $w i32) (param $offs i32) (param $n i32) (param $dimB i32) (param $rows i32)
    (local $b i32) (local $t i32) (local $end i32) (local $c i32) (local $g i32) (local $r i32) (local $inv f32) (local $s v128)
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_u (local.get $b) (local.get $n)))
      (local.set $t (i32.load (i32.add (local.get $offs) (i32.shl (local.get $b) (i32.const 2)))))
      (local.set $end (i32.load (i32.add (local.get $offs) (i32.shl (i32.add (local.get $b) (i32.const 1)) (i32.const 2)))))
      (if (i32.gt_s (local.get $end) (local.get $t)) (then
        (local.set $inv (f32.div (f32.const 1) (f32.convert_i32_s (i32.sub (local.get $end) (local.get $t)))))
        (local.set $g (i32.add (local.get $grad) (i32.mul (local.get $b) (local.get $dimB))))
        (block $tDone (loop $tLoop
          (br_if $tDone (i32.ge_u (local.get $t) (local.get $end)))
          (local.set $r (i32.add (local.get $rows) (i32.mul (i32.load (i32.add (local.get $slots) (i32.shl (local.get $t) (i32.const 2)))) (local.get $dimB))))
          (local.set $s (f32x4.splat (f32.mul (local.get $inv) (f32.load (i32.add (local.get $w) (i32.shl (local.get $t) (i32.const 2)))))))
          (local.set $c (i32.const 0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.ge_u (local.get $c) (local.get $dimB)))
            (v128.store (i32.add (local.get $r) (local.get $c))
              (f32x4.add (v128.load (i32.add (local.get $r) (local.get $c)))
                (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $c))) (local.get $s))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cLoop)))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br $tLoop)))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop))))
  ;; lazy Adam(W) over rows ids[0..count): gradients in rows-major slots
  (func (export "adam") (param $params i32) (param $m i32) (param $v i32) (param $ids i32) (param $count i32) (param $grad i32) (param $dimB i32)
    (param $stepSize f32) (param $invBc2 f32) (param $beta1 f32) (param $beta2 f32) (param $eps f32) (param $decay f32) (param $gscale f32)
    (local $s i32) (local $base i32) (local $c i32) (local $gp i32) (local $i i32)
    (local $g v128) (local $mi v128) (local $vi v128) (local $p v128)
    (local $b1 v128) (local $b1c v128) (local $b2 v128) (local $b2c v128) (local $ss v128) (local $ib v128) (local $ep v128) (local $dc v128) (local $gs v128)
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $b1c (f32x4.splat (f32.sub (f32.const 1) (local.get $beta1))))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $b2c (f32x4.splat (f32.sub (f32.const 1) (local.get $beta2))))
    (local.set $ss (f32x4.splat (local.get $stepSize)))
    (local.set $ib (f32x4.splat (local.get $invBc2)))
    (local.set $ep (f32x4.splat (local.get $eps)))
    (local.set $dc (f32x4.splat (local.get $decay)))
    (local.set $gs (f32x4.splat (local.get $gscale)))
    (block $sDone (loop $sLoop
      (br_if $sDone (i32.ge_u (local.get $s) (local.get $count)))
      (local.set $base (i32.mul (i32.load (i32.add (local.get $ids) (i32.shl (local.get $s) (i32.const 2)))) (local.get $dimB)))
      (local.set $gp (i32.add (local.get $grad) (i32.mul (local.get $s) (local.get $dimB))))
      (local.set $c (i32.const 0))
      (block $cDone (loop $cLoop
        (br_if $cDone (i32.ge_u (local.get $c) (local.get $dimB)))
        (local.set $i (i32.add (local.get $base) (local.get $c)))
        (local.set $g (f32x4.mul (v128.load (i32.add (local.get $gp) (local.get $c))) (local.get $gs)))
        (local.set $mi (f32x4.add (f32x4.mul (local.get $b1) (v128.load (i32.add (local.get $m) (local.get $i))))
          (f32x4.mul (local.get $b1c) (local.get $g))))
        (local.set $vi (f32x4.add (f32x4.mul (local.get $b2) (v128.load (i32.add (local.get $v) (local.get $i))))
          (f32x4.mul (local.get $b2c) (f32x4.mul (local.get $g) (local.get $g)))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mi))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vi))
        (local.set $p (f32x4.mul (v128.load (i32.add (local.get $params) (local.get $i))) (local.get $dc)))
        (v128.store (i32.add (local.get $params) (local.get $i))
          (f32x4.sub (local.get $p) (f32x4.div (f32x4.mul (local.get $ss) (local.get $mi))
            (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vi) (local.get $ib))) (local.get $ep)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cLoop)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sLoop))))
  ;; sum of squares of n floats (n a multiple of 4)
  (func (export "sumsq") (param $p i32) (param $n i32) (result f64)
    (local $end i32) (local $acc v128) (local $x v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $x (v128.load (local.get $p)))
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $x) (local.get $x))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $l)))
    (f64.promote_f32 (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))))
)
`;
}
