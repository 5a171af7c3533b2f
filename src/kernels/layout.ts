/**
 * Kernels that move elements without arithmetic: materializing strided views, concatenation,
 * padding, gathering and scattering.
 * @module
 */
import type { TypedArray } from "../tensor/dtype.js";
import { sizeOf, stridesOf } from "../tensor/shape.js";
import * as nd from "./ndops.js";

/** Copies the strided view (`shape`, `strides`, `offset` into `src`) into contiguous `out`. */
export function copyStrided(out: TypedArray, src: TypedArray, shape: readonly number[], strides: readonly number[], offset: number): void {
  const size = sizeOf(shape);
  if (size === 0) return;
  if (size >= nd.NDOPS_MIN_SIZE && nd.ready()) {
    nd.assign(out, shape, src, strides, offset);
    return;
  }
  forEachStrided(shape, strides, offset, (o, p) => {
    out[o] = src[p];
  });
}

/**
 * Walks `shape` in row-major order calling `visit(i, p)` with the flat output index `i` and the
 * position `p` in a view of the given strides. The innermost loop is unrolled from the odometer
 * so that most steps are a single add.
 */
export function forEachStrided(
  shape: readonly number[], strides: readonly number[], offset: number,
  visit: (i: number, p: number) => void,
): void {
  const rank = shape.length;
  const size = sizeOf(shape);
  if (size === 0) return;
  if (rank === 0) {
    visit(0, offset);
    return;
  }
  const inner = shape[rank - 1];
  const step = strides[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let base = offset;
  for (let i = 0; i < size; i += inner) {
    for (let j = 0, p = base; j < inner; j++, p += step) visit(i + j, p);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= idx[d] * strides[d];
      idx[d] = 0;
    }
  }
}

/** Concatenates contiguous row-major parts along `axis` into `out`. */
export function concatKernel(out: TypedArray, parts: { values: TypedArray; shape: readonly number[] }[], axis: number): void {
  const outer = sizeOf(parts[0].shape.slice(0, axis));
  const widths = parts.map((p) => sizeOf(p.shape.slice(axis)));
  const total = widths.reduce((x, y) => x + y, 0);
  let col = 0;
  parts.forEach((p, k) => {
    const w = widths[k];
    for (let r = 0; r < outer; r++) out.set(p.values.subarray(r * w, (r + 1) * w), r * total + col);
    col += w;
  });
}

/** Writes contiguous `src` of `shape` into zero-filled `out`, shifted by `before` per dimension. */
export function padKernel(out: TypedArray, outShape: readonly number[], src: TypedArray, shape: readonly number[], before: readonly number[]): void {
  const outStrides = stridesOf(outShape);
  let offset = 0;
  for (let d = 0; d < shape.length; d++) offset += before[d] * outStrides[d];
  forEachStrided(shape, outStrides, offset, (i, p) => {
    out[p] = src[i];
  });
}

/**
 * Gathers slices along `axis`: out[o, i, r] = src[o, indices[i], r], with `outer`, `dim` and `inner`
 * the sizes before, at and after the axis.
 */
export function gatherKernel(out: TypedArray, src: TypedArray, indices: Int32Array, outer: number, dim: number, inner: number): void {
  const n = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) {
      const from = (o * dim + indices[i]) * inner;
      out.set(src.subarray(from, from + inner), (o * n + i) * inner);
    }
  }
}

/** The adjoint of {@link gatherKernel}: out[o, indices[i], r] += src[o, i, r] (out zero-filled). */
export function scatterAddKernel(out: TypedArray, src: TypedArray, indices: Int32Array, outer: number, dim: number, inner: number): void {
  const n = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) {
      const to = (o * dim + indices[i]) * inner;
      const from = (o * n + i) * inner;
      for (let r = 0; r < inner; r++) out[to + r] += src[from + r];
    }
  }
}
