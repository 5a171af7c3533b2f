/**
 * The matmul kernel: C[m, n] = op(A) · op(B), reading transposed operands through their layout
 * instead of copying them. float32 products go to the WebAssembly SIMD kernels when the backend is
 * `"wasm"`; everything else runs the TypeScript loops below.
 *
 * Two loop shapes cover the four layouts, both streaming contiguous memory in the inner loop:
 * - B read by rows (`B` or `Aᵀ·B`): four rows of C are accumulated at once, so each row of B is
 *   loaded once per four rows of A (register tiling on the A side); rows of C accumulate in float64.
 * - B transposed (`A·Bᵀ`): each element is a dot product of two contiguous rows, four columns of
 *   C at a time.
 * `Aᵀ·Bᵀ` is computed as (B·A)ᵀ and written out transposed.
 * @module
 */
import { allocate, checkAllocation, type DType, type TypedArray } from "../tensor/dtype.js";
import { getBackend, parallelMatmul, PARALLEL_MIN_FLOPS } from "./backend.js";
import { matmulF32 } from "./wasm/index.js";

/**
 * Multiplies `a` and `b`, both contiguous row-major buffers: `a` holds A as [m, k] (or [k, m] when
 * `transposeA`), `b` holds B as [k, n] (or [n, k] when `transposeB`). Returns C as [m, n].
 */
export function matmulKernel(
  a: TypedArray, b: TypedArray, m: number, k: number, n: number,
  transposeA: boolean, transposeB: boolean, dtype: DType,
): TypedArray {
  checkAllocation("matmul", m * n, dtype, [m, n]);
  // Every float32 product takes the same kernel, however small: a row's result then never depends
  // on the batch it was computed in (the TypeScript loops accumulate in float64, WebAssembly in float32).
  if (dtype === "float32" && getBackend() === "wasm") {
    const par = 2 * m * k * n >= PARALLEL_MIN_FLOPS ? parallelMatmul() : null;
    if (par !== null) return par.matmulF32(a as Float32Array, b as Float32Array, m, k, n, transposeA, transposeB);
    return matmulF32(a as Float32Array, b as Float32Array, m, k, n, transposeA, transposeB);
  }
  const out = allocate(dtype, m * n);
  if (m === 0 || n === 0) return out;
  if (transposeA && transposeB) {
    const t = allocate(dtype, n * m);
    byRows(t, b, a, n, k, m, k, 1);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = t[j * m + i];
  } else if (transposeB) {
    byDots(out, a, b, m, k, n);
  } else if (transposeA) {
    byRows(out, a, b, m, k, n, 1, m);
  } else {
    byRows(out, a, b, m, k, n, k, 1);
  }
  return out;
}

/**
 * C = A·B with B row-major [k, n] and A[i, p] = a[i*si + p*sp] (so either layout of A works).
 */
function byRows(out: TypedArray, a: TypedArray, b: TypedArray, m: number, k: number, n: number, si: number, sp: number): void {
  const acc = new Float64Array(4 * n);
  for (let i0 = 0; i0 < m; i0 += 4) {
    const rows = Math.min(4, m - i0);
    acc.fill(0);
    if (rows === 4) {
      const r0 = i0 * si, r1 = r0 + si, r2 = r1 + si, r3 = r2 + si;
      for (let p = 0; p < k; p++) {
        const pp = p * sp;
        const x0 = a[r0 + pp], x1 = a[r1 + pp], x2 = a[r2 + pp], x3 = a[r3 + pp];
        const bp = p * n;
        for (let j = 0; j < n; j++) {
          const y = b[bp + j];
          acc[j] += x0 * y;
          acc[n + j] += x1 * y;
          acc[2 * n + j] += x2 * y;
          acc[3 * n + j] += x3 * y;
        }
      }
    } else {
      for (let r = 0; r < rows; r++) {
        const ri = (i0 + r) * si;
        for (let p = 0; p < k; p++) {
          const x = a[ri + p * sp];
          const bp = p * n;
          for (let j = 0; j < n; j++) acc[r * n + j] += x * b[bp + j];
        }
      }
    }
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) out[(i0 + r) * n + j] = acc[r * n + j];
  }
}

/** C = A·Bᵀ with A row-major [m, k] and B row-major [n, k]: dot products of contiguous rows. */
function byDots(out: TypedArray, a: TypedArray, b: TypedArray, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[ai + p];
        s0 += x * b[b0 + p];
        s1 += x * b[b1 + p];
        s2 += x * b[b2 + p];
        s3 += x * b[b3 + p];
      }
      out[i * n + j] = s0;
      out[i * n + j + 1] = s1;
      out[i * n + j + 2] = s2;
      out[i * n + j + 3] = s3;
    }
    for (; j < n; j++) {
      let s = 0;
      const bj = j * k;
      for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
      out[i * n + j] = s;
    }
  }
}
