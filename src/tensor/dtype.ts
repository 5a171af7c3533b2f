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

/** The smallest int32. */
export const INT32_MIN = -2147483648;
/** The largest int32. */
export const INT32_MAX = 2147483647;

/** Whether `v` is a number an int32 element can hold exactly. */
export function fitsInt32(v: number): boolean {
  return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
}

/** Why `v` cannot be an int32 element, for messages; undefined when it can. */
export function int32Problem(v: number): string | undefined {
  if (fitsInt32(v)) return undefined;
  if (!Number.isInteger(v)) return "is not an integer";
  return `is outside the int32 range [${INT32_MIN}, ${INT32_MAX}]`;
}

/**
 * Exact results (computed in float64) stored as int32, refusing any that does not fit rather
 * than wrapping around as a typed array would: an int32 sum that wraps is a silently wrong number.
 * @throws Error naming `op`, the value and its index.
 */
export function toInt32Exact(op: string, values: ArrayLike<number>): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < INT32_MIN || v > INT32_MAX) {
      throw new Error(`${op}: the int32 result ${v} at flat index ${i} does not fit in int32 [${INT32_MIN}, ${INT32_MAX}] and would wrap around; cast the input with .cast('float64') first`);
    }
    out[i] = v;
  }
  return out;
}

/** True for float32 and float64. */
export function isFloat(dtype: DType): boolean {
  return dtype !== "int32";
}
