/**
 * Shape ops. Reshape, transpose, slice and broadcastTo return views that share memory; concat,
 * pad, gather and unsortedSegmentSum copy. Each gradient is the op's adjoint: transpose by the
 * inverse permutation, slice by padding, gather by scattering.
 * @module
 */
import { allocate } from "../tensor/dtype.js";
import { broadcastStrides, checkShape, fmt, integerList, normalizeAxis, shapesEqual, sizeOf, stridesOf } from "../tensor/shape.js";
import { describe, Tensor, type TensorLike } from "../tensor/tensor.js";
import { concatKernel, gatherKernel, padKernel, scatterAddKernel } from "../kernels/layout.js";
import { output, outputView, toTensor } from "./lift.js";
import { sum } from "./reductions.js";

/**
 * The same elements with another shape; one dimension may be -1 and is inferred.
 * @throws Error naming both shapes when the sizes differ.
 * @example `gt.reshape(images, [-1, 784])`
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor("reshape", x);
  const target = resolveShape(t, shape);
  if (shapesEqual(target, t.shape)) return t;
  const y = t.isContiguous ? new Tensor(t.buffer, target, t.dtype, stridesOf(target), t.offset) : new Tensor(t.values(), target, t.dtype);
  return outputView("reshape", [t], y, (dy) => [reshape(dy, t.shape)]);
}

function resolveShape(t: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new Error(`reshape: shape must be an array, got ${describe(shape)}`);
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new Error(`reshape: shape ${fmt(shape)} has more than one -1`);
  const known = shape.filter((d) => d !== -1);
  checkShape(known, "reshape");
  const rest = sizeOf(known);
  if (unknown === 1) {
    if (rest === 0 || t.size % rest !== 0) {
      throw new Error(`reshape: cannot reshape ${fmt(t.shape)} (${t.size} elements) into ${fmt(shape)}: ${t.size} is not a multiple of ${rest}`);
    }
    return shape.map((d) => (d === -1 ? t.size / rest : d));
  }
  if (rest !== t.size) throw new Error(`reshape: cannot reshape ${fmt(t.shape)} (${t.size} elements) into ${fmt(shape)} (${rest} elements)`);
  return shape.slice();
}

/**
 * Permutes the axes (reverses them by default) as a view, without copying.
 * @example `gt.transpose(w)` swaps the two axes of a matrix.
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = toTensor("transpose", x);
  const p = perm ?? t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || [...p].map((a) => normalizeAxis("transpose", a, t.rank)).sort((a, b) => a - b).some((a, i) => a !== i)) {
    throw new Error(`transpose: perm ${JSON.stringify(p)} is not a permutation of the ${t.rank} axes of a tensor of shape ${fmt(t.shape)}`);
  }
  const axes = p.map((a) => normalizeAxis("transpose", a, t.rank));
  const y = new Tensor(t.buffer, axes.map((a) => t.shape[a]), t.dtype, axes.map((a) => t.strides[a]), t.offset);
  const inverse = axes.map((_, i) => axes.indexOf(i));
  return outputView("transpose", [t], y, (dy) => [transpose(dy, inverse)]);
}

/**
 * Repeats `x` along broadcast dimensions to `shape`, as a zero-stride view. Its gradient is the
 * output gradient itself: the tape sums it back down to `x`'s shape.
 * @throws Error naming both shapes when `x` does not broadcast to `shape`.
 */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor("broadcastTo", x);
  checkShape(shape, "broadcastTo");
  if (shapesEqual(t.shape, shape)) return t;
  const fits = shape.length >= t.rank && t.shape.every((d, i) => d === 1 || d === shape[shape.length - t.rank + i]);
  if (!fits) {
    throw new Error(`broadcastTo: a tensor of shape ${fmt(t.shape)} cannot be broadcast to ${fmt(shape)}`);
  }
  const y = new Tensor(t.buffer, shape, t.dtype, broadcastStrides(t.shape, t.strides, shape), t.offset);
  return outputView("broadcastTo", [t], y, (dy) => [dy]);
}

/**
 * Sums `x` down to `shape` over the axes that broadcasting added or stretched: the one place
 * where broadcasting is undone in the backward pass.
 */
export function sumToShape(x: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const lead = x.rank - shape.length;
  if (lead < 0) return x;
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  return reshape(sum(x, axes, true), shape);
}

/** Inserts a dimension of size 1 at `axis`. */
export function expandDims(x: TensorLike, axis = 0): Tensor {
  const t = toTensor("expandDims", x);
  const ax = normalizeAxis("expandDims", axis, t.rank + 1);
  const shape = t.shape.slice();
  shape.splice(ax, 0, 1);
  return reshape(t, shape);
}

/** Removes dimensions of size 1 (all of them, or those in `axis`). */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const t = toTensor("squeeze", x);
  const axes = axis === undefined || axis === null ? t.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : integerList("squeeze", "axis", axis).map((a) => normalizeAxis("squeeze", a, t.rank));
  for (const a of axes) if (t.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of shape ${fmt(t.shape)} has size ${t.shape[a]}, not 1`);
  return reshape(t, t.shape.filter((_, i) => !axes.includes(i)));
}

/**
 * A view of `size` elements starting at `begin` in each dimension; a size of -1 runs to the end.
 * @throws Error naming the dimension, begin, size and shape when the window leaves the tensor.
 * @example `gt.slice(x, [0, 2], [-1, 3])`
 */
export function slice(x: TensorLike, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  const t = toTensor("slice", x);
  const b = integerList("slice", "begin", begin);
  const s = size === undefined ? b.map(() => -1) : integerList("slice", "size", size);
  if (b.length > t.rank || s.length !== b.length) {
    throw new Error(`slice: begin ${JSON.stringify(b)} and size ${JSON.stringify(s)} must have one entry per dimension (at most ${t.rank}) of shape ${fmt(t.shape)}`);
  }
  const starts = t.shape.map((_, d) => b[d] ?? 0);
  const sizes = t.shape.map((dim, d) => (s[d] === undefined || s[d] === -1 ? dim - starts[d] : s[d]));
  t.shape.forEach((dim, d) => {
    if (!Number.isInteger(starts[d]) || !Number.isInteger(sizes[d]) || starts[d] < 0 || sizes[d] < 0 || starts[d] + sizes[d] > dim) {
      throw new Error(`slice: dimension ${d} of shape ${fmt(t.shape)}: begin ${starts[d]} with size ${sizes[d]} does not fit in ${dim}`);
    }
  });
  let offset = t.offset;
  starts.forEach((st, d) => (offset += st * t.strides[d]));
  const y = new Tensor(t.buffer, sizes, t.dtype, t.strides, offset);
  return outputView("slice", [t], y, (dy) => [pad(dy, starts.map((st, d) => [st, t.shape[d] - st - sizes[d]] as [number, number]))]);
}

/**
 * Pads with zeros: `paddings[d] = [before, after]` for each dimension.
 * @example `gt.pad(x, [[1, 1], [0, 2]])`
 */
export function pad(x: TensorLike, paddings: readonly (readonly [number, number])[]): Tensor {
  const t = toTensor("pad", x);
  if (!Array.isArray(paddings) || paddings.length !== t.rank || paddings.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new Error(`pad: paddings ${JSON.stringify(paddings)} must hold one [before, after] pair of non-negative integers per dimension of shape ${fmt(t.shape)}`);
  }
  const shape = t.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const out = allocate(t.dtype, sizeOf(shape), "pad", shape);
  padKernel(out, shape, t.values(), t.shape, paddings.map((p) => p[0]));
  return output("pad", [t], out, shape, t.dtype, (dy) => [slice(dy, paddings.map((p) => p[0]), t.shape)]);
}

/**
 * Joins tensors along `axis`; all other dimensions must agree.
 * @throws Error naming the shapes and dtypes that disagree.
 * @example `gt.concat([a, b], 1)`
 */
export function concat(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error(`concat: expected a non-empty array of tensors, got ${describe(tensors)}`);
  const ts = tensors.map((x, i) => toTensor("concat", x, undefined, `tensors[${i}]`));
  const first = ts[0];
  const ax = normalizeAxis("concat", axis, first.rank);
  ts.forEach((t, i) => {
    if (t.dtype !== first.dtype) throw new Error(`concat: dtype mismatch: tensors[0] is ${first.dtype}, tensors[${i}] is ${t.dtype}`);
    if (t.rank !== first.rank || t.shape.some((d, j) => j !== ax && d !== first.shape[j])) {
      throw new Error(`concat: tensors[${i}] has shape ${fmt(t.shape)}, which does not match tensors[0] ${fmt(first.shape)} outside axis ${ax}`);
    }
  });
  const shape = first.shape.slice();
  shape[ax] = ts.reduce((n, t) => n + t.shape[ax], 0);
  const out = allocate(first.dtype, sizeOf(shape), "concat", shape);
  concatKernel(out, ts.map((t) => ({ values: t.values(), shape: t.shape })), ax);
  return output("concat", ts, out, shape, first.dtype, (dy) => {
    let start = 0;
    return ts.map((t) => {
      const begin = t.shape.map((_, d) => (d === ax ? start : 0));
      start += t.shape[ax];
      return slice(dy, begin, t.shape);
    });
  });
}

/**
 * Picks slices of `x` along `axis` by integer `indices`: the result's shape is
 * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`.
 * @throws Error naming the index and the axis size when an index is out of range.
 * @example `gt.gather(embeddings, ids)` looks up rows.
 */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = toTensor("gather", x);
  const ax = normalizeAxis("gather", axis, t.rank);
  const idx = checkedIndices("gather", indices, t.shape[ax]);
  const outer = sizeOf(t.shape.slice(0, ax));
  const inner = sizeOf(t.shape.slice(ax + 1));
  const shape = [...t.shape.slice(0, ax), ...idx.shape, ...t.shape.slice(ax + 1)];
  const out = allocate(t.dtype, sizeOf(shape), "gather", shape);
  gatherKernel(out, t.values(), idx.values() as Int32Array, outer, t.shape[ax], inner);
  return output("gather", [t, idx], out, shape, t.dtype, (dy) => [unsortedSegmentSum(dy, idx, t.shape[ax], ax), null]);
}

/**
 * The adjoint of {@link gather}: sums slices of `data` into `numSegments` slots along `axis` by
 * `segmentIds`. `data` has shape `pre + segmentIds.shape + post`; the result `pre + [numSegments] + post`.
 */
export function unsortedSegmentSum(data: TensorLike, segmentIds: TensorLike, numSegments: number, axis = 0): Tensor {
  const t = toTensor("unsortedSegmentSum", data);
  const idx = checkedIndices("unsortedSegmentSum", segmentIds, numSegments);
  const ax = normalizeAxis("unsortedSegmentSum", axis, t.rank - idx.rank + 1);
  const pre = t.shape.slice(0, ax);
  const mid = t.shape.slice(ax, ax + idx.rank);
  if (!shapesEqual(mid, idx.shape)) {
    throw new Error(`unsortedSegmentSum: data of shape ${fmt(t.shape)} does not hold segmentIds' shape ${fmt(idx.shape)} at axis ${ax}`);
  }
  const post = t.shape.slice(ax + idx.rank);
  const shape = [...pre, numSegments, ...post];
  const out = allocate(t.dtype, sizeOf(shape), "unsortedSegmentSum", shape);
  scatterAddKernel(out, t.values(), idx.values() as Int32Array, sizeOf(pre), numSegments, sizeOf(post));
  return output("unsortedSegmentSum", [t, idx], out, shape, t.dtype, (dy) => [gather(dy, idx, ax), null]);
}

function checkedIndices(op: string, indices: TensorLike, dim: number): Tensor {
  const idx = toTensor(op, indices, "int32", "indices");
  if (idx.dtype !== "int32") throw new Error(`${op}: indices must be int32, got ${describe(idx)}`);
  if (!Number.isInteger(dim) || dim < 0) throw new Error(`${op}: the number of slots must be a non-negative integer, got ${dim}`);
  const v = idx.values();
  for (let i = 0; i < v.length; i++) {
    if (v[i] < 0 || v[i] >= dim) throw new Error(`${op}: index ${v[i]} at position ${i} is out of range for an axis of size ${dim}`);
  }
  return idx;
}

/**
 * The same values with the gradient stopped: tapes treat the result as a constant.
 * @example `gt.stopGradient(target)` in a loss that must not train the target.
 */
export function stopGradient(x: TensorLike): Tensor {
  const t = toTensor("stopGradient", x);
  return new Tensor(t.buffer, t.shape, t.dtype, t.strides, t.offset);
}
