/**
 * Stacking, unstacking, splitting and tiling (TF.js names and argument order). Each is a
 * composition of the shape ops (reshape, slice, concat, broadcastTo), so their gradients, of any
 * order, come from those.
 * @module
 */
import { fmt, normalizeAxis, shapesEqual, sizeOf } from "../tensor/shape.js";
import { checkAllocation } from "../tensor/dtype.js";
import { describe, type Tensor, type TensorLike } from "../tensor/tensor.js";
import { toTensor } from "./lift.js";
import { broadcastTo, concat, expandDims, reshape, slice } from "./shape.js";

/**
 * Joins tensors of one shape along a new axis `axis` (0 by default), so `n` tensors of shape `s`
 * give shape `[n, ...s]` for axis 0.
 * @throws Error when the list is empty, or naming the first tensor whose shape differs.
 * @example `gt.stack([a, b], 1)` with a and b of shape [2, 3] gives [2, 2, 3].
 */
export function stack(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error(`stack: expected a non-empty array of tensors, got ${describe(tensors)}`);
  const ts = tensors.map((x, i) => toTensor("stack", x, undefined, `tensors[${i}]`));
  const first = ts[0];
  const ax = normalizeAxis("stack", axis, first.rank + 1);
  ts.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape)) throw new Error(`stack: tensors[${i}] has shape ${fmt(t.shape)}, but tensors[0] has shape ${fmt(first.shape)}; stacked tensors must have one shape`);
  });
  return concat(ts.map((t) => expandDims(t, ax)), ax);
}

/**
 * Splits `x` along `axis` into its slices, each without that axis: the inverse of {@link stack}.
 * @throws Error when `axis` is out of range.
 * @example `gt.unstack(gt.tensor([[1, 2], [3, 4]]))` gives `[1, 2]` and `[3, 4]`.
 */
export function unstack(x: TensorLike, axis = 0): Tensor[] {
  const t = toTensor("unstack", x);
  const ax = normalizeAxis("unstack", axis, t.rank);
  const size = t.shape.map((d, i) => (i === ax ? 1 : d));
  const rest = t.shape.filter((_, i) => i !== ax);
  return Array.from({ length: t.shape[ax] }, (_, i) => reshape(slice(t, t.shape.map((_, d) => (d === ax ? i : 0)), size), rest));
}

/**
 * Splits `x` along `axis` into `numOrSizeSplits` equal parts, or into parts of the given sizes,
 * one of which may be -1 (the rest of the axis).
 * @throws Error when the axis does not divide evenly, or when the sizes do not add up to it.
 * @example `gt.split(x, [2, -1], 1)` with x of shape [4, 5] gives [4, 2] and [4, 3].
 */
export function split(x: TensorLike, numOrSizeSplits: number | readonly number[], axis = 0): Tensor[] {
  const t = toTensor("split", x);
  const ax = normalizeAxis("split", axis, t.rank);
  const sizes = splitSizes(t.shape, ax, numOrSizeSplits);
  let start = 0;
  return sizes.map((s) => {
    const part = slice(t, t.shape.map((_, d) => (d === ax ? start : 0)), t.shape.map((d, i) => (i === ax ? s : d)));
    start += s;
    return part;
  });
}

function splitSizes(shape: readonly number[], ax: number, spec: number | readonly number[]): number[] {
  const dim = shape[ax];
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec < 1) throw new Error(`split: numOrSizeSplits must be a positive integer or an array of sizes, got ${spec}`);
    if (dim % spec !== 0) throw new Error(`split: axis ${ax} of shape ${fmt(shape)} has size ${dim}, which does not divide into ${spec} equal parts`);
    return new Array<number>(spec).fill(dim / spec);
  }
  if (!Array.isArray(spec) || spec.some((s) => !Number.isInteger(s) || s < -1)) {
    throw new Error(`split: numOrSizeSplits must be a positive integer or an array of non-negative integer sizes (one may be -1), got ${describe(spec)} ${JSON.stringify(spec)}`);
  }
  const unknown = spec.filter((s) => s === -1).length;
  if (unknown > 1) throw new Error(`split: sizes ${JSON.stringify(spec)} have more than one -1`);
  const known = spec.reduce((n, s) => (s === -1 ? n : n + s), 0);
  if (unknown === 1 ? known > dim : known !== dim) {
    throw new Error(`split: sizes ${JSON.stringify(spec)} add up to ${known}, but axis ${ax} of shape ${fmt(shape)} has size ${dim}`);
  }
  return spec.map((s) => (s === -1 ? dim - known : s));
}

/**
 * Repeats `x` `reps[d]` times along each dimension d: shape `[d0·r0, d1·r1, …]`.
 *
 * Built as a broadcast of `x` reshaped to `[1, d0, 1, d1, …]` to `[r0, d0, r1, d1, …]`, so the
 * gradient is the tape's broadcast reduction: each element's copies summed.
 * @throws Error unless `reps` holds one non-negative integer per dimension of `x`.
 * @example `gt.tile(gt.tensor([1, 2]), [3])` gives `[1, 2, 1, 2, 1, 2]`.
 */
export function tile(x: TensorLike, reps: readonly number[]): Tensor {
  const t = toTensor("tile", x);
  if (!Array.isArray(reps) || reps.length !== t.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new Error(`tile: reps must hold one non-negative integer per dimension of shape ${fmt(t.shape)} (${t.rank} of them), got ${JSON.stringify(reps) ?? describe(reps)}`);
  }
  const tiled = t.shape.map((d, i) => d * reps[i]);
  checkAllocation("tile", sizeOf(tiled), t.dtype, tiled);
  const interleaved = t.shape.flatMap((d, i) => [reps[i], d]);
  const spread = reshape(t, t.shape.flatMap((d) => [1, d]));
  return reshape(broadcastTo(spread, interleaved), tiled);
}
