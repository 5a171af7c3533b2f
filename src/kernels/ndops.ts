/**
 * The few `ndarray` / `ndarray-ops` functions gradtape uses, behind correct types.
 *
 * `ndarray-ops` is CommonJS and builds most exports in a loop, so only its default import works
 * under Node's ESM loader; `@types/ndarray-ops` also mistypes the in-place ops. Keeping every use
 * here means the trap is handled once. Its kernels compile on first use per dtype and layout
 * (about a millisecond) and cost ~0.3 µs per call, so callers use them only past
 * {@link NDOPS_MIN_SIZE} elements, where they beat a plain loop.
 * @module
 */
import ndarray from "ndarray";
import ndops from "ndarray-ops";
import type { TypedArray } from "../tensor/dtype.js";
import { stridesOf } from "../tensor/shape.js";

/** Below this many elements a plain loop is faster than an `ndarray-ops` kernel. */
export const NDOPS_MIN_SIZE = 8192;

type View = ndarray.NdArray<TypedArray>;
type BinaryName = "add" | "sub" | "mul" | "div" | "max" | "min";

interface NdOps {
  assign(out: View, a: View): void;
  add(out: View, a: View, b: View): void;
  sub(out: View, a: View, b: View): void;
  mul(out: View, a: View, b: View): void;
  div(out: View, a: View, b: View): void;
  max(out: View, a: View, b: View): void;
  min(out: View, a: View, b: View): void;
}

const ops = ndops as unknown as NdOps;

/**
 * A strided view. Built with the constructor rather than `.step()`/`.transpose()` because
 * `step(0)` yields a dimension of Infinity and `transpose()` without arguments is the identity.
 */
export function view(data: TypedArray, shape: readonly number[], strides: readonly number[], offset: number): View {
  return ndarray(data, shape.slice(), strides.slice(), offset);
}

/** Copies a strided view into a contiguous row-major array. */
export function assign(out: TypedArray, shape: readonly number[], src: TypedArray, strides: readonly number[], offset: number): void {
  ops.assign(view(out, shape, stridesOf(shape), 0), view(src, shape, strides, offset));
}

/** `out = a ∘ b` over broadcast views (zero strides), `out` contiguous of `shape`. */
export function binary(
  name: BinaryName,
  out: TypedArray,
  shape: readonly number[],
  a: TypedArray, aStrides: readonly number[], aOffset: number,
  b: TypedArray, bStrides: readonly number[], bOffset: number,
): void {
  ops[name](view(out, shape, stridesOf(shape), 0), view(a, shape, aStrides, aOffset), view(b, shape, bStrides, bOffset));
}
