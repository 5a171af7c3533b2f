/**
 * Elementwise forward kernels: plain loops over contiguous typed arrays for the common layouts
 * (same shape, a scalar operand, a row broadcast such as a bias), `ndarray-ops` over zero-stride
 * views for large general broadcasts, and a strided loop for small ones.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../tensor/dtype.js";
import { broadcastStrides, shapesEqual, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import * as nd from "./ndops.js";

/** A scalar function of one element. */
export type UnaryFn = (x: number) => number;
/** A scalar function of two elements. */
export type BinaryFn = (x: number, y: number) => number;

/** Binary ops that have an unrolled loop here and an `ndarray-ops` kernel. */
const FAST = { add: "add", sub: "sub", mul: "mul", div: "div", maximum: "max", minimum: "min" } as const;
type FastName = keyof typeof FAST;

/** `out[i] = f(x[i])` into a new array of `dtype`. */
export function unaryKernel(x: Tensor, dtype: DType, f: UnaryFn): TypedArray {
  const src = x.values();
  const out = allocate(dtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return out;
}

/**
 * `out = f(a, b)` broadcast to `shape`, into a new array of `dtype`. `name` selects an unrolled
 * loop for the arithmetic ops, which V8 cannot inline through a shared closure.
 */
export function binaryKernel(name: string, a: Tensor, b: Tensor, shape: readonly number[], dtype: DType, f: BinaryFn): TypedArray {
  const size = sizeOf(shape);
  const out = allocate(dtype, size, name, shape);
  if (size === 0) return out;
  const fast = name in FAST ? (name as FastName) : undefined;
  if (shapesEqual(a.shape, b.shape)) {
    sameShape(fast, out, a.values(), b.values(), f);
  } else if (b.size === 1 && a.size === size) {
    withScalar(fast, out, a.values(), b.values()[0], f, false);
  } else if (a.size === 1 && b.size === size) {
    withScalar(fast, out, b.values(), a.values()[0], f, true);
  } else if (a.size === size && isSuffix(b.shape, shape)) {
    rowBroadcast(out, a.values(), b.values(), f, false);
  } else if (b.size === size && isSuffix(a.shape, shape)) {
    rowBroadcast(out, b.values(), a.values(), f, true);
  } else {
    const as = broadcastStrides(a.shape, a.strides, shape);
    const bs = broadcastStrides(b.shape, b.strides, shape);
    if (fast !== undefined && size >= nd.NDOPS_MIN_SIZE && a.dtype === dtype && b.dtype === dtype && nd.ready()) {
      nd.binary(FAST[fast], out, shape, a.buffer, as, a.offset, b.buffer, bs, b.offset);
    } else {
      strided(out, shape, a.buffer, as, a.offset, b.buffer, bs, b.offset, f);
    }
  }
  return out;
}

function sameShape(fast: FastName | undefined, out: TypedArray, x: TypedArray, y: TypedArray, f: BinaryFn): void {
  const n = out.length;
  switch (fast) {
    case "add": for (let i = 0; i < n; i++) out[i] = x[i] + y[i]; return;
    case "sub": for (let i = 0; i < n; i++) out[i] = x[i] - y[i]; return;
    case "mul": for (let i = 0; i < n; i++) out[i] = x[i] * y[i]; return;
    case "div": for (let i = 0; i < n; i++) out[i] = x[i] / y[i]; return;
    default: for (let i = 0; i < n; i++) out[i] = f(x[i], y[i]);
  }
}

/** `out[i] = f(x[i], s)`, or `f(s, x[i])` when `flip`. */
function withScalar(fast: FastName | undefined, out: TypedArray, x: TypedArray, s: number, f: BinaryFn, flip: boolean): void {
  const n = out.length;
  if (fast === "add") for (let i = 0; i < n; i++) out[i] = x[i] + s;
  else if (fast === "mul") for (let i = 0; i < n; i++) out[i] = x[i] * s;
  else if (flip) for (let i = 0; i < n; i++) out[i] = f(s, x[i]);
  else for (let i = 0; i < n; i++) out[i] = f(x[i], s);
}

/** `out[r, j] = f(x[r, j], row[j])` (or flipped): the bias-add layout. */
function rowBroadcast(out: TypedArray, x: TypedArray, row: TypedArray, f: BinaryFn, flip: boolean): void {
  const w = row.length;
  for (let base = 0; base < out.length; base += w) {
    if (flip) for (let j = 0; j < w; j++) out[base + j] = f(row[j], x[base + j]);
    else for (let j = 0; j < w; j++) out[base + j] = f(x[base + j], row[j]);
  }
}

/** True when `small` is a trailing part of `big` and so repeats contiguously along it. */
function isSuffix(small: readonly number[], big: readonly number[]): boolean {
  if (small.length > big.length) return false;
  const lead = big.length - small.length;
  for (let i = 0; i < small.length; i++) if (small[i] !== big[lead + i]) return false;
  return true;
}

function strided(
  out: TypedArray, shape: readonly number[],
  a: TypedArray, as: readonly number[], ao: number,
  b: TypedArray, bs: readonly number[], bo: number,
  f: BinaryFn,
): void {
  const rank = shape.length;
  const inner = shape[rank - 1];
  const sa = as[rank - 1];
  const sb = bs[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let pa = ao;
  let pb = bo;
  for (let i = 0; i < out.length; i += inner) {
    for (let j = 0; j < inner; j++) out[i + j] = f(a[pa + j * sa], b[pb + j * sb]);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      pa += as[d];
      pb += bs[d];
      if (idx[d] < shape[d]) break;
      pa -= idx[d] * as[d];
      pb -= idx[d] * bs[d];
      idx[d] = 0;
    }
  }
}
