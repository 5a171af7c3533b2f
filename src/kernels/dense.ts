/**
 * When a dense layer (`fused.matMul`) runs its steps around the product in WebAssembly
 * (`assembly/dense.ts`): float32 on the `"wasm"` backend, for the activations WebAssembly can
 * apply bit-identically to TypeScript, and for products that stay on the calling thread.
 * @module
 */
import type { DType } from "../tensor/dtype.js";
import { getBackend, parallelMatmul, PARALLEL_MIN_FLOPS } from "./backend.js";

/**
 * Whether the WebAssembly dense kernels take an `[m, k] · [k, n]` product with `activation`.
 * sigmoid and tanh stay in TypeScript: WebAssembly has no exp, and one written here would not
 * round as Math.exp does. Products big enough for worker threads go through `matmulKernel`,
 * which splits them, and so keep the TypeScript epilogue and the public-op backward.
 * `parallelFrom` is the product size (flops) from which threads are worth their copies.
 */
export function denseOnWasm(dtype: DType, activation: string, m: number, k: number, n: number, parallelFrom = PARALLEL_MIN_FLOPS): boolean {
  if (dtype !== "float32" || (activation !== "relu" && activation !== "linear") || getBackend() !== "wasm") return false;
  return 2 * m * k * n < parallelFrom || parallelMatmul() === null;
}
