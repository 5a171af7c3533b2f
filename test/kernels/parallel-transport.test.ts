// The parallel matmul's browser half, run in Node: the caller spinning on Atomics.load instead of
// sleeping in Atomics.wait (a browser's main thread may not sleep), products that leave out
// workers still starting, the browser worker's code fed by postMessage, and failed workers that
// surface as errors instead of hangs. Every product is checked bit for bit against one thread.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import seedrandom from "seedrandom";
import { Worker } from "node:worker_threads";
import { createWasmMatmul, type WasmMatmul } from "../../src/kernels/wasm/index.js";
import { createParallelWasmMatmul, type ParallelWasmMatmul } from "../../src/kernels/wasm/parallel.js";
import {
  BROWSER_WORKER_SOURCE,
  JOB_AT,
  JOB_CLAIM,
  availableThreads,
  browserTransport,
  callerWaitMode,
  nodeTransport,
  type KernelWorker,
  type WorkerInit,
  type WorkerTransport,
} from "../../src/kernels/wasm/transport.js";

type Shape = readonly [m: number, k: number, n: number];

let serial: WasmMatmul;
beforeAll(() => {
  serial = createWasmMatmul({ relaxedSimd: false });
});

const opened: ParallelWasmMatmul[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.close()));
});

/** A pool with no size threshold, so that small products split too; closed after each test. */
function pool(options: Parameters<typeof createParallelWasmMatmul>[0]): ParallelWasmMatmul {
  const p = createParallelWasmMatmul({ minParallelFlops: 0, relaxedSimd: false, ...options });
  opened.push(p);
  return p;
}

function operands([m, k, n]: Shape, seed: string): [Float32Array, Float32Array] {
  const rng = seedrandom(seed);
  const a = Float32Array.from({ length: m * k }, () => rng() * 2 - 1);
  const b = Float32Array.from({ length: k * n }, () => (rng() * 2 - 1) / Math.sqrt(k));
  return [a, b];
}

/** Index of the first element whose bits differ, or -1. */
function firstDifference(x: Float32Array, y: Float32Array): number {
  if (x.length !== y.length) return 0;
  const bx = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const by = new Uint32Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < bx.length; i++) if (bx[i] !== by[i]) return i;
  return -1;
}

/** Runs one product on `p` and on one thread; expects the same bits. */
function expectLikeOneThread(p: ParallelWasmMatmul, shape: Shape, transposeA = false, transposeB = false): void {
  const [m, k, n] = shape;
  const [a, b] = operands(shape, `parallel-transport ${shape.join("x")}`);
  // The default pool picks the relaxed-SIMD build where the engine has it (Node 22, Chrome), and
  // so does the default single-threaded kernel: compare like with like.
  const one = p.relaxedSimd ? createWasmMatmul({ relaxedSimd: true }) : serial;
  const expected = one.matmulF32(a, b, m, k, n, transposeA, transposeB);
  const actual = p.matmulF32(a, b, m, k, n, transposeA, transposeB);
  expect(firstDifference(actual, expected)).toBe(-1);
  // Not all zeros or NaN: the comparison above would pass for two broken kernels alike.
  expect(actual.some((v) => v !== 0)).toBe(true);
  expect(actual.every(Number.isFinite)).toBe(true);
}

/** Node workers that start only when the test says so, and whose Worker objects the test can reach. */
function heldTransport(wrap: (init: WorkerInit) => WorkerInit = (init) => init): WorkerTransport & {
  start(count?: number): void;
  workers: KernelWorker[];
} {
  const node = nodeTransport();
  const held: (() => void)[] = [];
  const workers: KernelWorker[] = [];
  return {
    canWaitForBoot: false,
    workers,
    spawn(init) {
      const index = held.length;
      held.push(() => {
        workers[index] = node.spawn(wrap(init));
      });
      return { terminate: () => workers[index]?.terminate() };
    },
    start(count = held.length) {
      held.splice(0, count).forEach((go) => go());
    },
  };
}

describe("the caller spinning on Atomics.load (a browser's main thread)", () => {
  it("this Node thread may block, so blocking is the default here", () => {
    expect(callerWaitMode()).toBe("block");
    expect(pool({ threads: 2 }).waitMode).toBe("block");
  });

  const shapes: Shape[] = [[1, 1, 1], [7, 13, 5], [33, 65, 17], [5, 40, 100], [100, 40, 5], [256, 300, 200]];
  const variants = [[false, false], [true, false], [false, true], [true, true]] as const;
  it("gives one thread's bits for every layout, and only spins", async () => {
    const p = pool({ threads: 3, wait: "spin" });
    expect(p.waitMode).toBe("spin");
    expect(await p.ready()).toBe(2);
    for (const shape of shapes) for (const [ta, tb] of variants) expectLikeOneThread(p, shape, ta, tb);
    // Every product with at least two rows or columns of tiles was split.
    expect(p.stats.splitProducts).toBeGreaterThanOrEqual(4 * 4);
    expect(p.stats.spinWaits).toBeGreaterThanOrEqual(p.stats.splitProducts);
    expect(p.stats.blockingWaits).toBe(0);
  });

  it("runs the browser worker's code, handed its module and memory by postMessage", async () => {
    // Node has no global onmessage: the adapter turns the first parentPort message into the event
    // a browser would deliver.
    const adapter = `
      globalThis.onmessage = null;
      require("node:worker_threads").parentPort.once("message", (data) => globalThis.onmessage({ data }));
    `;
    const posted: WorkerTransport = {
      canWaitForBoot: false,
      spawn(init) {
        const worker = new Worker(adapter + BROWSER_WORKER_SOURCE, { eval: true });
        worker.unref();
        worker.postMessage(init);
        return worker;
      },
    };
    const p = pool({ threads: 3, wait: "spin", transport: posted });
    expect(await p.ready()).toBe(2);
    expectLikeOneThread(p, [512, 512, 512]);
    expectLikeOneThread(p, [64, 784, 128], true, false);
    expect(p.stats.splitProducts).toBe(2);
    expect(p.stats.spinWaits).toBe(4);
  });
});

describe("workers still starting", () => {
  it("are left out: a product runs on the threads that are ready, with the same bits", async () => {
    const transport = heldTransport();
    const p = pool({ threads: 3, wait: "spin", transport });
    // No worker has even been created: the product must not wait for one.
    expectLikeOneThread(p, [128, 96, 64]);
    expect(p.stats.splitProducts).toBe(0);
    expect(p.stats.spinWaits).toBe(0);

    transport.start(1);
    const ready = p.ready();
    transport.start();
    expect(await ready).toBe(2);
    expectLikeOneThread(p, [128, 96, 64]);
    expect(p.stats).toEqual({ splitProducts: 1, spinWaits: 2, blockingWaits: 0, heldBack: 0 });
  });

  it("split a product across the caller and the one worker that is ready", async () => {
    const transport = heldTransport();
    const p = pool({ threads: 3, wait: "spin", transport });
    transport.start(1);
    // ready() would wait for the held worker too; poll what products see instead.
    const deadline = Date.now() + 30_000;
    while (p.stats.splitProducts === 0 && Date.now() < deadline) {
      expectLikeOneThread(p, [64, 64, 64]);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(p.stats.splitProducts).toBe(1);
    expect(p.stats.spinWaits).toBe(1);
    transport.start();
  });

  it("are waited for where the transport allows it (Node's default), so the first product splits", () => {
    const p = pool({ threads: 3 });
    expectLikeOneThread(p, [128, 96, 64]);
    expect(p.stats).toEqual({ splitProducts: 1, spinWaits: 0, blockingWaits: 2, heldBack: 0 });
  });
});

describe("failed workers: the product still returns its result, and the pool falls back to one thread", () => {
  // Imports a function nobody provides, so instantiating it in the worker throws a LinkError.
  const unlinkable = new WebAssembly.Module(new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x02, 0x0c, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x6e, 0x6f, 0x70, 0x65, 0x00, 0x00,
  ]));

  /** The warnings written while `fn` runs. */
  function warnings<T>(fn: () => T): [T, string[]] {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const result = fn();
      return [result, spy.mock.calls.map((args) => args.join(" "))];
    } finally {
      spy.mockRestore();
    }
  }

  const fellBack = /^gradtape: matmulF32: worker \d failed to start or died; large products now run on the calling thread alone/;

  it("a worker that cannot start: one thread's bits, one warning, later products on one thread", async () => {
    let spawned = 0;
    const node = nodeTransport();
    const oneBad: WorkerTransport = {
      canWaitForBoot: true,
      spawn: (init) => node.spawn(spawned++ === 0 ? { ...init, module: unlinkable } : init),
    };
    const p = pool({ threads: 3, transport: oneBad });
    const [, said] = warnings(() => {
      expectLikeOneThread(p, [64, 64, 64]);
      expectLikeOneThread(p, [256, 300, 200], true, true);
    });
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(fellBack);
    expect(p.stats.splitProducts).toBe(0);
    expect(await p.ready()).toBe(0);
  });

  it("a worker whose script dies before it runs is marked failed by its error event", async () => {
    const p = pool({ threads: 2, wait: "spin", transport: nodeTransport("throw new Error('no such script')") });
    const said = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      expect(await p.ready()).toBe(0);
      expect(said.mock.calls.map((args) => args.join(" "))).toEqual([expect.stringMatching(fellBack)]);
    } finally {
      said.mockRestore();
    }
    expectLikeOneThread(p, [64, 64, 64]);
    expect(p.stats.splitProducts).toBe(0);
  });

  it("a worker that never boots holds the first product back by the timeout at most", () => {
    const never: WorkerTransport = { canWaitForBoot: true, spawn: () => ({ terminate: () => undefined }) };
    const p = pool({ threads: 2, transport: never });
    const started = Date.now();
    expectLikeOneThread(p, [256, 256, 256]);
    expect(Date.now() - started).toBeLessThan(1000 + 800);
    // The second product does not wait again.
    const again = Date.now();
    expectLikeOneThread(p, [256, 256, 256]);
    expect(Date.now() - again).toBeLessThan(800);
    expect(p.stats.splitProducts).toBe(0);
  });

  it("a worker stopped from outside is seen by its exit event before the next product", async () => {
    const transport = heldTransport();
    const p = pool({ threads: 3, wait: "spin", transport });
    transport.start();
    expect(await p.ready()).toBe(2);
    await transport.workers[1]!.terminate();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    const [, said] = warnings(() => expectLikeOneThread(p, [256, 256, 256]));
    expect(Date.now() - started).toBeLessThan(800);
    expect(said).toEqual([expect.stringMatching(/worker 1 failed to start or died; large products now run on the calling thread alone/)]);
    expect(p.stats.splitProducts).toBe(0);
    expect(await p.ready()).toBe(0);
  });

  it("a worker that never serves a job holds nothing back: the caller computes every panel", async () => {
    // Says it is ready, then never claims a panel: the caller claims them all and does not wait.
    const mute = `
      const { workerData } = require("node:worker_threads");
      const ctrl = new Int32Array(workerData.memory.buffer, workerData.ctrlByte, 32);
      Atomics.store(ctrl, 3, 1);
      Atomics.notify(ctrl, 3);
      setInterval(() => undefined, 1000);
    `;
    const p = pool({ threads: 2, transport: nodeTransport(mute) });
    expect(await p.ready()).toBe(1);
    const started = Date.now();
    const [, said] = warnings(() => expectLikeOneThread(p, [256, 256, 256]));
    expect(Date.now() - started).toBeLessThan(800);
    expect(said).toEqual([]);
    expect(p.stats.splitProducts).toBe(1);
  });

  it("a worker that stops answering mid-panel: the product waits about a second, then returns one thread's bits", async () => {
    // Claims one panel of the first product, then never finishes it: what a worker that died
    // mid-product looks like to a caller that cannot receive its exit event while it waits.
    const stuck = `
      const { workerData } = require("node:worker_threads");
      const ctrl = new Int32Array(workerData.memory.buffer, workerData.ctrlByte, 32);
      const job = new Int32Array(workerData.memory.buffer, ctrl[${JOB_AT}], 16);
      Atomics.store(ctrl, 3, 1);
      Atomics.notify(ctrl, 3);
      // Spins for the first product's claim slot (the caller computes one panel of a few ms at a
      // time, so this wins a panel unless the OS leaves it off the CPU that long), claims one,
      // and never finishes it.
      for (;;) {
        const claim = Atomics.load(job, ${JOB_CLAIM});
        if (claim !== 0 && Atomics.compareExchange(job, ${JOB_CLAIM}, claim, claim + 1) === claim) break;
      }
      setInterval(() => undefined, 1000);
    `;
    const p = pool({ threads: 2, transport: nodeTransport(stuck) });
    expect(await p.ready()).toBe(1);
    const started = Date.now();
    const [, said] = warnings(() => expectLikeOneThread(p, [768, 512, 512]));
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(990);
    expect(waited).toBeLessThan(1000 + 800);
    expect(said).toEqual([expect.stringMatching(/worker 0 did not finish its block in time \(died\?\); large products now run on the calling thread alone/)]);
    const again = Date.now();
    expectLikeOneThread(p, [256, 256, 256]);
    expect(Date.now() - again).toBeLessThan(800);
  });
});

describe("threadsReady and setThreads", () => {
  it("starts the workers and counts the threads large products will use", async () => {
    vi.resetModules();
    const backend = await import("../../src/kernels/backend.js");
    backend.setThreads(2);
    expect(await backend.threadsReady()).toBe(2);
    const pool = backend.parallelMatmul()!;
    // Above the pool's own threshold (2e6 flops), which the test pools set to 0.
    expectLikeOneThread(pool, [128, 128, 128]);
    expect(pool.stats.splitProducts).toBe(1);
    backend.setThreads(1);
    expect(await backend.threadsReady()).toBe(1);
    expect(backend.parallelMatmul()).toBeNull();
  });

  it("caps a count above the host's cores, with a warning that says so", async () => {
    vi.resetModules();
    const backend = await import("../../src/kernels/backend.js");
    const said = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      backend.setThreads(1000);
      const cores = availableThreads();
      expect(said.mock.calls).toEqual([[`gradtape: setThreads: 1000 threads asked for, but this host has ${cores} core${cores === 1 ? "" : "s"} for them; using ${cores}`]]);
      expect(backend.getThreads()).toBe(cores);
      expect(await backend.threadsReady()).toBe(cores);
    } finally {
      said.mockRestore();
      backend.setThreads(1);
    }
  });

  it("refuses what is not a positive integer", async () => {
    const backend = await import("../../src/kernels/backend.js");
    for (const bad of [0, -1, 1.5, NaN, Infinity, "2", null, undefined]) {
      expect(() => backend.setThreads(bad as number)).toThrow(/^setThreads: n must be a positive integer, got /);
    }
  });
});

describe("thread count in a page", () => {
  /** Runs `fn` as a page would see the world: no Node built-ins, and a browser's globals. */
  async function asPage<T>(crossOriginIsolated: boolean, fn: (backend: typeof import("../../src/kernels/backend.js")) => T): Promise<T> {
    // A fresh backend, whose thread count is not yet settled by this Node process.
    vi.resetModules();
    const backend = await import("../../src/kernels/backend.js");
    const proc = process as { getBuiltinModule?: unknown };
    const saved = proc.getBuiltinModule;
    proc.getBuiltinModule = undefined;
    vi.stubGlobal("Worker", class {});
    vi.stubGlobal("navigator", { hardwareConcurrency: 8 });
    vi.stubGlobal("crossOriginIsolated", crossOriginIsolated);
    try {
      return fn(backend);
    } finally {
      proc.getBuiltinModule = saved;
      vi.unstubAllGlobals();
    }
  }

  it("is 1 without cross-origin isolation", async () => {
    expect(await asPage(false, (backend) => [availableThreads(), backend.getThreads()])).toEqual([1, 1]);
  });

  it("is the page's hardwareConcurrency, at most 4, with it", async () => {
    expect(await asPage(true, (backend) => [availableThreads(), backend.getThreads()])).toEqual([8, 4]);
  });

  it("without isolation, starting Web Workers fails with what the page needs", async () => {
    await asPage(false, () => {
      expect(() => browserTransport()).toThrow(
        /cross-origin isolated page \(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp\)/,
      );
    });
  });
});
