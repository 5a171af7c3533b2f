/**
 * Kernels that choose elements: `where`'s elementwise choice between two broadcast operands, and
 * the order of each row's largest elements for `topk`.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../tensor/dtype.js";
import { broadcastStrides, shapesEqual, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { copyStrided } from "./layout.js";

/** `out[i] = cond[i] != 0 ? a[i] : b[i]`, all three broadcast to `shape`. NaN counts as true. */
export function whereKernel(cond: Tensor, a: Tensor, b: Tensor, shape: readonly number[], dtype: DType): TypedArray {
  const c = spread(cond, shape);
  const x = spread(a, shape);
  const y = spread(b, shape);
  const out = allocate(dtype, c.length);
  for (let i = 0; i < out.length; i++) out[i] = c[i] !== 0 ? x[i] : y[i];
  return out;
}

function spread(t: Tensor, shape: readonly number[]): TypedArray {
  if (shapesEqual(t.shape, shape)) return t.values();
  const out = allocate(t.dtype, sizeOf(shape));
  copyStrided(out, t.buffer, shape, broadcastStrides(t.shape, t.strides, shape), t.offset);
  return out;
}

/**
 * For each of `rows` rows of `n` values, the positions of its `k` largest, largest first; ties
 * keep the lower position first and NaN ranks above every number (as PyTorch).
 */
export function topkKernel(values: TypedArray, rows: number, n: number, k: number): Int32Array {
  const out = new Int32Array(rows * k);
  const order = new Int32Array(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((i, j) => {
      const p = values[base + i];
      const q = values[base + j];
      if (p !== p) return q !== q ? i - j : -1;
      if (q !== q) return 1;
      return q - p || i - j;
    });
    out.set(order.subarray(0, k), r * k);
  }
  return out;
}
