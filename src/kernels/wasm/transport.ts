/**
 * How the kernel workers of `parallel.ts` are started and how the calling thread waits for them:
 * Node's worker_threads, or a browser's Web Workers in a cross-origin isolated page.
 *
 * Both hosts run the same worker loop over a control block in the shared WebAssembly memory. They
 * differ only in how a worker is handed its module, memory and control block (Node's `workerData`,
 * a browser worker's first message), and in whether the caller may sleep in `Atomics.wait`: a
 * browser's main thread may not, so there it spins on `Atomics.load`.
 *
 * @internal
 * @module
 */

import { builtin, tryBuiltin } from "../../util/node.js";

type Os = typeof import("node:os");
type WorkerThreads = typeof import("node:worker_threads");

// One control block per worker, 128 bytes apart so that two workers' flags never share a cache
// line. Int32 slots:
/** Bytes between two workers' control blocks. */
export const CTRL_BYTES = 128;
/** Slot: job number, written by the caller; -1 asks the worker to exit. */
export const SEQ = 0;
/** Slot: last job number the worker finished, or {@link DEAD} once it has failed. */
export const DONE = 1;
/** Slot: 0 if the last job ran, 1 if the kernel threw. */
export const STATUS = 2;
/** Slot: {@link BOOTING}, {@link READY} or {@link FAILED}. */
export const STATE = 3;
/** Slot: this worker's thread number (1, 2, …; the caller is 0), written before it starts. */
export const THREAD_INDEX = 4;
/** Slot: byte offset of the job block all threads share, written before the worker starts. */
export const JOB_AT = 5;

// The job block: one product at a time, cut into panels that the threads claim one by one, so
// a thread the OS has not scheduled holds back no more than the panel it claimed (on a busy
// machine the caller may compute them all). Int32 slots:
/** Bytes of the job block. */
export const JOB_BYTES = 64;
/** Slot: (tag << CHUNK_BITS) | next panel to claim. */
export const JOB_CLAIM = 0;
/** Slot: (tag << CHUNK_BITS) | panels finished. */
export const JOB_FINISHED = 1;
/** Slot: byte offset of the panel table, {@link PANEL_INTS} kernel arguments a panel. */
export const JOB_TABLE = 2;
/**
 * Int32 values a panel takes in the table: the arguments of the kernels' `denseForwardF32` (a, b,
 * bias, c, m, k, n, transA, transB, relu, then lda, ldb, ldc) but the workspace, which is the
 * thread's. A plain product's panel has no bias and no relu.
 */
export const PANEL_INTS = 13;
/** Slot: how many panels. */
export const JOB_CHUNKS = 3;
/** Slot: byte offset of thread 0's workspace. */
export const JOB_WORK = 4;
/** Slot: bytes between two threads' workspaces. */
export const JOB_WORK_STRIDE = 5;
/** Slot: the tag of the last product in which a kernel threw. */
export const JOB_ERROR = 6;
/** Low bits of the claim and finish slots that count panels. */
export const CHUNK_BITS = 6;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** A product's tag: its sequence number, cut to the bits left above the panel count. */
export const TAG_MASK = (1 << (31 - CHUNK_BITS)) - 1;

/** State: the worker has not instantiated the kernels yet (a fresh memory reads 0). */
export const BOOTING = 0;
/** State: the worker waits for jobs. */
export const READY = 1;
/** State: the worker could not start, or died; it takes no more jobs. */
export const FAILED = 2;
/** Written to {@link DONE} on failure: no job has this number, so whoever waits for one wakes up. */
export const DEAD = -1;

/**
 * How long a worker spins on its control block after a job before it sleeps in `Atomics.wait`, and
 * how long a caller spins for a worker's block before it does: long enough to bridge the gap
 * between the products of one training step, short enough that an idle pool costs nothing.
 */
export const WORKER_SPIN_MS = 0.5;

// The worker loop, shared by both hosts. Plain JS in a string, so a worker needs no file next to
// the compiled output: the same source runs from src/ (vitest), dist/ and a bundle.
const SERVE = `
function serve(module, memory, ctrlByte) {
  const ctrl = new Int32Array(memory.buffer, ctrlByte, ${CTRL_BYTES / 4});
  let ex;
  try {
    ex = new WebAssembly.Instance(module, {
      env: { memory, abort() { throw new Error("gradtape wasm kernel aborted"); } },
    }).exports;
  } catch (err) {
    Atomics.store(ctrl, ${STATE}, ${FAILED});
    Atomics.notify(ctrl, ${STATE});
    Atomics.store(ctrl, ${DONE}, ${DEAD});
    Atomics.notify(ctrl, ${DONE});
    throw err;
  }
  Atomics.store(ctrl, ${STATE}, ${READY});
  Atomics.notify(ctrl, ${STATE});
  const job = new Int32Array(memory.buffer, ctrl[${JOB_AT}], ${JOB_BYTES / 4});
  const index = ctrl[${THREAD_INDEX}];
  let seen = 0;
  for (;;) {
    // The next product of a training step usually follows within microseconds: look for it for a
    // while before sleeping, since waking from Atomics.wait costs the caller ~15 µs a product.
    // Bounded, so an idle pool sleeps instead of holding a core.
    const until = performance.now() + ${WORKER_SPIN_MS};
    for (let spins = 1; Atomics.load(ctrl, ${SEQ}) === seen; spins++) {
      if (spins % 256 === 0 && performance.now() > until) break;
    }
    Atomics.wait(ctrl, ${SEQ}, seen);
    const seq = Atomics.load(ctrl, ${SEQ});
    if (seq === seen) continue;
    if (seq < 0) break;
    seen = seq;
    const tag = seq & ${TAG_MASK};
    for (;;) {
      // Claim the next panel of this product; a worker that woke late finds none left, or a later product's tag.
      const claim = Atomics.load(job, ${JOB_CLAIM});
      if (claim >>> ${CHUNK_BITS} !== tag) break;
      const chunk = claim & ${CHUNK_MASK};
      if (chunk >= Atomics.load(job, ${JOB_CHUNKS})) break;
      if (Atomics.compareExchange(job, ${JOB_CLAIM}, claim, claim + 1) !== claim) continue;
      try {
        const p = (job[${JOB_TABLE}] >>> 2) + chunk * ${PANEL_INTS};
        const t = new Int32Array(memory.buffer);
        ex.denseForwardF32(t[p], t[p + 1], t[p + 2], t[p + 3], t[p + 4], t[p + 5], t[p + 6], t[p + 7], t[p + 8], t[p + 9],
                job[${JOB_WORK}] + index * job[${JOB_WORK_STRIDE}], t[p + 10], t[p + 11], t[p + 12]);
      } catch {
        Atomics.store(job, ${JOB_ERROR}, tag);
        Atomics.store(ctrl, ${STATUS}, 1);
      }
      Atomics.add(job, ${JOB_FINISHED}, 1);
      Atomics.notify(job, ${JOB_FINISHED});
    }
    Atomics.store(ctrl, ${DONE}, seq);
    Atomics.notify(ctrl, ${DONE});
  }
}
`;

/** Worker source for Node (`new Worker(source, { eval: true, workerData })`). */
export const NODE_WORKER_SOURCE = `"use strict";
${SERVE}
const { workerData } = require("node:worker_threads");
serve(workerData.module, workerData.memory, workerData.ctrlByte);
`;

/** Worker source for a browser: a {@link WorkerInit} arrives as the first message. */
export const BROWSER_WORKER_SOURCE = `"use strict";
${SERVE}
onmessage = (event) => {
  onmessage = null;
  serve(event.data.module, event.data.memory, event.data.ctrlByte);
};
`;

/** What a kernel worker is handed: the compiled kernels, the shared memory, and where its control block is. */
export interface WorkerInit {
  /** The kernels, compiled with an imported shared memory. */
  module: WebAssembly.Module;
  /** The memory every thread's instance shares. */
  memory: WebAssembly.Memory;
  /** Byte offset of this worker's control block in `memory`. */
  ctrlByte: number;
}

/** A started kernel worker. */
export interface KernelWorker {
  /** Stops the worker at once, whatever it is doing. */
  terminate(): unknown;
}

/** Starts kernel workers: {@link nodeTransport}, {@link browserTransport}, or a test's wrapper around one. */
export interface WorkerTransport {
  /** Starts one worker that serves jobs from the control block `init.ctrlByte`. */
  spawn(init: WorkerInit): KernelWorker;
  /**
   * Whether a caller may wait for a worker that is still starting. Node starts a worker on a
   * thread of its own; a browser may need the page's event loop, which a waiting caller holds.
   */
  readonly canWaitForBoot: boolean;
}

/** Marks a worker failed from the host's side, for failures its own code cannot report (a script that never ran). */
function markFailed({ memory, ctrlByte }: WorkerInit): void {
  const ctrl = new Int32Array(memory.buffer, ctrlByte, CTRL_BYTES / 4);
  Atomics.store(ctrl, STATE, FAILED);
  Atomics.notify(ctrl, STATE);
  Atomics.store(ctrl, DONE, DEAD);
  Atomics.notify(ctrl, DONE);
}

/**
 * Node's worker_threads.
 * @param source - the worker's code; tests pass {@link BROWSER_WORKER_SOURCE} behind an adapter.
 * @throws Error outside Node 20.16+.
 */
export function nodeTransport(source = NODE_WORKER_SOURCE): WorkerTransport {
  const { Worker } = builtin<WorkerThreads>("node:worker_threads", "createParallelWasmMatmul");
  return {
    canWaitForBoot: true,
    spawn(init) {
      // The worker's own flags: by default it inherits the host's execArgv, and flags such as
      // `--input-type=module` (from `node --input-type=module -e`, or a script piped to node),
      // `--import` or another host's own options make a plain eval'd script fail to start.
      const worker = new Worker(source, { eval: true, workerData: init, execArgv: [] });
      // Idle workers sit in Atomics.wait; they must not keep the process alive.
      worker.unref();
      // Without a listener a worker's uncaught error would end the whole process. A worker that
      // exits on its own has died (close() stops the pool first, so its exits mark nothing in use).
      worker.on("error", () => markFailed(init));
      worker.on("exit", () => markFailed(init));
      return worker;
    },
  };
}

/** Whether this is a browser page or worker that may share memory with Web Workers. */
export function browserWorkersAvailable(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; SharedArrayBuffer?: unknown };
  return (
    tryBuiltin("node:worker_threads") === undefined &&
    g.crossOriginIsolated === true &&
    typeof g.Worker === "function" &&
    typeof g.SharedArrayBuffer === "function"
  );
}

let blobUrl: string | undefined;

/**
 * Web Workers started from a Blob URL of {@link BROWSER_WORKER_SOURCE}, so that no worker file
 * has to be found next to a bundle.
 * @throws Error unless {@link browserWorkersAvailable}.
 */
export function browserTransport(): WorkerTransport {
  if (!browserWorkersAvailable()) {
    throw new Error(
      "createParallelWasmMatmul needs Node's worker_threads, or a cross-origin isolated page " +
        "(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp) with Web Workers",
    );
  }
  // Kept for the page's lifetime: revoking it could race a worker still fetching its script.
  blobUrl ??= URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: "text/javascript" }));
  const url = blobUrl;
  return {
    canWaitForBoot: false,
    spawn(init) {
      const worker = new Worker(url, { name: "gradtape-kernels" });
      worker.onerror = () => markFailed(init);
      worker.postMessage(init);
      return worker;
    },
  };
}

/**
 * Node's worker_threads in Node (which throws before Node 20.16, saying so), else Web Workers
 * (which throws outside a cross-origin isolated page).
 */
export function defaultTransport(): WorkerTransport {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === "string" ? nodeTransport() : browserTransport();
}

/**
 * Threads this host can run kernels on: Node's available cores; in a browser, its
 * `hardwareConcurrency` where workers may share memory, else 1.
 */
export function availableThreads(): number {
  const os = tryBuiltin<Os>("node:os");
  if (os !== undefined) return os.availableParallelism();
  return browserWorkersAvailable() ? Math.max(1, navigator.hardwareConcurrency || 1) : 1;
}

/** How a caller waits for a worker: sleeping in `Atomics.wait`, or spinning on `Atomics.load`. */
export type WaitMode = "block" | "spin";

/** `"block"` where this thread may call `Atomics.wait` (Node, any worker), `"spin"` on a browser's main thread. */
export function callerWaitMode(): WaitMode {
  try {
    // The check that this thread may suspend comes before the value is compared, so a value that
    // differs answers at once without sleeping.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return "block";
  } catch {
    return "spin";
  }
}

/**
 * Waits while `ctrl[index]` still holds `value`, but not past `deadline` (a `Date.now()` time).
 * Returns early on a change; the caller re-reads the slot and decides.
 */
export function waitWhile(ctrl: Int32Array, index: number, value: number, mode: WaitMode, deadline: number): void {
  if (mode === "block") {
    // A worker's block ends about when the caller's does: a short spin saves the ~10 µs a wake-up
    // from Atomics.wait costs, and gives up soon if the worker is slow.
    const until = performance.now() + WORKER_SPIN_MS;
    for (let spins = 1; Atomics.load(ctrl, index) === value; spins++) {
      if (spins % 256 === 0 && performance.now() > until) break;
    }
    if (Atomics.load(ctrl, index) !== value) return;
    Atomics.wait(ctrl, index, value, Math.max(0, deadline - Date.now()));
    return;
  }
  // Date.now() costs ten times a load; look at the clock only now and then.
  for (let spins = 1; Atomics.load(ctrl, index) === value; spins++) {
    if (spins % 4096 === 0 && Date.now() > deadline) return;
  }
}
