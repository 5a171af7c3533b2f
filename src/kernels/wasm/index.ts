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
  SHARED_MAX_PAGES,
  type KernelExports,
  type RelaxedSimdOption,
} from "./common.js";
import { wasmBase64, wasmRelaxedBase64, wasmThreadsBase64, wasmThreadsRelaxedBase64 } from "./kernels.generated.js";

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

/** @internal Options of {@link Kernels} beyond the public ones, for tests and the shared instance. */
export interface KernelsOptions extends WasmMatmulOptions {
  /**
   * Run the threads build over a shared memory and return results as views into it, reading
   * operands that are such views in place (default: where `SharedArrayBuffer` exists); false
   * copies operands in and results out, as where there is no shared memory.
   */
  resident?: boolean;
  /** Bytes the blocks of results may take in all (default: the larger of 64 MiB and 8 times the largest block asked for). */
  residentBudget?: number;
}

/** A resident block: its byte offset and size. */
interface Block {
  readonly ptr: number;
  readonly bytes: number;
}

const MIN_BUDGET = 64 * 2 ** 20;
/** The share of the budget in use from which {@link Kernels.askForCollection} asks for a collection, so that blocks come back before it is used up. */
const COLLECT_AT = 0.5;
/** The budget is at least this many of the largest block, so that a big model's step still fits a few times. */
const BUDGET_BLOCKS = 8;
/**
 * Bytes every block has after its values: the kernels read whole vectors past an array's end (at
 * most 12 bytes, from any element), so a view anywhere inside a block can be read in place.
 */
const BLOCK_SLACK = 16;
const blockBytes = (floats: number): number => align64(floats * 4 + BLOCK_SLACK);

/** The threads build over a new shared memory, or undefined where the engine has neither. */
function sharedInstance(relaxed: RelaxedSimdOption): { exports: KernelExports; memory: WebAssembly.Memory; relaxedSimd: boolean } | undefined {
  if (typeof SharedArrayBuffer !== "function") return undefined;
  try {
    const { module, relaxedSimd } = compileKernels(wasmThreadsBase64, wasmThreadsRelaxedBase64, relaxed);
    // The maximum must match the module's import (see SHARED_MAX_PAGES in scripts/build-wasm.mjs).
    const memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
    const exports = new WebAssembly.Instance(module, kernelImports(memory)).exports as unknown as KernelExports;
    return { exports, memory, relaxedSimd };
  } catch {
    return undefined;
  }
}

/**
 * @internal One instance of the kernels and its arena; `conv.ts` stages its operands here too.
 *
 * The arena holds, from `arenaBase()`, resident blocks (SGD's velocities and, in `resident` mode,
 * results handed out as views), then scratch: each call stages its operands above the blocks.
 */
export class Kernels implements WasmMatmul {
  readonly relaxedSimd: boolean;
  /** @internal */
  readonly exports: KernelExports;
  /** The module's memory: shared when {@link Kernels.resident}, so growing it never detaches a view. */
  readonly memory: WebAssembly.Memory;
  /** Whether results are views into the memory that own a block each, and such views are read in place. */
  readonly resident: boolean;
  /** View over the current `memory.buffer`; replaced when memory grows. */
  heap: Float32Array;
  /** The same memory as int32, for index arrays. */
  heapI32: Int32Array;
  /** @internal The bytes results may hold in resident blocks, or undefined for the default (see {@link KernelsOptions.residentBudget}). */
  residentBudget: number | undefined;
  private largestBlock = 0;
  /** Bytes from `arenaBase()` held by resident blocks, in use or free; scratch starts above them. */
  private residentEnd = 0;
  /** Bytes of the blocks from {@link allocResident} in use, which the results' budget leaves out. */
  private slotBytes = 0;
  /** Bytes of the blocks in {@link Kernels.freeBlocks}. */
  private freeBytes = 0;
  /** Freed resident blocks by byte size, reused before the resident region grows. */
  private readonly freeBlocks = new Map<number, number[]>();
  /** Whether a block was freed since the free blocks were last merged. */
  private freedSinceMerge = false;
  /** Every buffer the memory has handed out: a Float32Array on one of them is a resident view. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /** @internal What crossed into and out of the memory, for tests and measurements. */
  readonly counters = { residentResults: 0, copiedResults: 0, bytesIn: 0, bytesOut: 0, freedBlocks: 0, collectionsAsked: 0 };
  /** Frees a result's block once the view that owns it is collected. */
  private readonly owners = new FinalizationRegistry<Block>((b) => {
    this.counters.freedBlocks++;
    this.ballast = undefined;
    this.freeBlock(b.ptr, b.bytes);
  });
  /** The array that told the engine about the blocks (see {@link Kernels.askForCollection}), until a block comes back. */
  private ballast: ArrayBuffer | undefined;

  constructor(options: KernelsOptions) {
    const relaxed = options.relaxedSimd ?? "auto";
    const shared = options.resident === false ? undefined : sharedInstance(relaxed);
    if (options.resident === true && shared === undefined) throw new Error("Kernels: resident results need shared WebAssembly memory, which this engine lacks");
    if (shared !== undefined) {
      ({ exports: this.exports, memory: this.memory, relaxedSimd: this.relaxedSimd } = shared);
    } else {
      const { module, relaxedSimd } = compileKernels(wasmBase64, wasmRelaxedBase64, relaxed);
      this.relaxedSimd = relaxedSimd;
      this.exports = new WebAssembly.Instance(module, kernelImports()).exports as unknown as KernelExports;
      this.memory = this.exports.memory;
    }
    this.resident = shared !== undefined;
    this.residentBudget = options.residentBudget;
    this.heap = new Float32Array(0);
    this.heapI32 = new Int32Array(0);
    this.refreshViews();
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
    // An empty result, or zeros for an empty sum over k = 0: no kernel need run.
    if (m === 0 || n === 0 || k === 0) return (out ?? new Float32Array(m * n)).fill(0);
    const ex = this.exports;
    // With `out`, which may alias a or b, the product goes to scratch and is copied out after.
    const c = out === undefined ? this.reserve(m * n) : -1;
    const cBytes = c < 0 ? align64(m * n * 4) : 0;
    // The arena only ever grows (by >= 50% at a time), so steady-state
    // training reuses the same memory without growing or detaching views.
    const [aPtr, bPtr, scratch] = this.stage("matmulF32", [a, b], (cBytes + ex.workspaceBytes(m, k, n)) / 4);
    const cPtr = c < 0 ? scratch : c;
    ex.matmul(aPtr, bPtr, cPtr, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0, scratch + cBytes);
    if (out === undefined) return this.result(c, cPtr, m * n);
    out.set(this.heap.subarray(cPtr >>> 2, (cPtr >>> 2) + m * n));
    this.counters.bytesOut += m * n * 4;
    return out;
  }

  /** Whether `bytes` from `arenaBase()` are addressable, growing memory if need be; past 4 GiB the module's 32-bit argument would wrap. */
  private ensureArena(bytes: number): boolean {
    return bytes < 2 ** 32 && this.exports.ensureArena(bytes) === 1;
  }

  /** Re-creates the views after memory grew (growing detaches a plain memory's old buffer). */
  private refreshViews(): void {
    const buffer = this.memory.buffer;
    if (this.heap.buffer !== buffer) {
      this.heap = new Float32Array(buffer);
      this.heapI32 = new Int32Array(buffer);
      if (this.resident) this.buffers.add(buffer);
    }
  }

  /** @internal Whether `a` is a view into this memory, which the kernels may read where it is. */
  isResident(a: Float32Array | Int32Array): boolean {
    return this.resident && a instanceof Float32Array && this.buffers.has(a.buffer);
  }

  /**
   * The byte offset of a free block of `bytes`: a freed one of that size, else new space at the end
   * of the resident region. Beyond `budget` bytes in all, freed blocks are merged and split before
   * giving up with -1, as also when memory cannot grow.
   */
  private takeBlock(bytes: number, budget: number): number {
    const reused = this.popFree(bytes);
    if (reused !== undefined) return reused;
    if (this.residentEnd + bytes > budget && this.mergeFreeBlocks()) {
      const fit = this.popFree(bytes) ?? this.splitFreeBlock(bytes);
      if (fit !== undefined) return fit;
    }
    if (this.residentEnd + bytes > budget || !this.ensureArena(this.residentEnd + bytes)) return -1;
    const ptr = this.exports.arenaBase() + this.residentEnd;
    this.residentEnd += bytes;
    return ptr;
  }

  /** A freed block of exactly `bytes`, taken off the free list, if there is one. */
  private popFree(bytes: number): number | undefined {
    const ptr = this.freeBlocks.get(bytes)?.pop();
    if (ptr !== undefined) this.freeBytes -= bytes;
    return ptr;
  }

  private freeBlock(ptr: number, bytes: number): void {
    this.freeBytes += bytes;
    const list = this.freeBlocks.get(bytes);
    if (list === undefined) this.freeBlocks.set(bytes, [ptr]);
    else list.push(ptr);
    this.freedSinceMerge = true;
  }

  /**
   * Merges adjacent free blocks and gives the topmost back to the region's unallocated end, so that
   * blocks freed at one size serve requests of another. Returns false when nothing was freed since
   * the last merge (there is nothing new to merge).
   */
  private mergeFreeBlocks(): boolean {
    if (!this.freedSinceMerge) return false;
    this.freedSinceMerge = false;
    const free: { ptr: number; bytes: number }[] = [];
    for (const [bytes, ptrs] of this.freeBlocks) for (const ptr of ptrs) free.push({ ptr, bytes });
    free.sort((x, y) => x.ptr - y.ptr);
    const merged: { ptr: number; bytes: number }[] = [];
    for (const b of free) {
      const last = merged[merged.length - 1];
      if (last !== undefined && last.ptr + last.bytes === b.ptr) last.bytes += b.bytes;
      else merged.push({ ...b });
    }
    const top = merged[merged.length - 1];
    const base = this.exports.arenaBase();
    if (top !== undefined && top.ptr + top.bytes === base + this.residentEnd) {
      this.residentEnd = top.ptr - base;
      merged.pop();
    }
    this.freeBlocks.clear();
    this.freeBytes = 0;
    for (const b of merged) this.freeBlock(b.ptr, b.bytes);
    this.freedSinceMerge = false;
    return true;
  }

  /** The front of the smallest free block larger than `bytes`; the rest stays free. */
  private splitFreeBlock(bytes: number): number | undefined {
    let best: number | undefined;
    for (const [size, ptrs] of this.freeBlocks) if (size > bytes && ptrs.length > 0 && (best === undefined || size < best)) best = size;
    if (best === undefined) return undefined;
    const ptr = this.popFree(best)!;
    this.freeBlock(ptr + bytes, best - bytes);
    return ptr;
  }

  /** The bytes results may hold in resident blocks before they go to the JavaScript heap. */
  private budget(): number {
    return this.residentBudget ?? Math.max(MIN_BUDGET, BUDGET_BLOCKS * this.largestBlock);
  }

  /** A block for a result of `floats` values, or -1: compute it in scratch and copy it out (not `resident`, or over budget). */
  private reserve(floats: number): number {
    if (!this.resident || floats === 0) return -1;
    const bytes = blockBytes(floats);
    if (bytes > this.largestBlock) this.largestBlock = bytes;
    const budget = this.budget();
    const block = this.takeBlock(bytes, budget + this.slotBytes);
    // The results' blocks in use, not the region's high-water mark: freed blocks are in it too.
    if (this.residentEnd - this.slotBytes - this.freeBytes > COLLECT_AT * budget) this.askForCollection(budget);
    return block;
  }

  /**
   * Makes the engine collect soon, once per round of blocks. It does not count WebAssembly memory
   * as memory pressure, and the views that own the blocks are small, so it may not collect for
   * thousands of steps while the blocks run out. An ArrayBuffer as large as the budget, never
   * touched (so its pages are never committed) and held until a block comes back, is external
   * memory it does count: a full collection follows, and the finalizers that free the dead
   * views' blocks run at the next turn of the event loop (fit's pause after every batch).
   */
  private askForCollection(budget: number): void {
    if (this.ballast !== undefined) return;
    this.ballast = new ArrayBuffer(budget);
    this.counters.collectionsAsked++;
  }

  /** The result of `floats` values at `ptr`: the view that owns block `block`, or a copy out of scratch when `block` is -1. */
  private result(block: number, ptr: number, floats: number): Float32Array {
    if (block < 0) {
      this.counters.copiedResults++;
      this.counters.bytesOut += floats * 4;
      return this.heap.slice(ptr >>> 2, (ptr >>> 2) + floats);
    }
    this.counters.residentResults++;
    // A grown shared memory hands out a new, longer buffer; views on the old one stay valid.
    if (this.heap.buffer.byteLength < block + floats * 4) this.refreshViews();
    const view = new Float32Array(this.heap.buffer, block, floats);
    this.owners.register(view, { ptr: block, bytes: blockBytes(floats) });
    return view;
  }

  /**
   * @internal `floats` float32 values with unspecified contents, for a result a loop fills: a
   * resident view (see {@link Kernels.resident}) while the budget allows, else a new array.
   */
  allocateF32(floats: number): Float32Array {
    const block = this.reserve(floats);
    return block < 0 ? new Float32Array(floats) : this.result(block, block, floats);
  }

  /**
   * @internal Reserves a block of `floats` float32 values (64-byte aligned and padded) that stays
   * put until {@link freeResident}: scratch is staged above every such block. Returns its byte
   * offset, never a view, since growing a plain memory detaches views. The contents are unspecified.
   * It is outside the results' budget: a variable's slot lives as long as its optimizer does.
   */
  allocResident(fn: string, floats: number): number {
    const bytes = blockBytes(floats);
    const ptr = this.takeBlock(bytes, Infinity);
    if (ptr < 0) throw growError(fn, this.residentEnd + bytes);
    this.slotBytes += bytes;
    return ptr;
  }

  /** @internal Returns a block from {@link allocResident} of `floats` values for reuse. */
  freeResident(ptr: number, floats: number): void {
    this.slotBytes -= blockBytes(floats);
    this.freeBlock(ptr, blockBytes(floats));
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
   * then the offset of `extraFloats` more floats of scratch. A resident view (see
   * {@link Kernels.isResident}) is not copied: its own offset is returned, unless its index is in
   * `written`, the arrays the kernel overwrites. `fn` names the caller in errors.
   */
  stage(fn: string, arrays: readonly (Float32Array | Int32Array | undefined)[], extraFloats: number, written: readonly number[] = []): number[] {
    const ex = this.exports;
    const inPlace = arrays.map((a, i) => a !== undefined && this.isResident(a) && !written.includes(i));
    const sizes = arrays.map((a, i) => (inPlace[i] ? 0 : align64((a?.length ?? 0) * 4)));
    const total = sizes.reduce((x, y) => x + y, 0) + align64(extraFloats * 4);
    if (!this.ensureArena(this.residentEnd + total)) throw growError(fn, this.residentEnd + total);
    this.refreshViews();
    const ptrs: number[] = [];
    let at = ex.arenaBase() + this.residentEnd;
    arrays.forEach((a, i) => {
      if (inPlace[i]) {
        ptrs.push(a!.byteOffset);
        return;
      }
      ptrs.push(at);
      if (a instanceof Int32Array) this.heapI32.set(a, at >>> 2);
      else if (a !== undefined) this.heap.set(a, at >>> 2);
      this.counters.bytesIn += (a?.length ?? 0) * 4;
      at += sizes[i];
    });
    ptrs.push(at);
    return ptrs;
  }

  /** See the module-level {@link sgdMomentumF32}. */
  sgdMomentumF32(w: Float32Array, g: Float32Array, v: Float32Array | undefined, lr: number, m: number, keep: number, wd: number, nesterov: boolean): { weight: Float32Array; velocity: Float32Array } {
    const n = w.length;
    const wBlock = this.reserve(n);
    const vBlock = this.reserve(n);
    const bytes = align64(n * 4);
    const outBytes = (wBlock < 0 ? bytes : 0) + (vBlock < 0 ? bytes : 0);
    // No velocity before the first step: the kernel reads none (`first`), so nothing is copied in.
    const [wp, gp, vp, scratch] = this.stage("sgdMomentumF32", [w, g, v], outBytes / 4);
    const outW = wBlock < 0 ? scratch : wBlock;
    const outV = vBlock >= 0 ? vBlock : wBlock < 0 ? scratch + bytes : scratch;
    this.exports.sgdMomentumF32(wp, gp, vp, outW, outV, n, lr, m, keep, wd, nesterov ? 1 : 0, v === undefined ? 1 : 0);
    return { weight: this.result(wBlock, outW, n), velocity: this.result(vBlock, outV, n) };
  }

  /**
   * @internal {@link sgdMomentumF32} with the velocity resident at byte offset `vPtr` (a block of
   * w's length from {@link allocResident}), updated in place. The new weight is a fresh array (a
   * resident view in `resident` mode): tapes keep the old one. `first`: the block holds no velocity yet.
   */
  sgdMomentumResidentF32(w: Float32Array, g: Float32Array, vPtr: number, first: boolean, lr: number, m: number, keep: number, wd: number, nesterov: boolean): Float32Array {
    const n = w.length;
    const wBlock = this.reserve(n);
    const [wp, gp, scratch] = this.stage("SGD.applyGradients", [w, g], wBlock < 0 ? n : 0);
    const outW = wBlock < 0 ? scratch : wBlock;
    // The kernel reads each velocity pair before it stores the new one at the same offset.
    this.exports.sgdMomentumF32(wp, gp, vPtr, outW, vPtr, n, lr, m, keep, wd, nesterov ? 1 : 0, first ? 1 : 0);
    return this.result(wBlock, outW, n);
  }

  /** See the module-level {@link countNonFiniteF32}. */
  countNonFiniteF32(x: Float32Array): number {
    const [p] = this.stage("countNonFiniteF32", [x], 0);
    return this.exports.countNonFiniteF32(p, x.length);
  }

  /** See the module-level {@link denseForwardF32}. */
  denseForwardF32(a: Float32Array, b: Float32Array, bias: Float32Array | undefined, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, relu: boolean): Float32Array {
    checkMatmulArgs("denseForwardF32", a, b, m, k, n, transposeA, transposeB, undefined);
    if (bias !== undefined && bias.length !== n) throw new RangeError(`denseForwardF32: bias must have ${n} elements (one per output column), got ${bias.length}`);
    if (m === 0 || n === 0) return new Float32Array(m * n);
    const ex = this.exports;
    const c = this.reserve(m * n);
    const cBytes = c < 0 ? align64(m * n * 4) : 0;
    // stage() pads every array to 64 bytes, and blocks have slack, which the kernel's whole-vector row ends rely on.
    const [ap, bp, biasPtr, scratch] = this.stage("denseForwardF32", [a, b, bias], (cBytes + ex.workspaceBytes(m, k, n)) / 4);
    const cPtr = c < 0 ? scratch : c;
    ex.denseForwardF32(ap, bp, bias === undefined ? 0 : biasPtr, cPtr, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0, relu ? 1 : 0, scratch + cBytes);
    return this.result(c, cPtr, m * n);
  }

  /** See the module-level {@link denseBackwardF32}. */
  denseBackwardF32(dy: Float32Array, y: Float32Array | undefined, a: Float32Array, b: Float32Array, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, needs: DenseNeeds): DenseGradients {
    checkMatmulArgs("denseBackwardF32", a, b, m, k, n, transposeA, transposeB, undefined);
    for (const [name, t] of [["dy", dy], ["y", y]] as const) {
      if (t !== undefined && t.length !== m * n) throw new RangeError(`denseBackwardF32: ${name} must have ${m * n} elements ([m, n] = [${m}, ${n}]), got ${t.length}`);
    }
    const ex = this.exports;
    const block = (floats: number, wanted: boolean) => (wanted ? this.reserve(floats) : -1);
    const dbiasBlock = block(n, needs.bias);
    const daBlock = block(m * k, needs.a);
    const dbBlock = block(k * n, needs.b);
    const size = (floats: number, wanted: boolean, b: number) => (wanted && b < 0 ? align64(floats * 4) : 0);
    const biasBytes = size(n, needs.bias, dbiasBlock);
    const daBytes = size(m * k, needs.a, daBlock);
    const dbBytes = size(k * n, needs.b, dbBlock);
    const work = this.denseBackwardWork(m, k, n, transposeA, transposeB, needs);
    // Each operand is only read for the other's gradient, so only then copied in. With relu the
    // kernel overwrites dy with dz, so dy is then always copied.
    const written = y === undefined ? [] : [0];
    const [dz, yp, ap, bp, scratch] = this.stage("denseBackwardF32", [dy, y, needs.b ? a : undefined, needs.a ? b : undefined], (biasBytes + daBytes + dbBytes + work) / 4, written);
    const dbias = dbiasBlock < 0 ? scratch : dbiasBlock;
    const da = daBlock < 0 ? scratch + biasBytes : daBlock;
    const db = dbBlock < 0 ? scratch + biasBytes + daBytes : dbBlock;
    ex.denseBackwardF32(
      dz, y === undefined ? 0 : yp, ap, bp, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0,
      needs.bias ? dbias : 0, needs.a ? da : 0, needs.b ? db : 0, scratch + biasBytes + daBytes + dbBytes,
    );
    const out = (b: number, p: number, floats: number, wanted: boolean) => (wanted ? this.result(b, p, floats) : undefined);
    return { da: out(daBlock, da, m * k, needs.a), db: out(dbBlock, db, k * n, needs.b), dbias: out(dbiasBlock, dbias, n, needs.bias) };
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

/**
 * @internal `n` float32 values with unspecified contents, for a result a loop fills: a view into
 * the shared kernels' memory that the kernels then read in place, where it has room (see
 * {@link Kernels.allocateF32}), else a new array.
 */
export function allocateF32(n: number): Float32Array {
  return sharedKernels()?.allocateF32(n) ?? new Float32Array(n);
}

/**
 * @internal A copy of `values` in the shared kernels' memory, which their products then read in
 * place, or undefined where results do not live there (no shared memory, or the budget is used up).
 */
export function residentCopy(values: Float32Array): Float32Array | undefined {
  const kernels = sharedKernels();
  if (kernels === null || !kernels.resident) return undefined;
  const copy = kernels.allocateF32(values.length);
  if (!kernels.isResident(copy)) return undefined;
  copy.set(values);
  return copy;
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
