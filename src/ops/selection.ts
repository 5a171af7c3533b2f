/**
 * Ops that choose elements: `where` picks between two tensors by a condition, `topk` the largest
 * entries of each row. Gradients go to the chosen elements only, written with `where` and
 * `gather` themselves, so they can be differentiated again.
 * @module
 */
import { broadcastShapes, fmt, sizeOf } from "../tensor/shape.js";
import { fromValues } from "../tensor/create.js";
import { describe, type Tensor, type TensorLike } from "../tensor/tensor.js";
import { topkKernel, whereKernel } from "../kernels/select.js";
import { lift2, output, toTensor } from "./lift.js";
import { gather, reshape } from "./shape.js";

/**
 * `a` where `condition` is nonzero (true), else `b`, all three broadcast together. Differentiable
 * in `a` and `b`: each receives the output gradient where it was chosen and 0 elsewhere, so a
 * NaN or infinity in the branch not taken never reaches the gradient.
 * @throws Error naming the shapes when they do not broadcast, or when a and b's dtypes clash.
 * @example `gt.where(gt.greater(x, 0), x, 0)` is relu.
 */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = toTensor("where", condition, "int32", "condition");
  const [x, y] = lift2("where", a, b);
  const shape = broadcastShapes("where", broadcastShapes("where", c.shape, x.shape), y.shape);
  return output("where", [c, x, y], whereKernel(c, x, y, shape, x.dtype), shape, x.dtype, (dz, needs) => [
    null,
    needs[1] ? where(c, dz, 0) : null,
    needs[2] ? where(c, 0, dz) : null,
  ]);
}

/** What {@link topk} returns. */
export interface TopK {
  /** The `k` largest values along the last axis, largest first: shape `[..., k]`. */
  values: Tensor;
  /** Their positions in the last axis (int32), shape `[..., k]`. */
  indices: Tensor;
}

/**
 * The `k` largest entries along the last axis and their positions, largest first; ties keep the
 * lower position first, NaN counts as the largest. The values are differentiable (the gradient
 * goes back to the chosen positions), the indices are not. The result is always sorted; `sorted`
 * is accepted for TF.js' signature.
 * @throws Error when `x` is a scalar or `k` is not an integer in `[0, size of the last axis]`.
 * @example `gt.topk(gt.tensor([1, 9, 4]), 2)` gives values `[9, 4]` and indices `[1, 2]`.
 */
export function topk(x: TensorLike, k = 1, sorted = true): TopK {
  void sorted;
  const t = toTensor("topk", x);
  if (t.rank === 0) throw new Error("topk: x must have at least one dimension, got a scalar");
  const n = t.shape[t.rank - 1];
  if (!Number.isInteger(k) || k < 0) throw new Error(`topk: k must be a non-negative integer, got ${describe(k)}`);
  if (k > n) throw new Error(`topk: k (${k}) must not exceed the size of the last axis (${n}) of shape ${fmt(t.shape)}`);
  const rows = sizeOf(t.shape.slice(0, -1));
  const shape = [...t.shape.slice(0, -1), k];
  const idx = topkKernel(t.values(), rows, n, k);
  const flat = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) flat[i] = Math.floor(i / k) * n + idx[i];
  const values = gather(reshape(t, [-1]), fromValues(flat, shape, "int32"));
  return { values, indices: fromValues(idx, shape, "int32") };
}
