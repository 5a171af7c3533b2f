/**
 * Prototype: one matmul split across worker threads that share a
 * WebAssembly.Memory. Node-only (worker_threads, and the calling thread
 * blocks in `Atomics.wait`, which browsers forbid on their main thread).
 *
 * The calling thread computes one block of C itself and each worker one
 * other block; every thread packs its own panels into a private workspace in
 * the shared memory, so the only synchronisation is "go" and "done" per call.
 *
 * @experimental
 * @module
 */

import type { WasmMatmul } from "./index.js";
import { builtin } from "../../util/node.js";

type Os = typeof import("node:os");
type WorkerThreads = typeof import("node:worker_threads");
type Worker = import("node:worker_threads").Worker;

import {
  align64,
  checkMatmulArgs,
  compileKernels,
  growError,
  kernelImports,
  type KernelExports,
  type RelaxedSimdOption,
} from "./common.js";
import { wasmThreadsBase64, wasmThreadsRelaxedBase64 } from "./kernels.generated.js";

/** Options for {@link createParallelWasmMatmul}. */
export interface ParallelWasmMatmulOptions {
  /** Threads per matmul, the calling thread included. Default: `os.availableParallelism()`. */
  threads?: number;
  /** Below this many flops (2·m·k·n) run on the calling thread alone; waking a worker costs ~10-50 µs. Default 2e6. */
  minParallelFlops?: number;
  /** As for `createWasmMatmul`. */
  relaxedSimd?: RelaxedSimdOption;
}

/** A float32 matmul that splits large products across worker threads. Call `close()` when done. */
export interface ParallelWasmMatmul extends WasmMatmul {
  /** Threads a large product is split across, the calling thread included. */
  readonly threads: number;
  /** Stops the workers. Further calls throw. */
  close(): Promise<void>;
}

// Register tile of the kernels: blocks are cut at multiples of these so no
// thread gets a ragged tile it didn't need.
const MR = 4;
const NR = 8;

// One control block per worker, 128 bytes apart so that two workers' flags
// never share a cache line. Int32 slots:
const CTRL_BYTES = 128;
const SEQ = 0; // job number, written by the caller; -1 asks the worker to exit
const DONE = 1; // last job number the worker finished
const STATUS = 2; // 0 ok, 1 the kernel threw
const ARGS = 3; // 12 gemm arguments

// Plain JS run with `eval: true`, so it needs no file next to the compiled
// output and works the same from src/ (under vitest) and from dist/.
const WORKER_SOURCE = `
"use strict";
const { workerData } = require("node:worker_threads");
const { module, memory, ctrlByte } = workerData;
const ex = new WebAssembly.Instance(module, {
  env: { memory, abort() { throw new Error("gradtape wasm kernel aborted"); } },
}).exports;
const ctrl = new Int32Array(memory.buffer, ctrlByte, ${CTRL_BYTES / 4});
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  const seq = Atomics.load(ctrl, ${SEQ});
  if (seq === seen) continue;
  if (seq < 0) break;
  seen = seq;
  let status = 0;
  try {
    const p = ${ARGS};
    ex.gemm(ctrl[p], ctrl[p + 1], ctrl[p + 2], ctrl[p + 3], ctrl[p + 4], ctrl[p + 5],
            ctrl[p + 6], ctrl[p + 7], ctrl[p + 8], ctrl[p + 9], ctrl[p + 10], ctrl[p + 11]);
  } catch {
    status = 1;
  }
  Atomics.store(ctrl, ${STATUS}, status);
  Atomics.store(ctrl, ${DONE}, seq);
  Atomics.notify(ctrl, ${DONE});
}
`;

/** gemm arguments: a, lda, b, ldb, c, ldc, m, k, n, transA, transB, work. */
type GemmArgs = [number, number, number, number, number, number, number, number, number, number, number, number];

// How long the caller waits for a worker before declaring it dead. The first
// call also waits for the workers to boot (tens of ms).
const WORKER_TIMEOUT_MS = 60_000;

class ParallelKernels implements ParallelWasmMatmul {
  readonly threads: number;
  readonly relaxedSimd: boolean;
  private readonly minParallelFlops: number;
  private readonly memory: WebAssembly.Memory;
  private readonly exports: KernelExports;
  private readonly workers: Worker[] = [];
  private readonly ctrl: Int32Array;
  private heap: Float32Array;
  private seq = 0;
  private closed = false;

  constructor(options: ParallelWasmMatmulOptions) {
    // Reached through process.getBuiltinModule so that importing this module is harmless in a browser.
    const { Worker } = builtin<WorkerThreads>("node:worker_threads", "createParallelWasmMatmul");
    const threads = options.threads ?? builtin<Os>("node:os", "createParallelWasmMatmul").availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`createParallelWasmMatmul: threads must be a positive integer, got ${threads}`);
    }
    this.threads = threads;
    this.minParallelFlops = options.minParallelFlops ?? 2e6;
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
    if (!this.exports.ensureArena(nWorkers * CTRL_BYTES)) throw growError("createParallelWasmMatmul", nWorkers * CTRL_BYTES);
    this.ctrl = new Int32Array(this.memory.buffer, ctrlBase, (nWorkers * CTRL_BYTES) / 4);
    this.heap = new Float32Array(this.memory.buffer);
    for (let w = 0; w < nWorkers; w++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory: this.memory, ctrlByte: ctrlBase + w * CTRL_BYTES },
      });
      // Idle workers sit in Atomics.wait; they must not keep the process alive.
      worker.unref();
      this.workers.push(worker);
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
    if (this.closed) throw new Error("matmulF32: this ParallelWasmMatmul has been closed");
    checkMatmulArgs("matmulF32", a, b, m, k, n, transposeA, transposeB, out);
    const result = out ?? new Float32Array(m * n);
    if (m === 0 || n === 0) return result;
    if (k === 0) return result.fill(0);

    // Each thread packs in full the operand it shares (A for a column split,
    // B for a row split) and its own share of the other. Packed A takes 16
    // bytes a value (pre-broadcast) and packed B 4, so pick the split that
    // writes fewer bytes per thread: a square product splits by rows.
    const wantParts = 2 * m * k * n < this.minParallelFlops ? 1 : this.threads;
    const byColumns = 16 * m * k + (4 * k * n) / wantParts < (16 * m * k) / wantParts + 4 * k * n;
    const extent = byColumns ? n : m;
    const unit = byColumns ? NR : MR;
    const step = Math.ceil(Math.ceil(extent / wantParts) / unit) * unit;
    const parts: [number, number][] = [];
    for (let start = 0; start < extent; start += step) parts.push([start, Math.min(extent, start + step)]);

    const ex = this.exports;
    const ctrlBytes = align64(this.workers.length * CTRL_BYTES);
    const aBytes = align64(a.length * 4);
    const bBytes = align64(b.length * 4);
    const cBytes = align64(m * n * 4);
    const workBytes = parts.map(([s, e]) => align64(byColumns ? ex.workspaceBytes(m, k, e - s) : ex.workspaceBytes(e - s, k, n)));
    const total = ctrlBytes + aBytes + bBytes + cBytes + workBytes.reduce((x, y) => x + y, 0);
    if (!ex.ensureArena(total)) throw growError("matmulF32", total);
    // A grown shared memory hands out a new, longer SharedArrayBuffer; the old one stays valid but short.
    if (this.heap.length * 4 !== this.memory.buffer.byteLength) this.heap = new Float32Array(this.memory.buffer);

    const aPtr = ex.arenaBase() + ctrlBytes;
    const bPtr = aPtr + aBytes;
    const cPtr = bPtr + bBytes;
    let workPtr = cPtr + cBytes;
    this.heap.set(a, aPtr >>> 2);
    this.heap.set(b, bPtr >>> 2);

    const lda = transposeA ? m : k;
    const ldb = transposeB ? k : n;
    const ta = transposeA ? 1 : 0;
    const tb = transposeB ? 1 : 0;
    const jobs: GemmArgs[] = parts.map(([s, e], i) => {
      const work = workPtr;
      workPtr += workBytes[i]!;
      if (byColumns) {
        const bBlock = transposeB ? bPtr + s * ldb * 4 : bPtr + s * 4;
        return [aPtr, lda, bBlock, ldb, cPtr + s * 4, n, m, k, e - s, ta, tb, work];
      }
      const aBlock = transposeA ? aPtr + s * 4 : aPtr + s * lda * 4;
      return [aBlock, lda, bPtr, ldb, cPtr + s * n * 4, n, e - s, k, n, ta, tb, work];
    });

    const seq = ++this.seq;
    for (let j = 1; j < jobs.length; j++) {
      const base = (j - 1) * (CTRL_BYTES / 4);
      this.ctrl.set(jobs[j]!, base + ARGS);
      Atomics.store(this.ctrl, base + SEQ, seq);
      Atomics.notify(this.ctrl, base + SEQ);
    }
    ex.gemm(...jobs[0]!);
    for (let j = 1; j < jobs.length; j++) this.waitFor(j - 1, seq);

    result.set(this.heap.subarray(cPtr >>> 2, (cPtr >>> 2) + m * n));
    return result;
  }

  private waitFor(worker: number, seq: number): void {
    const base = worker * (CTRL_BYTES / 4);
    const deadline = Date.now() + WORKER_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(this.ctrl, base + DONE);
      if (done === seq) break;
      if (Date.now() > deadline) {
        throw new Error(`matmulF32: worker ${worker} did not finish within ${WORKER_TIMEOUT_MS} ms (crashed?)`);
      }
      Atomics.wait(this.ctrl, base + DONE, done, 100);
    }
    if (Atomics.load(this.ctrl, base + STATUS) !== 0) {
      throw new Error(`matmulF32: worker ${worker} failed inside the wasm kernel`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.ctrl, w * (CTRL_BYTES / 4) + SEQ, -1);
      Atomics.notify(this.ctrl, w * (CTRL_BYTES / 4) + SEQ);
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
 * @throws Error if WebAssembly SIMD or shared memory is unsupported.
 */
export function createParallelWasmMatmul(options: ParallelWasmMatmulOptions = {}): ParallelWasmMatmul {
  return new ParallelKernels(options);
}
