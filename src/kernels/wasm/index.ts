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
  matmulDestination,
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

/** Which gradients {@link denseBackwardF32} computes: of `a`, of `b`, of the bias. */
export interface DenseNeeds {
  /** The gradient of the left operand. */
  readonly a: boolean;
  /** The gradient of the right operand. */
  readonly b: boolean;
  /** The bias gradient (dz's column sums). */
  readonly bias: boolean;
}

/** The gradients {@link denseBackwardF32} returns; those not asked for are undefined. */
export interface DenseGradients {
  /** The gradient of `a`, in `a`'s layout. */
  readonly da: Float32Array | undefined;
  /** The gradient of `b`, in `b`'s layout. */
  readonly db: Float32Array | undefined;
  /** The bias gradient, length n. */
  readonly dbias: Float32Array | undefined;
}

/** @internal One instance of the kernels and its arena; `conv.ts` stages its operands here too. */
export class Kernels implements WasmMatmul {
  readonly relaxedSimd: boolean;
  /** @internal */
  readonly exports: KernelExports;
  /** View over the current `memory.buffer`; replaced when memory grows (growing detaches the old buffer). */
  heap: Float32Array;
  /** The same memory as int32, for index arrays. */
  heapI32: Int32Array;

  constructor(options: WasmMatmulOptions) {
    const { module, relaxedSimd } = compileKernels(wasmBase64, wasmRelaxedBase64, options.relaxedSimd ?? "auto");
    this.relaxedSimd = relaxedSimd;
    this.exports = new WebAssembly.Instance(module, kernelImports()).exports as unknown as KernelExports;
    this.heap = new Float32Array(this.exports.memory.buffer);
    this.heapI32 = new Int32Array(this.exports.memory.buffer);
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
    const { result, done } = matmulDestination(a, b, m, k, n, transposeA, transposeB, out);
    if (done) return result;

    const ex = this.exports;
    const cBytes = align64(m * n * 4);
    // The arena only ever grows (by >= 50% at a time), so steady-state
    // training reuses the same memory without growing or detaching views.
    const [aPtr, bPtr, cPtr] = this.stage("matmulF32", [a, b], (cBytes + ex.workspaceBytes(m, k, n)) / 4);
    ex.matmul(aPtr, bPtr, cPtr, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0, cPtr + cBytes);
    result.set(this.heap.subarray(cPtr >>> 2, (cPtr >>> 2) + m * n));
    return result;
  }

  /** Bytes from `arenaBase()` held by resident blocks; scratch starts above them. */
  private residentEnd = 0;
  /** Freed resident blocks by byte size, reused before the resident region grows. */
  private readonly freeBlocks = new Map<number, number[]>();

  /** Re-creates the views after memory grew (growing detaches the old buffer). */
  private refreshViews(): void {
    const buffer = this.exports.memory.buffer;
    if (this.heap.buffer !== buffer) {
      this.heap = new Float32Array(buffer);
      this.heapI32 = new Int32Array(buffer);
    }
  }

  /**
   * @internal Reserves a block of `floats` float32 values (64-byte aligned and padded) that stays
   * put until {@link freeResident}: scratch is staged above every such block. Returns its byte
   * offset, never a view, since growing memory detaches views. The contents are unspecified.
   */
  allocResident(fn: string, floats: number): number {
    const bytes = align64(floats * 4);
    const reused = this.freeBlocks.get(bytes)?.pop();
    if (reused !== undefined) return reused;
    if (!this.exports.ensureArena(this.residentEnd + bytes)) throw growError(fn, this.residentEnd + bytes);
    const ptr = this.exports.arenaBase() + this.residentEnd;
    this.residentEnd += bytes;
    return ptr;
  }

  /** @internal Returns a block from {@link allocResident} of `floats` values for reuse. */
  freeResident(ptr: number, floats: number): void {
    const bytes = align64(floats * 4);
    const list = this.freeBlocks.get(bytes);
    if (list === undefined) this.freeBlocks.set(bytes, [ptr]);
    else list.push(ptr);
  }

  /** @internal A copy of `floats` values at byte offset `ptr`. */
  readResident(ptr: number, floats: number): Float32Array {
    this.refreshViews();
    return this.heap.slice(ptr >>> 2, (ptr >>> 2) + floats);
  }

  /** @internal Copies `values` to byte offset `ptr`. */
  writeResident(ptr: number, values: Float32Array): void {
    this.refreshViews();
    this.heap.set(values, ptr >>> 2);
  }

  /**
   * Copies arrays into the arena back to back (64-byte aligned) and returns their byte offsets,
   * then the offset of `extraFloats` more floats of scratch. `fn` names the caller in errors.
   */
  stage(fn: string, arrays: readonly (Float32Array | Int32Array | undefined)[], extraFloats: number): number[] {
    const ex = this.exports;
    const sizes = arrays.map((a) => align64((a?.length ?? 0) * 4));
    const total = sizes.reduce((x, y) => x + y, 0) + align64(extraFloats * 4);
    if (!ex.ensureArena(this.residentEnd + total)) throw growError(fn, this.residentEnd + total);
    this.refreshViews();
    const ptrs: number[] = [];
    let at = ex.arenaBase() + this.residentEnd;
    arrays.forEach((a, i) => {
      ptrs.push(at);
      if (a instanceof Int32Array) this.heapI32.set(a, at >>> 2);
      else if (a !== undefined) this.heap.set(a, at >>> 2);
      at += sizes[i];
    });
    ptrs.push(at);
    return ptrs;
  }

  /** See the module-level {@link sgdMomentumF32}. */
  sgdMomentumF32(w: Float32Array, g: Float32Array, v: Float32Array | undefined, lr: number, m: number, keep: number, wd: number, nesterov: boolean): { weight: Float32Array; velocity: Float32Array } {
    const n = w.length;
    // No velocity before the first step: the kernel reads none (`first`), so nothing is copied in.
    const [wp, gp, vp, outW] = this.stage("wasm", [w, g, v], 2 * align64(n * 4) / 4);
    const outV = outW + align64(n * 4);
    this.exports.sgdMomentumF32(wp, gp, vp, outW, outV, n, lr, m, keep, wd, nesterov ? 1 : 0, v === undefined ? 1 : 0);
    return {
      weight: this.heap.slice(outW >>> 2, (outW >>> 2) + n),
      velocity: this.heap.slice(outV >>> 2, (outV >>> 2) + n),
    };
  }

  /**
   * @internal {@link sgdMomentumF32} with the velocity resident at byte offset `vPtr` (a block of
   * w's length from {@link allocResident}), updated in place: only w and g are copied in, and only
   * the new weight, a fresh array, is copied out. `first`: the block holds no velocity yet.
   */
  sgdMomentumResidentF32(w: Float32Array, g: Float32Array, vPtr: number, first: boolean, lr: number, m: number, keep: number, wd: number, nesterov: boolean): Float32Array {
    const n = w.length;
    const [wp, gp, outW] = this.stage("wasm", [w, g], n);
    // The kernel reads each velocity pair before it stores the new one at the same offset.
    this.exports.sgdMomentumF32(wp, gp, vPtr, outW, vPtr, n, lr, m, keep, wd, nesterov ? 1 : 0, first ? 1 : 0);
    return this.heap.slice(outW >>> 2, (outW >>> 2) + n);
  }

  /** See the module-level {@link countNonFiniteF32}. */
  countNonFiniteF32(x: Float32Array): number {
    const [p] = this.stage("wasm", [x], 0);
    return this.exports.countNonFiniteF32(p, x.length);
  }

  /** See the module-level {@link denseForwardF32}. */
  denseForwardF32(a: Float32Array, b: Float32Array, bias: Float32Array | undefined, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, relu: boolean): Float32Array {
    checkMatmulArgs("denseForwardF32", a, b, m, k, n, transposeA, transposeB, undefined);
    if (bias !== undefined && bias.length !== n) throw new RangeError(`denseForwardF32: bias must have ${n} elements (one per output column), got ${bias.length}`);
    if (m === 0 || n === 0) return new Float32Array(m * n);
    const ex = this.exports;
    const cBytes = align64(m * n * 4);
    // stage() pads every array to 64 bytes, which the kernel's whole-vector row ends rely on.
    const [ap, bp, biasPtr, c] = this.stage("wasm", [a, b, bias], (cBytes + ex.workspaceBytes(m, k, n)) / 4);
    ex.denseForwardF32(ap, bp, bias === undefined ? 0 : biasPtr, c, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0, relu ? 1 : 0, c + cBytes);
    return this.heap.slice(c >>> 2, (c >>> 2) + m * n);
  }

  /** See the module-level {@link denseBackwardF32}. */
  denseBackwardF32(dy: Float32Array, y: Float32Array | undefined, a: Float32Array, b: Float32Array, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, needs: DenseNeeds): DenseGradients {
    checkMatmulArgs("denseBackwardF32", a, b, m, k, n, transposeA, transposeB, undefined);
    for (const [name, t] of [["dy", dy], ["y", y]] as const) {
      if (t !== undefined && t.length !== m * n) throw new RangeError(`denseBackwardF32: ${name} must have ${m * n} elements ([m, n] = [${m}, ${n}]), got ${t.length}`);
    }
    const ex = this.exports;
    const size = (floats: number, wanted: boolean) => (wanted ? align64(floats * 4) : 0);
    const biasBytes = size(n, needs.bias);
    const daBytes = size(m * k, needs.a);
    const dbBytes = size(k * n, needs.b);
    const work = this.denseBackwardWork(m, k, n, transposeA, transposeB, needs);
    // Each operand is only read for the other's gradient, so only then copied in.
    const [dz, yp, ap, bp, dbias] = this.stage("wasm", [dy, y, needs.b ? a : undefined, needs.a ? b : undefined], (biasBytes + daBytes + dbBytes + work) / 4);
    const da = dbias + biasBytes;
    const db = da + daBytes;
    ex.denseBackwardF32(
      dz, y === undefined ? 0 : yp, ap, bp, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0,
      needs.bias ? dbias : 0, needs.a ? da : 0, needs.b ? db : 0, db + dbBytes,
    );
    const out = (p: number, floats: number, wanted: boolean) => (wanted ? this.heap.slice(p >>> 2, (p >>> 2) + floats) : undefined);
    return { da: out(da, m * k, needs.a), db: out(db, k * n, needs.b), dbias: out(dbias, n, needs.bias) };
  }

  /** @internal The scratch bytes `denseBackwardF32` needs after its outputs. */
  denseBackwardWork(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, needs: DenseNeeds): number {
    const ex = this.exports;
    // The products' dimensions as assembly/dense.ts calls them, and the bias gradient's float64
    // accumulators, rounded up to whole vectors.
    return Math.max(
      !needs.a ? 0 : transposeA ? ex.workspaceBytes(k, n, m) : ex.workspaceBytes(m, n, k),
      !needs.b ? 0 : transposeB ? ex.workspaceBytes(n, m, k) : ex.workspaceBytes(k, m, n),
      Math.ceil(n / 4) * 32,
    );
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

/** @internal The shared kernels, or an error naming `fn` where WebAssembly SIMD cannot run. */
export function kernelsFor(fn: string): Kernels {
  const kernels = sharedKernels();
  if (kernels === null) throw new Error(`${fn}: WebAssembly SIMD kernels are unavailable; check wasmAvailable() first`);
  return kernels;
}

/**
 * One momentum-SGD step over float32 arrays in WebAssembly SIMD, bit-identical to the TypeScript
 * update in `optim/sgd.ts` (both compute in double and round once per stored value). `v`
 * undefined means the first step (`v ← g`).
 * @throws Error if WebAssembly SIMD is unavailable (see {@link wasmAvailable}).
 */
export function sgdMomentumF32(w: Float32Array, g: Float32Array, v: Float32Array | undefined, lr: number, m: number, keep: number, wd: number, nesterov: boolean): { weight: Float32Array; velocity: Float32Array } {
  return kernelsFor("sgdMomentumF32").sgdMomentumF32(w, g, v, lr, m, keep, wd, nesterov);
}

/**
 * How many of the values are NaN or ±Infinity, scanned with WebAssembly SIMD.
 * @throws Error if WebAssembly SIMD is unavailable (see {@link wasmAvailable}).
 */
export function countNonFiniteF32(x: Float32Array): number {
  return kernelsFor("countNonFiniteF32").countNonFiniteF32(x);
}

/**
 * A dense layer's forward step in one WebAssembly call: `op(A) · op(B)` as {@link matmulF32}
 * computes it, plus `bias` on every row, then relu when `relu`. The bias and relu match the
 * TypeScript loop of `fused.matMul` bit for bit (see `assembly/dense.ts` for why).
 *
 * @param a - Left operand, stored [m, k] (or [k, m] when `transposeA`).
 * @param b - Right operand, stored [k, n] (or [n, k] when `transposeB`).
 * @param bias - n values added to each row, or undefined for none.
 * @param m - Rows of the result.
 * @param k - Inner (summed) dimension.
 * @param n - Columns of the result.
 * @param transposeA - Read `a` transposed.
 * @param transposeB - Read `b` transposed.
 * @param relu - Apply max(z, 0) after the bias.
 * @returns A new Float32Array of length m·n, row-major [m, n].
 * @throws RangeError if a dimension or an array's length is wrong.
 * @throws Error if WebAssembly SIMD is unavailable (see {@link wasmAvailable}).
 */
export function denseForwardF32(a: Float32Array, b: Float32Array, bias: Float32Array | undefined, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, relu: boolean): Float32Array {
  return kernelsFor("denseForwardF32").denseForwardF32(a, b, bias, m, k, n, transposeA, transposeB, relu);
}

/**
 * The backward step of {@link denseForwardF32} in one WebAssembly call: dz = dy ⊙ (y > 0) for relu
 * (dz = dy without `y`), its column sums as the bias gradient, and the gradients of `a` and `b`
 * by the same products that `matmulGrads` runs, with dz kept in WebAssembly memory throughout.
 * Each result equals the public-op composition on the `"wasm"` backend bit for bit.
 *
 * @param dy - The output's gradient, [m, n].
 * @param y - The layer's output for relu's mask, or undefined for a linear layer.
 * @param a - The forward's left operand, as stored (read only when `needs.b`).
 * @param b - The forward's right operand, as stored (read only when `needs.a`).
 * @param m - Rows of the product.
 * @param k - Inner dimension of the product.
 * @param n - Columns of the product.
 * @param transposeA - The forward read `a` transposed.
 * @param transposeB - The forward read `b` transposed.
 * @param needs - Which gradients to compute; the others are skipped.
 * @returns The gradients asked for, each in its operand's layout.
 * @throws RangeError if a dimension or an array's length is wrong.
 * @throws Error if WebAssembly SIMD is unavailable (see {@link wasmAvailable}).
 */
export function denseBackwardF32(dy: Float32Array, y: Float32Array | undefined, a: Float32Array, b: Float32Array, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, needs: DenseNeeds): DenseGradients {
  return kernelsFor("denseBackwardF32").denseBackwardF32(dy, y, a, b, m, k, n, transposeA, transposeB, needs);
}
