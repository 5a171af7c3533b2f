/**
 * WebAssembly SIMD float32 matrix-multiply kernels.
 *
 * The kernels are compiled from `assembly/matmul.ts` by `npm run build:wasm`
 * and embedded as base64, so this module instantiates synchronously in Node
 * and in bundlers without touching the file system. Where the engine
 * supports relaxed SIMD (Chrome >= 114, Node >= 21; Node 20 only with
 * `--experimental-wasm-relaxed-simd`) a build using fused
 * multiply-add is picked automatically; elsewhere the plain SIMD128 build.
 *
 * @module
 */

import {
  align64,
  checkMatmulArgs,
  compileKernels,
  growError,
  kernelImports,
  type KernelExports,
  type RelaxedSimdOption,
} from "./common.js";
import { wasmBase64, wasmRelaxedBase64 } from "./kernels.generated.js";

export type { RelaxedSimdOption } from "./common.js";

/** Options for {@link createWasmMatmul}. */
export interface WasmMatmulOptions {
  /**
   * Use the relaxed-SIMD build, whose multiply-adds may be fused (rounded
   * once) depending on the hardware: `"auto"` (default) where the engine
   * accepts it, `true` to require it, `false` for the plain SIMD128 build,
   * which rounds identically on every machine.
   */
  relaxedSimd?: RelaxedSimdOption;
}

/** A float32 matmul backed by its own WebAssembly instance and memory arena. */
export interface WasmMatmul {
  /** Whether this instance runs the relaxed-SIMD (FMA) build. */
  readonly relaxedSimd: boolean;
  /** See the module-level {@link matmulF32}. */
  matmulF32(
    a: Float32Array,
    b: Float32Array,
    m: number,
    k: number,
    n: number,
    transposeA?: boolean,
    transposeB?: boolean,
    out?: Float32Array,
  ): Float32Array;
}

class Kernels implements WasmMatmul {
  readonly relaxedSimd: boolean;
  private readonly exports: KernelExports;
  /** View over the current `memory.buffer`; replaced when memory grows (growing detaches the old buffer). */
  private heap: Float32Array;

  constructor(options: WasmMatmulOptions) {
    const { module, relaxedSimd } = compileKernels(wasmBase64, wasmRelaxedBase64, options.relaxedSimd ?? "auto");
    this.relaxedSimd = relaxedSimd;
    this.exports = new WebAssembly.Instance(module, kernelImports()).exports as unknown as KernelExports;
    this.heap = new Float32Array(this.exports.memory.buffer);
  }

  matmulF32(
    a: Float32Array,
    b: Float32Array,
    m: number,
    k: number,
    n: number,
    transposeA = false,
    transposeB = false,
    out?: Float32Array,
  ): Float32Array {
    checkMatmulArgs("matmulF32", a, b, m, k, n, transposeA, transposeB, out);
    const result = out ?? new Float32Array(m * n);
    if (m === 0 || n === 0) return result;
    if (k === 0) return result.fill(0);

    const ex = this.exports;
    const aBytes = align64(a.length * 4);
    const bBytes = align64(b.length * 4);
    const cBytes = align64(m * n * 4);
    const total = aBytes + bBytes + cBytes + ex.workspaceBytes(m, k, n);
    // The arena only ever grows (by >= 50% at a time), so steady-state
    // training reuses the same memory without growing or detaching views.
    if (!ex.ensureArena(total)) throw growError("matmulF32", total);
    if (this.heap.buffer !== ex.memory.buffer) this.heap = new Float32Array(ex.memory.buffer);
    const aPtr = ex.arenaBase();
    const bPtr = aPtr + aBytes;
    const cPtr = bPtr + bBytes;
    const workPtr = cPtr + cBytes;

    const heap = this.heap;
    heap.set(a, aPtr >>> 2);
    heap.set(b, bPtr >>> 2);
    ex.matmul(aPtr, bPtr, cPtr, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0, workPtr);
    result.set(heap.subarray(cPtr >>> 2, (cPtr >>> 2) + m * n));
    return result;
  }
}

/**
 * Instantiates the kernels with their own memory arena (each instance holds
 * on to the largest operands it has seen).
 *
 * @throws Error if WebAssembly SIMD (or, with `relaxedSimd: true`, relaxed SIMD) is unsupported.
 */
export function createWasmMatmul(options: WasmMatmulOptions = {}): WasmMatmul {
  return new Kernels(options);
}

// undefined: not tried yet; null: tried and unavailable.
let shared: Kernels | null | undefined;
let sharedError: unknown;

function sharedKernels(): Kernels | null {
  if (shared === undefined) {
    try {
      shared = new Kernels({});
    } catch (err) {
      shared = null;
      sharedError = err;
    }
  }
  return shared;
}

/**
 * Whether the WebAssembly SIMD kernels can run here. Callers should fall back
 * to the TypeScript kernels when this is false.
 */
export function wasmAvailable(): boolean {
  return sharedKernels() !== null;
}

/** Which build {@link matmulF32} runs: with relaxed-SIMD FMA, plain SIMD128, or none. */
export function wasmKernelVariant(): "relaxed-simd" | "simd" | "unavailable" {
  const k = sharedKernels();
  return k === null ? "unavailable" : k.relaxedSimd ? "relaxed-simd" : "simd";
}

/**
 * Single-threaded float32 matrix product `C = op(A) · op(B)` using the
 * WebAssembly SIMD kernels.
 *
 * All matrices are dense and row-major. `op(A)` is m×k and `op(B)` is k×n:
 *
 * - `a` is stored as [m, k], or as [k, m] when `transposeA` (so `op(A) = Aᵀ`);
 * - `b` is stored as [k, n], or as [n, k] when `transposeB`;
 * - the result is [m, n].
 *
 * The operands are copied into the module's memory (which grows as needed
 * and is reused across calls) and the result is copied out.
 *
 * @param a - Left operand, length m·k.
 * @param b - Right operand, length k·n.
 * @param m - Rows of the result.
 * @param k - Inner (summed) dimension.
 * @param n - Columns of the result.
 * @param transposeA - Read `a` as a [k, m] array and use its transpose.
 * @param transposeB - Read `b` as a [n, k] array and use its transpose.
 * @param out - Optional destination of length m·n. It may alias `a` or `b`:
 *   both are copied into the module's memory before `out` is written.
 * @returns `out` if given, otherwise a new Float32Array of length m·n.
 * @throws RangeError if a dimension is not a non-negative integer or an array has the wrong length.
 * @throws Error if WebAssembly SIMD is unavailable (see {@link wasmAvailable}).
 */
export function matmulF32(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transposeA = false,
  transposeB = false,
  out?: Float32Array,
): Float32Array {
  const kernels = sharedKernels();
  if (kernels === null) {
    // Argument errors take precedence, so they read the same with or without wasm.
    checkMatmulArgs("matmulF32", a, b, m, k, n, transposeA, transposeB, out);
    const reason = sharedError instanceof Error ? sharedError.message : String(sharedError);
    throw new Error(`matmulF32: WebAssembly SIMD kernels are unavailable (${reason}); check wasmAvailable() first`);
  }
  return kernels.matmulF32(a, b, m, k, n, transposeA, transposeB, out);
}
