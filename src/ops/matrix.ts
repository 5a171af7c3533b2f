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

/**
 * `op(a) · op(b)` for matrices, where op transposes when the flag is set.
 * @throws Error naming both shapes when the inner dimensions differ or an operand is not 2-D.
 * @example `gt.matmul(x, w)` with x [64, 784] and w [784, 128] gives [64, 128].
 */
export function matmul(a: TensorLike, b: TensorLike, transposeA = false, transposeB = false): Tensor {
  const [x, y] = lift2("matmul", toFloat("matmul", a, "a"), toFloat("matmul", b, "b"));
  if (x.rank !== 2 || y.rank !== 2) {
    throw new Error(`matmul: both operands must be 2-D matrices: a is ${fmt(x.shape)}, b is ${fmt(y.shape)}`);
  }
  const [m, k] = transposeA ? [x.shape[1], x.shape[0]] : x.shape;
  const [k2, n] = transposeB ? [y.shape[1], y.shape[0]] : y.shape;
  if (k !== k2) {
    const t = (flag: boolean) => (flag ? " (transposed)" : "");
    throw new Error(`matmul: inner dimensions differ: a is ${fmt(x.shape)}${t(transposeA)}, b is ${fmt(y.shape)}${t(transposeB)}`);
  }
  const [av, ta] = layout(x, transposeA);
  const [bv, tb] = layout(y, transposeB);
  const values = matmulKernel(av, bv, m, k, n, ta, tb, x.dtype);
  return output("matmul", [x, y], values, [m, n], x.dtype, (dz) => {
    if (!transposeA && !transposeB) return [matmul(dz, y, false, true), matmul(x, dz, true, false)];
    if (!transposeA && transposeB) return [matmul(dz, y), matmul(dz, x, true, false)];
    if (transposeA && !transposeB) return [matmul(y, dz, false, true), matmul(x, dz)];
    return [matmul(y, dz, true, true), matmul(dz, x, true, true)];
  });
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
