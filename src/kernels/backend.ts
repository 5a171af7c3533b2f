/**
 * Which kernels run float32 matmuls: WebAssembly SIMD (`"wasm"`, the default where the engine
 * supports it) or the TypeScript loops (`"js"`, always available, and the reference the
 * WebAssembly kernels are tested against). float64 and int32 always use TypeScript.
 * @module
 */
import { wasmAvailable } from "./wasm/index.js";

/** A kernel backend name. */
export type Backend = "wasm" | "js";

let current: Backend | undefined;

/** The backend in use: `"wasm"` where WebAssembly SIMD works, else `"js"`. */
export function getBackend(): Backend {
  current ??= wasmAvailable() ? "wasm" : "js";
  return current;
}

/**
 * Selects the kernels, as `tf.setBackend` does: `"js"` runs every kernel in TypeScript, for
 * reading them or checking results against them.
 * @throws Error for an unknown name, or `"wasm"` where WebAssembly SIMD is unavailable.
 * @example `gt.setBackend("js")`
 */
export function setBackend(name: Backend): void {
  if (name !== "wasm" && name !== "js") throw new Error(`setBackend: unknown backend ${JSON.stringify(name)}; expected "wasm" or "js"`);
  if (name === "wasm" && !wasmAvailable()) throw new Error("setBackend: WebAssembly SIMD is not available in this engine; use \"js\"");
  current = name;
}
