/**
 * Which kernels run a dense layer's steps around the product (`fused.matMul`) in WebAssembly
 * (`assembly/dense.ts`): float32 on the `"wasm"` backend, for the activations WebAssembly can
 * apply bit-identically to TypeScript. Large products go to the worker pool's versions of the same
 * kernels, which give the same bits on any number of threads.
 * @module
 */
import type { DType } from "../tensor/dtype.js";
import { getBackend, parallelMatmul, PARALLEL_MIN_FLOPS } from "./backend.js";
import { denseBackwardF32, denseForwardF32 } from "./wasm/index.js";

/** A dense layer's fused forward and backward kernels: the calling thread's, or the worker pool's. */
export interface DenseKernels {
  /** See `denseForwardF32` in `wasm/index.ts`. */
  denseForwardF32: typeof denseForwardF32;
  /** See `denseBackwardF32` in `wasm/index.ts`. */
  denseBackwardF32: typeof denseBackwardF32;
}

const ONE_THREAD: DenseKernels = {
  // Through the module's functions at call time, not one instance's methods, so tests can watch the calls.
  denseForwardF32: (...args) => denseForwardF32(...args),
  denseBackwardF32: (...args) => denseBackwardF32(...args),
};

/**
 * The WebAssembly kernels for an `[m, k] · [k, n]` dense step with `activation`, or null for the
 * TypeScript epilogue and the public-op backward. sigmoid and tanh stay in TypeScript: WebAssembly
 * has no exp, and one written here would not round as Math.exp does. From
 * {@link PARALLEL_MIN_FLOPS} on, with more than one thread, the worker pool's kernels.
 */
export function denseKernels(dtype: DType, activation: string, m: number, k: number, n: number): DenseKernels | null {
  if (!wasmDense(dtype, activation)) return null;
  if (2 * m * k * n < PARALLEL_MIN_FLOPS) return ONE_THREAD;
  return parallelMatmul() ?? ONE_THREAD;
}

/**
 * Whether the calling thread's WebAssembly dense kernels take a product (the convolutions' test;
 * they stage im2col columns in that module's memory). Products from `parallelFrom` flops on go
 * through `matmulKernel`, which splits them across threads, and so keep the TypeScript epilogue
 * and the public-op backward.
 */
export function denseOnWasm(dtype: DType, activation: string, m: number, k: number, n: number, parallelFrom: number): boolean {
  return wasmDense(dtype, activation) && (2 * m * k * n < parallelFrom || parallelMatmul() === null);
}

function wasmDense(dtype: DType, activation: string): boolean {
  return dtype === "float32" && (activation === "relu" || activation === "linear") && getBackend() === "wasm";
}
