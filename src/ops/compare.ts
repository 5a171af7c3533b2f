/**
 * Comparisons and other ops without a gradient: they return int32 0/1 masks (or indices), which
 * gradient rules multiply by to route gradients.
 * @module
 */
import { allocate } from "../tensor/dtype.js";
import type { Tensor, TensorLike } from "../tensor/tensor.js";
import { argMaxKernel } from "../kernels/reduce.js";
import { sizeOf, normalizeAxis } from "../tensor/shape.js";
import { binary, lift2, output, toTensor, unary } from "./lift.js";
import { describe } from "../tensor/tensor.js";

function compare(op: string, a: TensorLike, b: TensorLike, test: (p: number, q: number) => boolean): Tensor {
  const [x, y] = lift2(op, a, b);
  return binary(op, x, y, (p, q) => (test(p, q) ? 1 : 0), undefined, "int32");
}

/** 1 where `a == b`, else 0 (int32). Not differentiable. */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return compare("equal", a, b, (p, q) => p === q);
}
/** 1 where `a != b`, else 0 (int32). Not differentiable. */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare("notEqual", a, b, (p, q) => p !== q);
}
/** 1 where `a > b`, else 0 (int32). Not differentiable. */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return compare("greater", a, b, (p, q) => p > q);
}
/** 1 where `a >= b`, else 0 (int32). Not differentiable. */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare("greaterEqual", a, b, (p, q) => p >= q);
}
/** 1 where `a < b`, else 0 (int32). Not differentiable. */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return compare("less", a, b, (p, q) => p < q);
}
/** 1 where `a <= b`, else 0 (int32). Not differentiable. */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare("lessEqual", a, b, (p, q) => p <= q);
}

/** −1, 0 or 1 by the sign of each element, in `x`'s dtype. Not differentiable. */
export function sign(x: TensorLike): Tensor {
  return unary("sign", toTensor("sign", x), (v) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : v));
}

/**
 * Index of the largest element along `axis` (the first one on ties), as int32. Not differentiable.
 * @example `gt.argMax(logits, -1)` gives predicted classes.
 */
export function argMax(x: TensorLike, axis = -1): Tensor {
  const t = toTensor("argMax", x);
  const ax = normalizeAxis("argMax", axis, t.rank);
  const dim = t.shape[ax];
  if (dim === 0) throw new Error(`argMax: axis ${axis} has size 0 in shape [${t.shape.join(", ")}]; there is no maximum`);
  const outer = sizeOf(t.shape.slice(0, ax));
  const inner = sizeOf(t.shape.slice(ax + 1));
  const shape = t.shape.filter((_, i) => i !== ax);
  return output("argMax", [t], argMaxKernel(t.values(), outer, dim, inner), shape, "int32");
}

/**
 * One-hot encoding: a new last axis of length `depth` with `onValue` at each index. Not
 * differentiable.
 * @throws Error naming the index and the depth when an index is outside `[0, depth)`.
 * @example `gt.oneHot(gt.tensor([0, 2], undefined, "int32"), 3)` gives `[[1, 0, 0], [0, 0, 1]]`.
 */
export function oneHot(indices: TensorLike, depth: number, onValue = 1, offValue = 0): Tensor {
  const t = toTensor("oneHot", indices, "int32", "indices");
  if (t.dtype !== "int32") throw new Error(`oneHot: indices must be int32 class indices, got ${describe(t)}`);
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`oneHot: depth must be a positive integer, got ${depth}`);
  const idx = t.values();
  const out = allocate("float32", idx.length * depth, "oneHot", [...t.shape, depth]);
  if (offValue !== 0) out.fill(offValue);
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i];
    if (c < 0 || c >= depth) throw new Error(`oneHot: index ${c} at position ${i} is out of range for depth ${depth}; expected 0 <= index < ${depth}`);
    out[i * depth + c] = onValue;
  }
  return output("oneHot", [t], out, [...t.shape, depth], "float32");
}
