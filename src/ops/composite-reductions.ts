/**
 * Reductions written as compositions of other ops, so their gradients of every order follow from
 * those: `logSumExp` (shifted by the maximum) and `prod` (a pairwise product tree).
 * @module
 */
import { fromValues, fill } from "../tensor/create.js";
import { normalizeAxes, reducedShape } from "../tensor/shape.js";
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { reduceKernel } from "../kernels/reduce.js";
import { cast, toFloat, toTensor } from "./lift.js";
import { toInt32Exact } from "../tensor/dtype.js";
import { add, exp, log, mul, sub } from "./arithmetic.js";
import { sum, type Axis } from "./reductions.js";
import { concat, reshape, slice, transpose } from "./shape.js";

/**
 * `log(sum(exp(x)))` over `axis` (all axes when omitted), computed as
 * `m + log(sum(exp(x − m)))` with `m` the maximum, so logits in the thousands neither overflow
 * nor lose precision. `m` is a constant to the tape (the result does not depend on it), and a
 * non-finite maximum is replaced by 0 so that rows of −∞ give −∞ rather than NaN.
 * @throws Error when an axis is out of range.
 * @example `gt.logSumExp(gt.tensor([1000, 1000]))` is `1000 + ln 2`.
 */
export function logSumExp(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const t = toFloat("logSumExp", x);
  const axes = normalizeAxes("logSumExp", axis, t.rank);
  const kept = reducedShape(t.shape, axes, true);
  const m = reduceKernel(t.values(), t.shape, axes, "max", t.dtype);
  for (let i = 0; i < m.length; i++) if (!Number.isFinite(m[i])) m[i] = 0;
  const shift = fromValues(m, kept, t.dtype);
  const y = add(log(sum(exp(sub(t, shift)), axes, true)), shift);
  return keepDims ? y : reshape(y, reducedShape(t.shape, axes, false));
}

/**
 * Product over `axis` (all axes when omitted); the product of nothing is 1. The reduced axes are
 * moved last and their elements multiplied pairwise (halves, then quarters, …), so the gradient is
 * built from `mul` alone: exact where elements are 0 (no division by them), and differentiable
 * again.
 * @throws Error when an axis is out of range.
 * @example `gt.prod(gt.tensor([[1, 2], [3, 4]]), 1)` gives `[2, 12]`.
 */
export function prod(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const t = toTensor("prod", x);
  const axes = normalizeAxes("prod", axis, t.rank);
  // int32 products in float64 are exact whenever the result fits (every partial product is then
  // no larger), so the result is exact or refused, never wrapped.
  if (t.dtype === "int32") return fromValues(toInt32Exact("prod", prod(cast(t, "float64"), axis, keepDims).values()), reducedShape(t.shape, axes, keepDims), "int32");
  const shape = reducedShape(t.shape, axes, keepDims);
  const rest = t.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const n = axes.reduce((p, a) => p * t.shape[a], 1);
  if (n === 0) return fill(shape, 1, t.dtype);
  let y = reshape(transpose(t, [...rest, ...axes]), [...rest.map((i) => t.shape[i]), n]);
  for (let w = n; w > 1; w = Math.ceil(w / 2)) {
    const h = Math.floor(w / 2);
    const lead = y.shape.slice(0, -1);
    const part = (begin: number, size: number) => slice(y, [...lead.map(() => 0), begin], [...lead, size]);
    const pairs = mul(part(0, h), part(h, h));
    y = w % 2 === 0 ? pairs : concat([pairs, part(2 * h, 1)], -1);
  }
  return reshape(y, shape);
}
