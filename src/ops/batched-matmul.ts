/**
 * `matmul` for operands of rank > 2: the last two axes of each are matrices, the leading axes
 * are batch axes broadcast as in NumPy. Each batch slice runs the same kernel as a rank-2
 * product; the gradients are `matmulGrads`, whose products are batched again, and the tape sums
 * them down over broadcast batch axes.
 * @module
 */
import { allocate } from "../tensor/dtype.js";
import { fmt, sizeOf, stridesOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { matmulKernel } from "../kernels/matmul.js";
import { output } from "./lift.js";
import { matmulGrads } from "./matrix.js";

/** @internal `op(a) · op(b)` over broadcast batch axes; `x` and `y` are lifted float tensors of rank ≥ 2. */
export function batchMatmul(x: Tensor, y: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  const [ar, ac] = x.shape.slice(-2);
  const [br, bc] = y.shape.slice(-2);
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const [k2, n] = transposeB ? [bc, br] : [br, bc];
  if (k !== k2) {
    const t = (flag: boolean) => (flag ? " (transposed)" : "");
    throw new Error(`matmul: inner dimensions differ: a is ${fmt(x.shape)}${t(transposeA)}, b is ${fmt(y.shape)}${t(transposeB)}`);
  }
  const batchA = x.shape.slice(0, -2);
  const batchB = y.shape.slice(0, -2);
  const batch = broadcastBatch(batchA, batchB, x.shape, y.shape);
  const av = x.values();
  const bv = y.values();
  const shape = [...batch, m, n];
  if (batchB.length === 0 && !transposeA) {
    // b is one matrix shared by every slice of a: the slices stacked are one [B·m, k] matrix.
    const values = matmulKernel(av, bv, sizeOf(batch) * m, k, n, false, transposeB, x.dtype);
    return output("matmul", [x, y], values, shape, x.dtype, (dz, needs) => matmulGrads(dz, x, y, transposeA, transposeB, needs));
  }
  const out = allocate(x.dtype, sizeOf(shape));
  const sliceA = m * k;
  const sliceB = k * n;
  const slices = sizeOf(batch);
  const offsetA = batchOffsets(batchA, batch);
  const offsetB = batchOffsets(batchB, batch);
  for (let i = 0; i < slices; i++) {
    const ia = offsetA[i] * sliceA;
    const ib = offsetB[i] * sliceB;
    out.set(matmulKernel(av.subarray(ia, ia + sliceA), bv.subarray(ib, ib + sliceB), m, k, n, transposeA, transposeB, x.dtype), i * m * n);
  }
  return output("matmul", [x, y], out, shape, x.dtype, (dz, needs) => matmulGrads(dz, x, y, transposeA, transposeB, needs));
}

/** NumPy's broadcast of the two batch shapes, with an error naming both operands' shapes. */
function broadcastBatch(a: readonly number[], b: readonly number[], aShape: readonly number[], bShape: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`matmul: batch dimensions ${fmt(a)} of a ${fmt(aShape)} and ${fmt(b)} of b ${fmt(bShape)} do not broadcast together`);
    }
    return da === 1 ? db : da;
  });
}

/** For each slice of the broadcast batch, in row-major order, the index of the operand's slice it reads. */
function batchOffsets(own: readonly number[], batch: readonly number[]): Int32Array {
  const strides = stridesOf(own);
  const lead = batch.length - own.length;
  const out = new Int32Array(sizeOf(batch));
  const idx = new Array<number>(batch.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let o = 0;
    for (let d = 0; d < own.length; d++) if (own[d] !== 1) o += idx[lead + d] * strides[d];
    out[i] = o;
    for (let d = batch.length - 1; d >= 0 && ++idx[d] === batch[d]; d--) idx[d] = 0;
  }
  return out;
}
