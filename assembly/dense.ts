// The dense layer's steps around the product, so that a float32 training step makes one wasm call
// per layer forward and one backward, and dz never leaves this module's memory.
//
// Bit-identity with the TypeScript path (src/ops/fused.ts on the same float32 products), and why:
// - Bias: TS stores `z + bias` computed in double into a Float32Array. The exact sum of two
//   float32 values rounded to double and then to float32 is float32 addition (double has
//   53 >= 2·24 + 2 bits, so rounding twice cannot differ from rounding once): f32x4.add.
// - relu: TS is `z < 0 ? 0 : z`, which f32x4.pmax(z, 0) is by definition (f32x4.max would turn
//   −0 into +0).
// - relu's mask in the backward: TS multiplies dy by the float32 of `y > 0`, so dz is dy·1 or dy·0
//   (−0 for a negative dy): f32x4.mul by the same 1 or 0.
// - Bias gradient: the tape's sumToShape reduces dz over rows in float64, adding rows in order
//   from 0 and rounding once (src/kernels/reduce.ts); here every column accumulates in an f64
//   lane in the same row order and rounds once.
// - Products: the same `matmul` on the same operands, dimensions and flags as matmulGrads' calls.
// NaN payloads are the one thing that may differ (engines need not preserve them).
//
// The host pads every array to a multiple of 16 bytes (src/kernels/wasm/index.ts pads to 64), so
// whole vectors may run past a row's or an array's last element instead of a scalar tail loop:
// the module stays below the 4 KiB that older Chrome compiles synchronously on its main thread.
import { gemm, matmul } from "./matmul";

/**
 * c = act(op(A)·op(B) + bias): the product as `gemm` computes it, then each row gets the bias (at
 * `bias`, n floats; 0 for none) and, when `relu`, max(z, 0), while the row is still in cache.
 * `lda`, `ldb`, `ldc` are the leading dimensions as for `gemm`, for a block of larger arrays (a
 * thread's panel); 0, or left out by a JavaScript caller, means the operand is contiguous. Only the
 * block's own m×n elements of C are written, so threads may run neighbouring blocks of one C at
 * once. `work` must hold `workspaceBytes(m, k, n)` bytes.
 */
export function denseForwardF32(
  a: usize, b: usize, bias: usize, c: usize,
  m: i32, k: i32, n: i32,
  transA: bool, transB: bool, relu: bool,
  work: usize,
  lda: i32, ldb: i32, ldc: i32,
): void {
  // One export for whole products and panels: a second entry point would not fit in 4 KiB.
  if (ldc == 0) {
    lda = transA ? m : k;
    ldb = transB ? k : n;
    ldc = n;
  }
  gemm(a, lda, b, ldb, c, ldc, m, k, n, transA, transB, work);
  if (bias == 0 && !relu) return;
  const zero = f32x4.splat(0);
  const nB = <usize>n << 2;
  const ldcB = <usize>ldc << 2;
  const end = c + <usize>m * ldcB;
  for (let row = c; row < end; row += ldcB) {
    for (let j: usize = 0; j < nB; j += 16) {
      let z = v128.load(row + j);
      if (bias != 0) z = f32x4.add(z, v128.load(bias + j));
      if (relu) z = f32x4.pmax(z, zero);
      if (j + 16 <= nB) v128.store(row + j, z);
      else {
        // Reading past the block's last column is harmless; storing there is not (another
        // thread's block, or the next row, could get back what this one read before it was
        // written): the row's last vector goes through the workspace, free once gemm is done.
        v128.store(work, z);
        memory.copy(row + j, work, nB - j);
      }
    }
  }
}

/**
 * The backward step of `denseForwardF32`. On entry `dz` holds dy ([m, n]); it is overwritten with
 * dz = dy ⊙ (y > 0) when `y` (the layer's output) is given, and left as dy when `y` is 0 (linear).
 * Then, each only when its pointer is not 0: `dbias` (n floats) gets dz's column sums, `da` the
 * gradient of `a` and `db` that of `b`, both in their operand's stored layout, computed by the
 * same products as the TypeScript matmulGrads. `work` must hold the larger of both products'
 * `workspaceBytes` and 8 bytes for each of n rounded up to a multiple of 4.
 */
export function denseBackwardF32(
  dz: usize, y: usize, a: usize, b: usize,
  m: i32, k: i32, n: i32,
  transA: bool, transB: bool,
  dbias: usize, da: usize, db: usize,
  work: usize,
): void {
  const size = <usize>m * <usize>n << 2;
  if (y != 0) {
    const one = f32x4.splat(1);
    const zero = f32x4.splat(0);
    // The padding after the last element is dz's and y's own, so whole vectors may run over it.
    for (let i: usize = 0; i < size; i += 16) {
      v128.store(dz + i, f32x4.mul(v128.load(dz + i), v128.and(f32x4.gt(v128.load(y + i), zero), one)));
    }
  }
  if (dbias != 0) {
    const nB = <usize>n << 2;
    memory.fill(work, 0, <usize>n << 3);
    // Lanes past a row's end add the next row's values into accumulators past n, never read.
    for (let row = dz; row < dz + size; row += nB) {
      for (let j: usize = 0; j < nB; j += 16) {
        const d = v128.load(row + j);
        const acc = work + (j << 1);
        v128.store(acc, f64x2.add(v128.load(acc), f64x2.promote_low_f32x4(d)));
        v128.store(acc, f64x2.add(v128.load(acc, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 0, 1))), 16);
      }
    }
    for (let j: usize = 0; j < <usize>n; j++) store<f32>(dbias + (j << 2), <f32>load<f64>(work + (j << 3)));
  }
  // The operand orders and flags of matmulGrads in src/ops/matrix.ts, case by case, so that the
  // products are the ones the public-op path computes.
  if (da != 0) {
    if (!transA) matmul(dz, b, da, m, n, k, false, !transB, work);
    else matmul(b, dz, da, k, n, m, transB, true, work);
  }
  if (db != 0) {
    if (!transB) matmul(a, dz, db, k, m, n, !transA, false, work);
    else matmul(dz, a, db, n, m, k, true, transA, work);
  }
}
