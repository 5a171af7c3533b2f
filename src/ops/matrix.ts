/**
 * Matrix multiplication and its gradient. Transposed operands are read in place: a flag, or a
 * tensor that is itself a transposed view, selects the kernel's layout instead of a copy.
 * @module
 */
import type { TypedArray } from "../tensor/dtype.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { matmulKernel } from "../kernels/matmul.js";
import { lift2, output, toFloat } from "./lift.js";
import { batchMatmul } from "./batched-matmul.js";

/**
 * `op(a) · op(b)` for matrices, where op transposes when the flag is set. Operands of rank > 2 are
 * batches of matrices in their last two axes: the leading (batch) axes broadcast as in NumPy, and
 * the flags transpose the last two axes only.
 * @throws Error naming both shapes when the inner dimensions differ, the batch axes do not
 * broadcast, or an operand has fewer than 2 dimensions.
 * @example `gt.matmul(x, w)` with x [64, 784] and w [784, 128] gives [64, 128]; with x
 * [8, 64, 784] it gives [8, 64, 128].
 */
export function matmul(a: TensorLike, b: TensorLike, transposeA = false, transposeB = false): Tensor {
  const [p, q] = lift2("matmul", toFloat("matmul", a, "a"), toFloat("matmul", b, "b"));
  if (p.rank < 2 || q.rank < 2) {
    throw new Error(`matmul: both operands must be matrices or batches of matrices (rank >= 2): a is ${fmt(p.shape)}, b is ${fmt(q.shape)}`);
  }
  if (p.rank > 2 || q.rank > 2) return batchMatmul(p, q, transposeA, transposeB);
  const { x, y, m, k, n } = matmulOperands("matmul", p, q, transposeA, transposeB);
  const values = matmulValues(x, y, m, k, n, transposeA, transposeB);
  return output("matmul", [x, y], values, [m, n], x.dtype, (dz, needs) => matmulGrads(dz, x, y, transposeA, transposeB, needs));
}

/**
 * @internal The gradients of `op(a) · op(b)` with respect to `a` and `b`, each again a product
 * with a transposed operand, so no transpose is ever materialized. A gradient that `needs` says
 * nobody asked for (a network's input, usually) is not computed.
 */
export function matmulGrads(dz: Tensor, a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean, needs: readonly boolean[] = [true, true]): [Tensor | null, Tensor | null] {
  const da = !needs[0] ? null
    : !transposeA && !transposeB ? matmul(dz, b, false, true)
    : !transposeA ? matmul(dz, b)
    : !transposeB ? matmul(b, dz, false, true)
    : matmul(b, dz, true, true);
  const db = !needs[1] ? null
    : !transposeA && !transposeB ? matmul(a, dz, true, false)
    : !transposeA ? matmul(dz, a, true, false)
    : !transposeB ? matmul(a, dz)
    : matmul(dz, a, true, true);
  return [da, db];
}

/** @internal Validated operands and dimensions of a matrix product, shared with the fused op. */
export function matmulOperands(op: string, a: TensorLike, b: TensorLike, transposeA: boolean, transposeB: boolean) {
  const [x, y] = lift2(op, toFloat(op, a, "a"), toFloat(op, b, "b"));
  if (x.rank !== 2 || y.rank !== 2) {
    throw new Error(`${op}: both operands must be 2-D matrices: a is ${fmt(x.shape)}, b is ${fmt(y.shape)}`);
  }
  const [m, k] = transposeA ? [x.shape[1], x.shape[0]] : x.shape;
  const [k2, n] = transposeB ? [y.shape[1], y.shape[0]] : y.shape;
  if (k !== k2) {
    const t = (flag: boolean) => (flag ? " (transposed)" : "");
    throw new Error(`${op}: inner dimensions differ: a is ${fmt(x.shape)}${t(transposeA)}, b is ${fmt(y.shape)}${t(transposeB)}`);
  }
  return { x, y, m, k, n };
}

/** @internal Runs the kernel on validated operands, reading transposed views in place. */
export function matmulValues(x: Tensor, y: Tensor, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): TypedArray {
  const [av, ta] = layout(x, transposeA);
  const [bv, tb] = layout(y, transposeB);
  return matmulKernel(av, bv, m, k, n, ta, tb, x.dtype);
}

/**
 * Row-major elements to hand the kernel and whether to read them transposed. A transposed view of
 * a contiguous matrix (strides [1, rows]) is the original buffer read with the flag flipped.
 */
function layout(t: Tensor, transposed: boolean): [TypedArray, boolean] {
  if (t.isContiguous) return [t.values(), transposed];
  const [r, c] = t.shape;
  if (t.strides[0] === 1 && t.strides[1] === r) return [t.buffer.subarray(t.offset, t.offset + r * c), !transposed];
  return [t.values(), transposed];
}
