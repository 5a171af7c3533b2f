// Elementwise kernels for the optimizer's hot loop. They compute in f64x2 lanes, in the same
// order as the TypeScript path (which works in double and rounds once when it stores), so both
// paths give the same float32 bits.

/**
 * One momentum-SGD step over n float32 weights (see src/optim/sgd.ts for the formula):
 * g' = g + wd·w; v = first ? g' : m·v + keep·g' (stored as f32, then read back);
 * w = w − lr·(nesterov ? g' + m·v : v). All pointers are byte offsets of f32 arrays, each
 * with room for an even number of values (the host pads every array to 64 bytes).
 */
export function sgdMomentumF32(
  w: usize, g: usize, v: usize, outW: usize, outV: usize, n: i32,
  lr: f64, m: f64, keep: f64, wd: f64, nesterov: i32, first: i32,
): void {
  const vlr = f64x2.splat(lr);
  const vm = f64x2.splat(m);
  const vkeep = f64x2.splat(keep);
  const vwd = f64x2.splat(wd);
  // An odd n computes one value more, from and into the arrays' padding (see above).
  for (let i = 0; i < n; i += 2) {
    const off = <usize>i << 2;
    const wi = f64x2.promote_low_f32x4(v128.load64_zero(w + off));
    const gi = f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(g + off)), f64x2.mul(vwd, wi));
    const vNew = first
      ? gi
      : f64x2.add(f64x2.mul(vm, f64x2.promote_low_f32x4(v128.load64_zero(v + off))), f64x2.mul(vkeep, gi));
    const vStored = f32x4.demote_f64x2_zero(vNew);
    v128.store64_lane(outV + off, vStored, 0);
    const vi = f64x2.promote_low_f32x4(vStored);
    const step = nesterov ? f64x2.add(gi, f64x2.mul(vm, vi)) : vi;
    v128.store64_lane(outW + off, f32x4.demote_f64x2_zero(f64x2.sub(wi, f64x2.mul(vlr, step))), 0);
  }
}

/** The number of NaN or ±Infinity values among n float32 values at p (x − x is 0 exactly for finite x). */
export function countNonFiniteF32(p: usize, n: i32): i32 {
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x = v128.load(p + (<usize>i << 2));
    // f32x4.ne gives -1 in each lane where x − x is not 0, that is, where x is not finite.
    bad = i32x4.sub(bad, f32x4.ne(f32x4.sub(x, x), f32x4.splat(0)));
  }
  let count = i32x4.extract_lane(bad, 0) + i32x4.extract_lane(bad, 1) + i32x4.extract_lane(bad, 2) + i32x4.extract_lane(bad, 3);
  for (; i < n; i++) {
    const x = load<f32>(p + (<usize>i << 2));
    if (x - x != 0) count++;
  }
  return count;
}
