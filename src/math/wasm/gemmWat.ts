/**
 * WebAssembly text of the SIMD kernel C = A . B^T (f32, 128-bit SIMD), generated here so that the 4 x 4
 * register tile (16 v128 accumulators) is written once as a loop rather than by hand. `build.ts` compiles it
 * with wabt into `gemmWasmBytes.ts`; a unit test recompiles it and checks the shipped bytes match.
 *
 * Contract: K is a multiple of 4 (the wrapper pads), A, B, C are f32 row-major at byte offsets pa, pb, pc.
 */
export function gemmWat(): string {
  const acc = (i: number, j: number): string => `$c${i}${j}`;
  const locals: string[] = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) locals.push(`(local ${acc(i, j)} v128)`);
  for (let i = 0; i < 4; i++) locals.push(`(local $a${i} v128) (local $b${i} v128)`);
  const zero: string[] = [];
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) zero.push(`(local.set ${acc(i, j)} (v128.const i32x4 0 0 0 0))`);
  const loads: string[] = [];
  for (let i = 0; i < 4; i++)
    loads.push(
      `(local.set $a${i} (v128.load (i32.add (local.get $ra${i}) (local.get $t))))`,
      `(local.set $b${i} (v128.load (i32.add (local.get $rb${i}) (local.get $t))))`,
    );
  const fmas: string[] = [];
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++)
      fmas.push(
        `(local.set ${acc(i, j)} (f32x4.add (local.get ${acc(i, j)}) (f32x4.mul (local.get $a${i}) (local.get $b${j}))))`,
      );
  const stores: string[] = [];
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++)
      stores.push(
        `(f32.store (i32.add (local.get $pcRow) (i32.shl (i32.add (i32.mul (i32.const ${i}) (local.get $n)) (i32.add (local.get $j) (i32.const ${j}))) (i32.const 2))) (call $hsum (local.get ${acc(i, j)})))`,
      );
  return `(module
  (memory (export "memory") 1)
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))
  (func $dot (param $pa i32) (param $pb i32) (param $kb i32) (result f32)
    (local $acc v128) (local $t i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $t) (local.get $kb)))
      (local.set $acc (f32x4.add (local.get $acc)
        (f32x4.mul (v128.load (i32.add (local.get $pa) (local.get $t))) (v128.load (i32.add (local.get $pb) (local.get $t))))))
      (local.set $t (i32.add (local.get $t) (i32.const 16)))
      (br $l)))
    (call $hsum (local.get $acc)))
  (func (export "gemm_nt") (param $pa i32) (param $pb i32) (param $pc i32) (param $m i32) (param $n i32) (param $k i32)
    (local $i i32) (local $j i32) (local $t i32) (local $kb i32) (local $m4 i32) (local $n4 i32) (local $pcRow i32)
    (local $ra0 i32) (local $ra1 i32) (local $ra2 i32) (local $ra3 i32)
    (local $rb0 i32) (local $rb1 i32) (local $rb2 i32) (local $rb3 i32)
    ${locals.join(' ')}
    (local.set $kb (i32.shl (local.get $k) (i32.const 2)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $i (i32.const 0))
    (block $iDone (loop $iLoop
      (br_if $iDone (i32.ge_u (local.get $i) (local.get $m4)))
      (local.set $ra0 (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $kb))))
      (local.set $ra1 (i32.add (local.get $ra0) (local.get $kb)))
      (local.set $ra2 (i32.add (local.get $ra1) (local.get $kb)))
      (local.set $ra3 (i32.add (local.get $ra2) (local.get $kb)))
      (local.set $pcRow (i32.add (local.get $pc) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
      (local.set $j (i32.const 0))
      (block $jDone (loop $jLoop
        (br_if $jDone (i32.ge_u (local.get $j) (local.get $n4)))
        (local.set $rb0 (i32.add (local.get $pb) (i32.mul (local.get $j) (local.get $kb))))
        (local.set $rb1 (i32.add (local.get $rb0) (local.get $kb)))
        (local.set $rb2 (i32.add (local.get $rb1) (local.get $kb)))
        (local.set $rb3 (i32.add (local.get $rb2) (local.get $kb)))
        ${zero.join('\n        ')}
        (local.set $t (i32.const 0))
        (block $tDone (loop $tLoop
          (br_if $tDone (i32.ge_u (local.get $t) (local.get $kb)))
          ${loads.join('\n          ')}
          ${fmas.join('\n          ')}
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (br $tLoop)))
        ${stores.join('\n        ')}
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $jLoop)))
      ;; columns left over when N is not a multiple of 4
      (block $eDone (loop $eLoop
        (br_if $eDone (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $t (i32.const 0))
        (block $rDone (loop $rLoop
          (br_if $rDone (i32.ge_u (local.get $t) (i32.const 4)))
          (f32.store
            (i32.add (local.get $pcRow) (i32.shl (i32.add (i32.mul (local.get $t) (local.get $n)) (local.get $j)) (i32.const 2)))
            (call $dot (i32.add (local.get $ra0) (i32.mul (local.get $t) (local.get $kb)))
              (i32.add (local.get $pb) (i32.mul (local.get $j) (local.get $kb))) (local.get $kb)))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br $rLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $eLoop)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $iLoop)))
    ;; rows left over when M is not a multiple of 4
    (block $fDone (loop $fLoop
      (br_if $fDone (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $j (i32.const 0))
      (block $gDone (loop $gLoop
        (br_if $gDone (i32.ge_u (local.get $j) (local.get $n)))
        (f32.store
          (i32.add (local.get $pc) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
          (call $dot (i32.add (local.get $pa) (i32.mul (local.get $i) (local.get $kb)))
            (i32.add (local.get $pb) (i32.mul (local.get $j) (local.get $kb))) (local.get $kb)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $gLoop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $fLoop))))
)
`;
}
