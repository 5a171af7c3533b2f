/**
 * The running-sum kernel behind `cumsum`.
 * @module
 */
import { allocate, toInt32Exact, type DType, type TypedArray } from "../tensor/dtype.js";

/**
 * Running sums along the middle axis of `src` viewed as `[outer, dim, inner]`: inclusive (each
 * element counts itself) or exclusive, from the start or, when `reverse`, from the end. Sums
 * accumulate in float64 whatever the dtype.
 */
export function cumsumKernel(src: TypedArray, outer: number, dim: number, inner: number, exclusive: boolean, reverse: boolean, dtype: DType): TypedArray {
  // int32 sums are kept exact in float64 and refused where they would not fit.
  const out = dtype === "int32" ? new Float64Array(src.length) : allocate(dtype, src.length);
  const first = reverse ? dim - 1 : 0;
  const step = reverse ? -inner : inner;
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < inner; r++) {
      let p = o * dim * inner + first * inner + r;
      let acc = 0;
      for (let i = 0; i < dim; i++, p += step) {
        if (exclusive) {
          out[p] = acc;
          acc += src[p];
        } else {
          acc += src[p];
          out[p] = acc;
        }
      }
    }
  }
  return dtype === "int32" ? toInt32Exact("cumsum", out) : out;
}
