/**
 * Which kernels run float32 matmuls: WebAssembly SIMD (`"wasm"`, the default where the engine
 * supports it) or the TypeScript loops (`"js"`, always available, and the reference the
 * WebAssembly kernels are tested against). float64 and int32 always use TypeScript.
 * @module
 */
import { wasmAvailable } from "./wasm/index.js";
import { createParallelWasmMatmul, type ParallelWasmMatmul } from "./wasm/parallel.js";
import { availableThreads } from "./wasm/transport.js";
import { warn } from "../util/warn.js";
import { describe } from "../tensor/tensor.js";

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

/**
 * Products below this many flops (2·m·k·n) stay on the calling thread, and so does a dense layer's
 * fused forward and backward. Measured here (2 cores, interleaved, medians of 5-7 rounds, the
 * second core idle): the fused dense kernels on two threads against one, operands staged and
 * results copied out as in a training step, ran 0.7-0.8× at 3·10⁵ flops, 1.15-1.2× at 10⁶, 1.3-1.4×
 * at 4·10⁶ and 1.4-1.7× from 10⁷ on; waking the worker and waiting for its last panel cost ~5-10
 * µs. From 4·10⁶ the gain outweighs a hand-off that a busy machine makes slower.
 */
export const PARALLEL_MIN_FLOPS = 4e6;

let threads: number | undefined;
let parallel: ParallelWasmMatmul | null | undefined;

/**
 * How many threads large float32 products are split across, unless {@link setThreads} said
 * otherwise: the available cores, at most 4, in Node and in a cross-origin isolated page (served
 * with `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`,
 * where Web Workers may share memory); 1 in any other page.
 */
export function getThreads(): number {
  threads ??= Math.min(4, availableThreads());
  return threads;
}

/**
 * Sets how many threads split a large float32 matmul (the calling thread included); 1 keeps every
 * product on the calling thread. Results are the same bit for bit whatever the count: each element
 * is computed by one thread with the same summation order. More threads than the host has cores
 * (`os.availableParallelism()`, a page's `navigator.hardwareConcurrency`) would only compete for
 * them, and each costs a worker's memory: the count is capped there, with a warning that says so.
 * @throws Error unless `n` is a positive integer.
 * @example `gt.setThreads(1)`
 */
export function setThreads(n: number): void {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new Error(`setThreads: n must be a positive integer, got ${describe(n)}`);
  }
  const cores = availableThreads();
  if (n > cores) {
    warn(`setThreads: ${n} threads asked for, but this host has ${cores} core${cores === 1 ? "" : "s"} for them; using ${cores}`);
    n = cores;
  }
  if (parallel) void parallel.close();
  parallel = undefined;
  threads = n;
}

/**
 * Starts the worker threads now instead of on the first large product, and resolves with how many
 * threads large products will use. In a browser a worker starts only while the page's event loop
 * runs; until then products run on the calling thread alone (with the same results), so await this
 * before a training loop that never yields.
 * A worker that cannot start or dies makes products fall back to the calling thread, with a
 * warning; then this resolves with 1.
 * @throws Error (the promise rejects) if a worker is still starting after 60 s.
 * @example `await gt.threadsReady()`
 */
export async function threadsReady(): Promise<number> {
  const pool = parallelMatmul();
  return pool === null ? 1 : 1 + (await pool.ready());
}

/** @internal The multi-threaded kernels, created on first need; null where they cannot run. */
export function parallelMatmul(): ParallelWasmMatmul | null {
  if (getThreads() <= 1 || getBackend() !== "wasm") return null;
  if (parallel === undefined) {
    try {
      parallel = createParallelWasmMatmul({ threads: getThreads(), minParallelFlops: PARALLEL_MIN_FLOPS, adaptive: true });
    } catch (err) {
      warn(`cannot start worker threads (${err instanceof Error ? err.message : String(err)}); products run on the calling thread alone`);
      parallel = null;
    }
  }
  return parallel;
}
