/**
 * One matmul split across worker threads that share a WebAssembly.Memory: Node's worker_threads,
 * or a browser's Web Workers in a cross-origin isolated page (see `transport.ts`).
 *
 * C is cut into panels of rows or columns, a few per thread, that the threads claim one by one from
 * a counter in the shared memory; every thread packs its panels into a private workspace there, so
 * the only synchronisation is the claim, "go" and "done". A worker the OS has not scheduled (a
 * busy machine) holds back at most the panel it claimed: the caller computes the rest.
 *
 * @experimental
 * @module
 */

import { Kernels, type DenseGradients, type DenseNeeds, type WasmMatmul } from "./index.js";
import { warn } from "../../util/warn.js";
import {
  align64,
  checkDenseBackwardArgs,
  checkDenseForwardArgs,
  matmulDestination,
  compileKernels,
  growError,
  kernelImports,
  type KernelExports,
  type RelaxedSimdOption,
} from "./common.js";
import { wasmThreadsBase64, wasmThreadsRelaxedBase64 } from "./kernels.generated.js";
import {
  BOOTING, CHUNK_BITS, CTRL_BYTES, FAILED, JOB_AT, JOB_BYTES, JOB_CHUNKS, JOB_CLAIM, JOB_ERROR, JOB_FINISHED,
  JOB_TABLE, JOB_WORK, JOB_WORK_STRIDE, PANEL_INTS, READY, SEQ, STATE, TAG_MASK, THREAD_INDEX,
  availableThreads, callerWaitMode, defaultTransport, waitWhile,
  type KernelWorker, type WaitMode, type WorkerTransport,
} from "./transport.js";

export type { WaitMode, WorkerTransport } from "./transport.js";

/** Options for {@link createParallelWasmMatmul}. */
export interface ParallelWasmMatmulOptions {
  /** Threads per matmul, the calling thread included. Default: the host's cores (`os.availableParallelism()`, `navigator.hardwareConcurrency`). */
  threads?: number;
  /** Below this many flops (2·m·k·n) run on the calling thread alone; waking a worker costs ~10-50 µs. Default 2e6. */
  minParallelFlops?: number;
  /** As for `createWasmMatmul`. */
  relaxedSimd?: RelaxedSimdOption;
  /** How workers are started. Default: worker_threads in Node, Web Workers in a cross-origin isolated page. */
  transport?: WorkerTransport;
  /** How the caller waits for a worker's block. Default: `"block"` where this thread may call `Atomics.wait`, else `"spin"`. */
  wait?: WaitMode;
  /**
   * Whether a product hands blocks to workers still starting and waits for them (`"wait"`), or
   * leaves them out until they are ready (`"skip"`). Default: the transport's `canWaitForBoot`
   * (`"wait"` in Node, `"skip"` in a browser).
   */
  whileBooting?: "wait" | "skip";
  /**
   * How long a product waits for a worker beyond the time the calling thread took for its own
   * block (at least twice that time), and how long the first product in Node waits for workers to
   * boot. A worker that misses it is taken for dead: the pool falls back to the calling thread
   * alone, with a warning, and the product still returns its result. Default 1000 ms.
   */
  timeoutMs?: number;
  /**
   * Whether a split product that took longer than the calling thread alone would have (a worker
   * the OS did not run, on a busy machine) keeps the next few products on the calling thread,
   * more after each further loss. Results are the same either way. Default false.
   */
  adaptive?: boolean;
}

/** What a {@link ParallelWasmMatmul} has done, for tests and benchmarks. */
export interface ParallelStats {
  /** Products split across more than one thread. */
  splitProducts: number;
  /** Worker blocks waited for by sleeping in `Atomics.wait`. */
  blockingWaits: number;
  /** Worker blocks waited for by spinning on `Atomics.load`. */
  spinWaits: number;
  /** Products large enough to split that ran on the calling thread because a recent split lost time (`adaptive`). */
  heldBack: number;
}

/** A float32 matmul that splits large products across worker threads. Call `close()` when done. */
export interface ParallelWasmMatmul extends WasmMatmul {
  /** Threads a large product is split across, the calling thread included. */
  readonly threads: number;
  /** How the calling thread waits for the workers. */
  readonly waitMode: WaitMode;
  /** Counters since creation. */
  readonly stats: Readonly<ParallelStats>;
  /**
   * Resolves once no worker is still starting, with how many are ready (0 once the pool has fallen
   * back to the calling thread).
   * @throws Error if some worker is still starting after 60 s.
   */
  ready(): Promise<number>;
  /**
   * As the single-thread kernels' `denseForwardF32` (same bits): the product's panels each add the
   * bias and apply relu to their own block of C right after their product.
   */
  denseForwardF32(a: Float32Array, b: Float32Array, bias: Float32Array | undefined, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, relu: boolean): Float32Array;
  /**
   * As the single-thread kernels' `denseBackwardF32` (same bits): dz and the bias gradient on the
   * calling thread, then the panels of both products, which read dz in the shared memory, as one job.
   */
  denseBackwardF32(dy: Float32Array, y: Float32Array | undefined, a: Float32Array, b: Float32Array, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, needs: DenseNeeds): DenseGradients;
  /**
   * @internal The seam for operands that already live in this pool's memory: one product (a dense
   * forward when `p.bias` or `p.relu`), every array at a byte offset there (64-byte aligned and
   * padded, outside the scratch space), so nothing is copied. `fn` names the caller in errors.
   * Returns false if a worker failed: the result is then not written, and this pool has fallen
   * back to one thread (compute it again there).
   */
  productAt(fn: string, p: Product): boolean;
  /**
   * @internal The seam of `denseBackwardF32`, as {@link productAt}: `s.dz` holds dy on entry, in
   * memory the call may overwrite (relu's mask makes it dz there).
   */
  denseBackwardAt(s: DenseBackwardStep): boolean;
  /** Stops the workers. Further calls throw. */
  close(): Promise<void>;
}

// Register tile of the kernels: blocks are cut at multiples of these so no
// thread gets a ragged tile it didn't need.
const MR = 4;
const NR = 8;
const CTRL_INTS = CTRL_BYTES / 4;

/** A panel's kernel arguments as the table holds them ({@link PANEL_INTS} values). */
type Panel = [a: number, b: number, bias: number, c: number, m: number, k: number, n: number, transA: number, transB: number, relu: number, lda: number, ldb: number, ldc: number];
/** Panels of one product at most: two products' fit in the job's panel count (below 2^CHUNK_BITS). */
const MAX_PANELS = 31;

/**
 * @internal One product C = act(op(A)·op(B) + bias) on the pool's memory, every array given by its
 * byte offset there (`bias` 0 for none), each operand contiguous as stored.
 */
export interface Product {
  a: number;
  b: number;
  bias: number;
  c: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  relu: boolean;
}

/**
 * @internal A dense layer's backward step on the pool's memory, as `denseBackwardF32` takes it,
 * every array by its byte offset there; an output at 0 is not wanted, as an absent `y` (linear).
 */
export interface DenseBackwardStep {
  dz: number;
  y: number;
  a: number;
  b: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  dbias: number;
  da: number;
  db: number;
}
/**
 * Panels per thread: more let a busy or late thread's share go to the others, fewer repack the
 * operand all panels share less often. A panel is not cut below {@link MIN_PANEL_FLOPS}.
 */
const PANELS_PER_THREAD = 2;
const MIN_PANEL_FLOPS = 1e6;
/**
 * Rows (or columns) a panel is not cut below, beyond one a thread: every panel packs the whole of
 * the operand all panels share, which a 16-row panel of a [64, 784]·[784, 128] product pays for
 * with about a quarter of its time (measured), a 32-row one with about half that.
 */
const MIN_PANEL_EXTENT = 32;

/** Products a lost split keeps on the calling thread: at first, and at most after repeated losses. */
const MIN_BACKOFF = 4;
const MAX_BACKOFF = 64;

const WORKER_TIMEOUT_MS = 1000;
/** How long `ready()`, which does not block the thread, waits for workers to boot. */
const READY_TIMEOUT_MS = 60_000;

class ParallelKernels implements ParallelWasmMatmul {
  readonly threads: number;
  readonly relaxedSimd: boolean;
  readonly waitMode: WaitMode;
  readonly stats: ParallelStats = { splitProducts: 0, blockingWaits: 0, spinWaits: 0, heldBack: 0 };
  private readonly minParallelFlops: number;
  private readonly useBooting: boolean;
  private readonly timeoutMs: number;
  private readonly adaptive: boolean;
  private readonly memory: WebAssembly.Memory;
  private readonly exports: KernelExports;
  private readonly workers: KernelWorker[] = [];
  /** Workers stopped after they failed; a worker that timed out might otherwise write into a later product. */
  private readonly retired: boolean[] = [];
  private readonly ctrl: Int32Array;
  private readonly job: Int32Array;
  private heap: Float32Array;
  private heapI32: Int32Array;
  private seq = 0;
  private closed = false;
  /** Whether the first product has waited for the workers to boot; later ones leave out those still booting. */
  private bootWaited = false;
  /** Set once a worker failed: every later product runs on the calling thread, in a memory no worker can reach. */
  private fallback: Kernels | undefined;
  /** `arenaBase()`: the control blocks start here. */
  private readonly arenaBase: number;
  /** Where each call's scratch starts: above the control blocks. */
  private readonly scratchBase: number;

  constructor(options: ParallelWasmMatmulOptions) {
    const transport = options.transport ?? defaultTransport();
    const threads = options.threads ?? availableThreads();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`createParallelWasmMatmul: threads must be a positive integer, got ${threads}`);
    }
    this.threads = threads;
    this.minParallelFlops = options.minParallelFlops ?? 2e6;
    this.waitMode = options.wait ?? callerWaitMode();
    this.useBooting = (options.whileBooting ?? (transport.canWaitForBoot ? "wait" : "skip")) === "wait";
    this.timeoutMs = options.timeoutMs ?? WORKER_TIMEOUT_MS;
    this.adaptive = options.adaptive ?? false;
    const { module, relaxedSimd } = compileKernels(
      wasmThreadsBase64,
      wasmThreadsRelaxedBase64,
      options.relaxedSimd ?? "auto",
    );
    this.relaxedSimd = relaxedSimd;
    // The maximum must match the module's import (see SHARED_MAX_PAGES in scripts/build-wasm.mjs).
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: 16384, shared: true });
    this.exports = new WebAssembly.Instance(module, kernelImports(this.memory)).exports as unknown as KernelExports;

    const nWorkers = threads - 1;
    const ctrlBase = this.exports.arenaBase();
    this.arenaBase = ctrlBase;
    this.scratchBase = ctrlBase + align64(nWorkers * CTRL_BYTES + JOB_BYTES);
    const jobByte = ctrlBase + nWorkers * CTRL_BYTES;
    if (!this.exports.ensureArena(nWorkers * CTRL_BYTES + JOB_BYTES)) throw growError("createParallelWasmMatmul", nWorkers * CTRL_BYTES + JOB_BYTES);
    this.ctrl = new Int32Array(this.memory.buffer, ctrlBase, nWorkers * CTRL_INTS);
    this.job = new Int32Array(this.memory.buffer, jobByte, JOB_BYTES / 4);
    this.heap = new Float32Array(this.memory.buffer);
    this.heapI32 = new Int32Array(this.memory.buffer);
    for (let w = 0; w < nWorkers; w++) {
      this.ctrl[w * CTRL_INTS + THREAD_INDEX] = w + 1;
      this.ctrl[w * CTRL_INTS + JOB_AT] = jobByte;
      this.workers.push(transport.spawn({ module, memory: this.memory, ctrlByte: ctrlBase + w * CTRL_BYTES }));
      this.retired.push(false);
    }
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
    const fn = "matmulF32";
    this.checkOpen(fn);
    const { result, done } = matmulDestination(a, b, m, k, n, transposeA, transposeB, out);
    if (done) return result;
    if (this.fallback === undefined) {
      try {
        const c = this.scratch(fn, m * n * 4);
        const product = { a: this.place(fn, a), b: this.place(fn, b), bias: 0, c, m, k, n, transA: transposeA, transB: transposeB, relu: false };
        if (this.productAt(fn, product)) {
          result.set(this.heap.subarray(c >>> 2, (c >>> 2) + m * n));
          return result;
        }
      } finally {
        this.scratchUsed = 0;
      }
    }
    return this.fallback!.matmulF32(a, b, m, k, n, transposeA, transposeB, out);
  }

  denseForwardF32(a: Float32Array, b: Float32Array, bias: Float32Array | undefined, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, relu: boolean): Float32Array {
    const fn = "denseForwardF32";
    this.checkOpen(fn);
    checkDenseForwardArgs(a, b, bias, m, k, n, transposeA, transposeB);
    if (m === 0 || n === 0) return new Float32Array(m * n);
    if (this.fallback === undefined) {
      try {
        const c = this.scratch(fn, m * n * 4);
        const product = {
          a: this.place(fn, a), b: this.place(fn, b), bias: bias === undefined ? 0 : this.place(fn, bias), c,
          m, k, n, transA: transposeA, transB: transposeB, relu,
        };
        if (this.productAt(fn, product)) return this.heap.slice(c >>> 2, (c >>> 2) + m * n);
      } finally {
        this.scratchUsed = 0;
      }
    }
    return this.fallback!.denseForwardF32(a, b, bias, m, k, n, transposeA, transposeB, relu);
  }

  denseBackwardF32(dy: Float32Array, y: Float32Array | undefined, a: Float32Array, b: Float32Array, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, needs: DenseNeeds): DenseGradients {
    const fn = "denseBackwardF32";
    this.checkOpen(fn);
    checkDenseBackwardArgs(dy, y, a, b, m, k, n, transposeA, transposeB);
    if (this.fallback === undefined) {
      try {
        const output = (floats: number, wanted: boolean) => (wanted ? this.scratch(fn, floats * 4) : 0);
        const step: DenseBackwardStep = {
          // A copy even when dy is already in this memory: relu's mask overwrites it with dz.
          dz: this.place(fn, dy),
          y: y === undefined ? 0 : this.place(fn, y),
          // Each operand is only read for the other's gradient, so only then copied in.
          a: needs.b ? this.place(fn, a) : 0,
          b: needs.a ? this.place(fn, b) : 0,
          m, k, n, transA: transposeA, transB: transposeB,
          dbias: output(n, needs.bias), da: output(m * k, needs.a), db: output(k * n, needs.b),
        };
        if (this.denseBackwardAt(step)) {
          const read = (p: number, floats: number) => (p === 0 ? undefined : this.heap.slice(p >>> 2, (p >>> 2) + floats));
          return { da: read(step.da, m * k), db: read(step.db, k * n), dbias: read(step.dbias, n) };
        }
      } finally {
        this.scratchUsed = 0;
      }
    }
    return this.fallback!.denseBackwardF32(dy, y, a, b, m, k, n, transposeA, transposeB, needs);
  }

  productAt(fn: string, p: Product): boolean {
    const helpers = this.helpersFor(2 * p.m * p.k * p.n);
    return helpers !== null && this.runAt(fn, this.cut(p, helpers, []), helpers);
  }

  denseBackwardAt(s: DenseBackwardStep): boolean {
    const fn = "denseBackwardF32";
    const { m, k, n, transA, transB } = s;
    const helpers = this.helpersFor(2 * m * k * n);
    if (helpers === null) return false;
    if (s.y !== 0 || s.dbias !== 0) {
      const mark = this.scratchUsed;
      try {
        // On this thread, with the single-thread kernel: the bias gradient's float64 sums run over
        // all rows in order, as on one thread.
        this.exports.denseBackwardF32(s.dz, s.y, 0, 0, m, k, n, 0, 0, s.dbias, 0, 0, this.scratch(fn, Math.ceil(n / 4) * 32));
      } finally {
        this.scratchUsed = mark;
      }
    }
    // The operand orders and flags of matmulGrads in src/ops/matrix.ts, as assembly/dense.ts has them.
    const panels: Panel[] = [];
    const product = (a: number, b: number, c: number, pm: number, pk: number, pn: number, ta: boolean, tb: boolean) =>
      this.cut({ a, b, bias: 0, c, m: pm, k: pk, n: pn, transA: ta, transB: tb, relu: false }, helpers, panels);
    if (s.da !== 0) {
      if (!transA) product(s.dz, s.b, s.da, m, n, k, false, !transB);
      else product(s.b, s.dz, s.da, k, n, m, transB, true);
    }
    if (s.db !== 0) {
      if (!transB) product(s.a, s.dz, s.db, k, m, n, !transA, false);
      else product(s.dz, s.a, s.db, n, m, k, true, transA);
    }
    return this.runAt(fn, panels, helpers);
  }

  /**
   * {@link run} with its scratch given back afterwards; false if a worker failed, after which this
   * pool has fallen back to one thread and the result is not there.
   */
  private runAt(fn: string, panels: readonly Panel[], helpers: readonly number[]): boolean {
    const mark = this.scratchUsed;
    let failure: string | undefined;
    try {
      failure = this.run(fn, panels, helpers);
    } finally {
      this.scratchUsed = mark;
    }
    if (failure === undefined) return true;
    this.fallBack(failure);
    return false;
  }

  private checkOpen(fn: string): void {
    if (this.closed) throw new Error(`${fn}: this ParallelWasmMatmul has been closed`);
  }

  /**
   * The workers a product of `flops` may use: none below `minParallelFlops`; null once the pool has
   * fallen back to the calling thread's own kernels.
   */
  private helpersFor(flops: number): number[] | null {
    if (this.fallback !== undefined) return null;
    if (flops < this.minParallelFlops) return [];
    if (this.skip > 0) {
      this.skip--;
      this.stats.heldBack++;
      return [];
    }
    return this.helpers();
  }

  /** Products still to keep on the calling thread after a split that lost, and how many the last loss set. */
  private skip = 0;
  private backoff = 0;

  /** Bytes taken by the current call above {@link scratchBase}; 0 between calls. */
  private scratchUsed = 0;

  /** Takes `bytes` (64-byte aligned) of scratch for the current call; grows the memory if needed. */
  private scratch(fn: string, bytes: number): number {
    const at = this.scratchBase + this.scratchUsed;
    this.scratchUsed += align64(bytes);
    const end = this.scratchBase + this.scratchUsed;
    if (!this.exports.ensureArena(end - this.arenaBase)) throw growError(fn, end - this.arenaBase);
    // A grown shared memory hands out a new, longer SharedArrayBuffer; the old one stays valid but short.
    if (this.heap.length * 4 < end) {
      this.heap = new Float32Array(this.memory.buffer);
      this.heapI32 = new Int32Array(this.memory.buffer);
    }
    return at;
  }

  /** Copies `x` into scratch; returns its byte offset. */
  private place(fn: string, x: Float32Array): number {
    const at = this.scratch(fn, x.length * 4);
    this.heap.set(x, at >>> 2);
    return at;
  }

  /**
   * Cuts `p` into panels of rows or columns of C, a few for each thread `helpers` adds to the
   * caller, and appends them to `panels`.
   */
  private cut(p: Product, helpers: readonly number[], panels: Panel[]): Panel[] {
    const { m, k, n } = p;
    if (m === 0 || n === 0) return panels;
    // Each thread packs in full the operand it shares (A for a column split,
    // B for a row split) and its own share of the other. Packed A takes 16
    // bytes a value (pre-broadcast) and packed B 4, so pick the split that
    // writes fewer bytes per thread: a square product splits by rows.
    const threads = 1 + helpers.length;
    const byColumns = 16 * m * k + (4 * k * n) / threads < (16 * m * k) / threads + 4 * k * n;
    const extent = byColumns ? n : m;
    const unit = byColumns ? NR : MR;
    const flops = 2 * m * k * n;
    const wantParts = threads === 1 ? 1 : Math.max(threads, Math.min(threads * PANELS_PER_THREAD, MAX_PANELS, Math.floor(flops / MIN_PANEL_FLOPS), Math.floor(extent / MIN_PANEL_EXTENT)));
    const step = Math.ceil(Math.ceil(extent / wantParts) / unit) * unit;
    const lda = p.transA ? m : k;
    const ldb = p.transB ? k : n;
    const flags = [p.transA ? 1 : 0, p.transB ? 1 : 0, p.relu ? 1 : 0] as const;
    for (let s = 0; s < extent; s += step) {
      const e = Math.min(extent, s + step);
      if (byColumns) {
        const b = p.transB ? p.b + s * ldb * 4 : p.b + s * 4;
        panels.push([p.a, b, p.bias === 0 ? 0 : p.bias + s * 4, p.c + s * 4, m, k, e - s, ...flags, lda, ldb, n]);
      } else {
        const a = p.transA ? p.a + s * 4 : p.a + s * lda * 4;
        panels.push([a, p.b, p.bias, p.c + s * n * 4, e - s, k, n, ...flags, lda, ldb, n]);
      }
    }
    return panels;
  }

  /**
   * Runs `panels` (any number of products' panels, independent of each other) on the calling
   * thread and the workers `helpers`; returns what went wrong, if anything.
   */
  private run(fn: string, panels: readonly Panel[], helpers: readonly number[]): string | undefined {
    if (panels.length === 0) return undefined;
    const ex = this.exports;
    // Every thread may claim any panel, so each workspace fits all of them: not only the widest,
    // since the kernel's blocking of a narrower panel can need more. Workspaces are by thread
    // number, and a product may leave out a worker still starting: one for every thread.
    const workBytes = Math.max(...panels.map((q) => align64(ex.workspaceBytes(q[4], q[5], q[6]))));
    const tablePtr = this.scratch(fn, panels.length * PANEL_INTS * 4);
    const workPtr = this.scratch(fn, (1 + this.workers.length) * workBytes);
    panels.forEach((q, i) => this.heapI32.set(q, (tablePtr >>> 2) + i * PANEL_INTS));

    const seq = ++this.seq;
    const tag = seq & TAG_MASK;
    const job = this.job;
    job[JOB_TABLE] = tablePtr;
    job[JOB_CHUNKS] = panels.length;
    job[JOB_WORK] = workPtr;
    job[JOB_WORK_STRIDE] = workBytes;
    job[JOB_ERROR] = -1;
    Atomics.store(job, JOB_FINISHED, tag << CHUNK_BITS);
    Atomics.store(job, JOB_CLAIM, tag << CHUNK_BITS);
    for (const w of helpers) {
      Atomics.store(this.ctrl, w * CTRL_INTS + SEQ, seq);
      Atomics.notify(this.ctrl, w * CTRL_INTS + SEQ);
    }
    const started = Date.now();
    const t0 = performance.now();
    let own = 0;
    // The caller claims panels like any worker, and so takes over those of a worker that is late.
    for (;;) {
      const claim = Atomics.load(job, JOB_CLAIM);
      const panel = claim & ((1 << CHUNK_BITS) - 1);
      if (panel >= panels.length) break;
      if (Atomics.compareExchange(job, JOB_CLAIM, claim, claim + 1) !== claim) continue;
      const q = panels[panel]!;
      ex.denseForwardF32(q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], workPtr, q[10], q[11], q[12]);
      Atomics.add(job, JOB_FINISHED, 1);
      own++;
    }
    const t1 = performance.now();
    if (helpers.length > 0) {
      this.stats.splitProducts++;
      if (this.waitMode === "spin") this.stats.spinWaits += helpers.length;
      else this.stats.blockingWaits += helpers.length;
    }
    // The workers' panels are no larger than the caller's: past twice its time (and the timeout) a
    // worker is not slow but gone, since an event that would say so cannot arrive while we wait.
    const deadline = Date.now() + Math.max(this.timeoutMs, 2 * (Date.now() - started));
    const failure = this.waitForPanels(helpers, tag, panels.length, deadline);
    if (helpers.length > 0 && this.adaptive) this.judge(performance.now() - t0, own === 0 ? Infinity : ((t1 - t0) * panels.length) / own);
    return failure;
  }

  /**
   * After a split product that took `ms`, where the calling thread alone would have taken about
   * `aloneMs` (its own panels' time, scaled to all of them): a split that lost (a worker that the
   * OS did not run while it held a panel, on a busy machine) keeps the next products on the calling
   * thread, twice as many after each further loss; a split that won ends that.
   */
  private judge(ms: number, aloneMs: number): void {
    if (ms <= aloneMs) this.backoff = 0;
    else this.backoff = Math.min(MAX_BACKOFF, Math.max(MIN_BACKOFF, 2 * this.backoff));
    this.skip = this.backoff;
  }

  /** Waits until all `count` panels of product `tag` are finished; returns what went wrong, if anything. */
  private waitForPanels(helpers: readonly number[], tag: number, count: number, deadline: number): string | undefined {
    const job = this.job;
    const done = (tag << CHUNK_BITS) + count;
    for (;;) {
      const finished = Atomics.load(job, JOB_FINISHED);
      if (finished === done) break;
      // Only a worker that claimed a panel holds the product back; say which one is gone.
      const failed = helpers.find((w) => Atomics.load(this.ctrl, w * CTRL_INTS + STATE) === FAILED);
      if (failed !== undefined) return `worker ${failed} failed to start or died`;
      if (Date.now() > deadline) {
        const late = helpers.length === 1 ? `worker ${helpers[0]}` : `a worker (of ${helpers.join(", ")})`;
        return `${late} did not finish its block in time (died?)`;
      }
      waitWhile(job, JOB_FINISHED, finished, this.waitMode, deadline);
    }
    if (Atomics.load(job, JOB_ERROR) === tag) return "a worker failed inside the wasm kernel";
    return undefined;
  }

  /**
   * The workers this product may use, or null once a worker has been found failed (the pool then
   * falls back to one thread). The first product waits up to the timeout for workers still booting
   * where the transport allows it; later products leave them out until they are ready.
   */
  private helpers(): number[] | null {
    if (this.useBooting && !this.bootWaited) {
      this.bootWaited = true;
      const deadline = Date.now() + this.timeoutMs;
      for (let w = 0; w < this.workers.length; w++) {
        const slot = w * CTRL_INTS + STATE;
        while (Atomics.load(this.ctrl, slot) === BOOTING && Date.now() < deadline) {
          waitWhile(this.ctrl, slot, BOOTING, this.waitMode, deadline);
        }
      }
    }
    const use: number[] = [];
    const failed: number[] = [];
    for (let w = 0; w < this.workers.length; w++) {
      const state = Atomics.load(this.ctrl, w * CTRL_INTS + STATE);
      if (state === FAILED) failed.push(w);
      else if (state === READY) use.push(w);
    }
    if (failed.length === 0) return use;
    this.fallBack(failed.map((w) => `worker ${w} failed to start or died`).join("; "));
    return null;
  }

  /** Stops every worker and sends all later products to one thread, saying why once. */
  private fallBack(reason: string): void {
    warn(`matmulF32: ${reason}; large products now run on the calling thread alone (same results, slower)`);
    this.fallback = new Kernels({ relaxedSimd: this.relaxedSimd });
    for (let w = 0; w < this.workers.length; w++) this.retire(w);
  }

  private retire(worker: number): void {
    if (this.retired[worker]) return;
    this.retired[worker] = true;
    void Promise.resolve(this.workers[worker]!.terminate()).catch(() => undefined);
  }

  async ready(): Promise<number> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const state = (w: number): number => (this.retired[w] ? FAILED : Atomics.load(this.ctrl, w * CTRL_INTS + STATE));
    const all = this.workers.map((_, w) => w);
    // Polled from the event loop: portable to both hosts, and a few ms late at worst, once.
    while (all.some((w) => state(w) === BOOTING)) {
      if (Date.now() > deadline) throw new Error(`ready: workers still starting after ${READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (this.fallback === undefined && !this.closed && this.helpers() === null) return 0;
    return this.fallback === undefined ? all.filter((w) => state(w) === READY).length : 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.ctrl, w * CTRL_INTS + SEQ, -1);
      Atomics.notify(this.ctrl, w * CTRL_INTS + SEQ);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Creates a matmul that splits each large product across `threads` threads
 * (the caller's plus `threads - 1` workers sharing one WebAssembly memory).
 * Results equal the single-threaded kernels' bit for bit: each element of C
 * is computed by one thread with the same blocking along k.
 *
 * @throws Error if WebAssembly SIMD or shared memory is unsupported, or neither Node's
 *   worker_threads nor a cross-origin isolated page's Web Workers are there.
 */
export function createParallelWasmMatmul(options: ParallelWasmMatmulOptions = {}): ParallelWasmMatmul {
  return new ParallelKernels(options);
}
