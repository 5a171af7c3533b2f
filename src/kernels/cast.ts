/**
 * Dtype conversion kernel.
 * @module
 */
import { allocate, fitsInt32, INT32_MAX, INT32_MIN, type DType, type TypedArray } from "../tensor/dtype.js";

/**
 * Copies `x` into a new array of `dtype`; float to int32 truncates toward zero. A value with no
 * int32 (NaN, ±Infinity, beyond ±2³¹) is refused: a typed array would store 0 or a wrapped number.
 * @throws Error naming the value and its index.
 */
export function castKernel(x: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, x.length);
  if (dtype !== "int32") {
    out.set(x);
    return out;
  }
  for (let i = 0; i < x.length; i++) {
    const v = Math.trunc(x[i]);
    if (!fitsInt32(v)) throw new Error(`cast: value ${x[i]} at flat index ${i} has no int32 value (NaN, infinite, or outside [${INT32_MIN}, ${INT32_MAX}])`);
    out[i] = v;
  }
  return out;
}
