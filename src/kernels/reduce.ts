/**
 * Reduction kernels: sum and max over any set of axes, and argMax along one axis.
 * Sums accumulate in float64 whatever the dtype, so a float32 sum of many terms keeps its digits
 * and an int32 sum is exact (up to 2⁵³); an int32 result that does not fit is refused, not wrapped.
 * @module
 */
import { allocate, toInt32Exact, type DType, type TypedArray } from "../tensor/dtype.js";
import { sizeOf, stridesOf } from "../tensor/shape.js";

/** Which reduction to run. */
export type ReduceKind = "sum" | "max";

/**
 * Reduces contiguous `x` of `shape` over `axes` into a new array laid out as the kept-dims shape.
 * Walks the input once in memory order; each element lands at the output index whose stride is
 * zero along the reduced axes.
 */
export function reduceKernel(x: TypedArray, shape: readonly number[], axes: readonly number[], kind: ReduceKind, dtype: DType): TypedArray {
  const keptShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outSize = sizeOf(keptShape);
  const acc = new Float64Array(outSize).fill(kind === "sum" ? 0 : -Infinity);
  const rank = shape.length;
  const last = rank - 1;
  if (x.length === 0) {
    // An empty reduction is 0 for a sum; max has no identity, the caller rejects it.
  } else if (outSize === 1) {
    acc[0] = kind === "sum" ? sumRange(x, 0, x.length) : maxRange(x, 0, x.length);
  } else if (axes.length === 1 && axes[0] === last) {
    const w = shape[last];
    for (let r = 0; r < outSize; r++) acc[r] = kind === "sum" ? sumRange(x, r * w, w) : maxRange(x, r * w, w);
  } else {
    const outStrides = stridesOf(keptShape).map((s, i) => (axes.includes(i) ? 0 : s));
    const idx = new Array<number>(rank).fill(0);
    const inner = shape[last];
    const step = outStrides[last];
    let base = 0;
    for (let i = 0; i < x.length; i += inner) {
      if (kind === "sum") for (let j = 0; j < inner; j++) acc[base + j * step] += x[i + j];
      else for (let j = 0; j < inner; j++) {
        const v = x[i + j];
        const o = base + j * step;
        if (v > acc[o] || v !== v) acc[o] = v;
      }
      for (let d = last - 1; d >= 0; d--) {
        idx[d]++;
        base += outStrides[d];
        if (idx[d] < shape[d]) break;
        base -= idx[d] * outStrides[d];
        idx[d] = 0;
      }
    }
  }
  if (dtype === "float64") return acc;
  if (dtype === "int32") return toInt32Exact(kind, acc);
  const out = allocate(dtype, outSize);
  out.set(acc);
  return out;
}

function sumRange(x: TypedArray, start: number, n: number): number {
  let s = 0;
  for (let i = start, end = start + n; i < end; i++) s += x[i];
  return s;
}

/** Max that propagates NaN, as NumPy does: once seen, a NaN wins. */
function maxRange(x: TypedArray, start: number, n: number): number {
  let m = -Infinity;
  for (let i = start, end = start + n; i < end; i++) {
    const v = x[i];
    if (v > m || v !== v) {
      m = v;
      if (v !== v) break;
    }
  }
  return m;
}

/** Index of the first maximum along the middle axis of an [outer, dim, inner] layout. */
export function argMaxKernel(x: TypedArray, outer: number, dim: number, inner: number): Int32Array {
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < inner; r++) {
      let best = 0;
      let m = x[o * dim * inner + r];
      for (let i = 1; i < dim; i++) {
        const v = x[(o * dim + i) * inner + r];
        if (v > m || (v !== v && m === m)) {
          m = v;
          best = i;
        }
      }
      out[o * inner + r] = best;
    }
  }
  return out;
}
