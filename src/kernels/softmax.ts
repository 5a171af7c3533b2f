/**
 * Softmax and log-softmax along the middle axis of an [outer, dim, inner] layout. Both subtract
 * the maximum first, so logits of ±1000 give exact, finite results instead of Infinity/Infinity.
 * @module
 */
import { allocate, type DType, type TypedArray } from "../tensor/dtype.js";

/** Softmax (or log-softmax when `log`) of contiguous `x` along the middle of [outer, dim, inner]. */
export function softmaxKernel(x: TypedArray, outer: number, dim: number, inner: number, dtype: DType, log: boolean): TypedArray {
  const out = allocate(dtype, x.length);
  const e = new Float64Array(dim);
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < inner; r++) {
      const base = o * dim * inner + r;
      let m = -Infinity;
      for (let i = 0; i < dim; i++) {
        const v = x[base + i * inner];
        if (v > m || v !== v) m = v;
      }
      // An all -Infinity row has no finite maximum; shifting by 0 keeps it from becoming NaN early.
      const shift = Number.isFinite(m) ? m : 0;
      let s = 0;
      for (let i = 0; i < dim; i++) {
        e[i] = Math.exp(x[base + i * inner] - shift);
        s += e[i];
      }
      if (log) {
        const ls = Math.log(s);
        for (let i = 0; i < dim; i++) out[base + i * inner] = x[base + i * inner] - shift - ls;
      } else {
        for (let i = 0; i < dim; i++) out[base + i * inner] = e[i] / s;
      }
    }
  }
  return out;
}
