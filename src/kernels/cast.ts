/**
 * Dtype conversion kernel.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../tensor/dtype.js";

/** Copies `x` into a new array of `dtype`; float to int32 truncates toward zero, as typed arrays do. */
export function castKernel(x: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, x.length);
  if (dtype === "int32") for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]);
  else out.set(x);
  return out;
}
