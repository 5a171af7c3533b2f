/**
 * Reductions over any set of axes (negative axes count from the end; none means all), each with
 * its gradient: the output gradient broadcast back over the reduced axes.
 * @module
 */
import { fmt, normalizeAxes, reducedShape } from "../tensor/shape.js";
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { reduceKernel } from "../kernels/reduce.js";
import { output, toFloat, toTensor, cast } from "./lift.js";
import { div, mul, neg } from "./arithmetic.js";
import { equal } from "./compare.js";
import { broadcastTo, reshape } from "./shape.js";

/** An axis argument: one axis, several, or undefined for all. */
export type Axis = number | readonly number[];

/**
 * Sum over `axis` (all axes when omitted); `keepDims` keeps reduced axes with size 1.
 * @example `gt.sum(x, -1, true)` sums each row and keeps a column.
 */
export function sum(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const t = toTensor("sum", x);
  const axes = normalizeAxes("sum", axis, t.rank);
  const kept = reducedShape(t.shape, axes, true);
  const values = reduceKernel(t.values(), t.shape, axes, "sum", t.dtype);
  return output("sum", [t], values, reducedShape(t.shape, axes, keepDims), t.dtype, (dy) => [broadcastTo(reshape(dy, kept), t.shape)]);
}

/**
 * Mean over `axis` (all axes when omitted): the sum divided by the number of elements reduced.
 * @example `gt.mean(losses)`
 */
export function mean(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const t = toFloat("mean", x);
  const axes = normalizeAxes("mean", axis, t.rank);
  const count = axes.reduce((n, a) => n * t.shape[a], 1);
  if (count === 0) throw new Error(`mean: reducing axes ${JSON.stringify(axes)} of shape ${fmt(t.shape)} averages no elements`);
  return div(sum(t, axes, keepDims), count);
}

/** @internal Throws unless every reduced axis has elements: the maximum of nothing has no value. */
export function checkReducible(op: string, shape: readonly number[], axes: readonly number[]): void {
  if (axes.some((a) => shape[a] === 0)) throw new Error(`${op}: cannot reduce an empty axis of shape ${fmt(shape)}`);
}

/**
 * Maximum over `axis` (all axes when omitted). The gradient is shared equally among tied maxima.
 * @throws Error when a reduced axis is empty.
 */
export function max(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const t = toTensor("max", x);
  const axes = normalizeAxes("max", axis, t.rank);
  checkReducible("max", t.shape, axes);
  const kept = reducedShape(t.shape, axes, true);
  const values = reduceKernel(t.values(), t.shape, axes, "max", t.dtype);
  let y: Tensor;
  y = output("max", [t], values, reducedShape(t.shape, axes, keepDims), t.dtype, (dy) => {
    const hits = cast(equal(t, broadcastTo(reshape(y, kept), t.shape)), t.dtype);
    const share = div(hits, sum(hits, axes, true));
    return [mul(broadcastTo(reshape(dy, kept), t.shape), share)];
  });
  return y;
}

/** Minimum over `axis`: `-max(-x)`. */
export function min(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const t = toTensor("min", x);
  // Checked here so that a bad axis is reported as min's, not as the max it is computed with.
  checkReducible("min", t.shape, normalizeAxes("min", axis, t.rank));
  return neg(max(neg(t), axis, keepDims));
}
