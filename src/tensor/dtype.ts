/**
 * Element types and the typed arrays behind them.
 *
 * The dtype rules, in one place:
 * - `float32` (the default), `float64` and `int32`.
 * - float32 and float64 never mix silently: a binary op given one of each throws and names both,
 *   because a quiet promotion would hide a lost digit or a doubled memory bill.
 * - int32 meets a float: the int32 side is converted to the float's dtype (labels times weights).
 * - A plain number takes the other operand's dtype, except a non-integer number beside an int32
 *   tensor, which makes both float32 (so `mul(counts, 0.5)` does not truncate to 0).
 * - Ops that are real-valued by nature (`div`, `sqrt`, `exp`, `log`, `pow`, `sigmoid`, `tanh`,
 *   `softmax`, `logSoftmax`, `mean`, `matmul`) compute int32 inputs as float32.
 * - Gradients flow only through float tensors; an int32 input gets none.
 * @module
 */

/** The element type of a tensor. */
export type DType = "float32" | "float64" | "int32";

/** A typed array that can back a tensor. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** The constructors of the typed arrays that back each dtype. */
export const ARRAY_TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
} as const;

/** Allocates a zero-filled typed array of `dtype` with `size` elements. */
export function allocate(dtype: DType, size: number): TypedArray {
  return new ARRAY_TYPES[dtype](size);
}

/** Throws unless `dtype` is one of the supported names. */
export function checkDType(dtype: unknown, where: string): DType {
  if (dtype === "float32" || dtype === "float64" || dtype === "int32") return dtype;
  throw new Error(`${where}: unknown dtype ${JSON.stringify(dtype)}; expected 'float32', 'float64' or 'int32'`);
}

/** The dtype a typed array stands for; other array types (Uint8Array, …) read as float32. */
export function dtypeOfArray(values: ArrayLike<number>): DType {
  if (values instanceof Float64Array) return "float64";
  if (values instanceof Int32Array) return "int32";
  return "float32";
}

/** True for float32 and float64. */
export function isFloat(dtype: DType): boolean {
  return dtype !== "int32";
}
