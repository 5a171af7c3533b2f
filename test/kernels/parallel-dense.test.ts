// The dense layer's fused kernels on the worker pool: each panel adds the bias and applies relu to
// its own block of C, and the backward's products read dz where the calling thread left it. Every
// result must equal the single-thread kernels' bits for 1, 2 and 3 threads, over ragged edges
// (rows and columns that are not whole tiles or vectors), both splits (by rows and by columns),
// every transpose, with and without bias, relu and linear, and every subset of gradients.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import seedrandom from "seedrandom";
import { Kernels, denseBackwardF32, denseForwardF32, type DenseNeeds } from "../../src/kernels/wasm/index.js";
import { createParallelWasmMatmul, type ParallelWasmMatmul } from "../../src/kernels/wasm/parallel.js";
import { NODE_WORKER_SOURCE, nodeTransport, type WorkerTransport } from "../../src/kernels/wasm/transport.js";
import { PARALLEL_MIN_FLOPS, parallelMatmul, setThreads } from "../../src/kernels/backend.js";
import * as gt from "../../src/index.js";

type Shape = readonly [m: number, k: number, n: number];
const LAYOUTS = [[false, false], [true, false], [false, true], [true, true]] as const;
// [61, 20, 5] splits by rows, [5, 20, 61] by columns (see `cut` in parallel.ts); the others have
// rows and columns that end inside a 4×8 tile and a row inside a vector, and one is empty.
const SHAPES: Shape[] = [[61, 20, 5], [5, 20, 61], [33, 65, 17], [7, 13, 30], [64, 784, 128], [3, 0, 5], [0, 4, 3]];
const NEEDS: DenseNeeds[] = [
  { a: true, b: true, bias: true },
  { a: false, b: true, bias: true },
  { a: true, b: false, bias: false },
  { a: false, b: false, bias: true },
];

const bits = (x: Float32Array | undefined) => (x === undefined ? undefined : Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length)));

function random(seed: string, length: number): Float32Array {
  const rng = seedrandom(seed);
  return Float32Array.from({ length }, () => rng() * 2 - 1);
}

const pools = new Map<number, ParallelWasmMatmul>();
beforeAll(async () => {
  for (const threads of [1, 2, 3]) {
    // No size threshold, so that even the small products are cut into panels.
    const p = createParallelWasmMatmul({ threads, minParallelFlops: 0, relaxedSimd: false });
    expect(await p.ready()).toBe(threads - 1);
    pools.set(threads, p);
  }
});
afterAll(async () => {
  await Promise.all([...pools.values()].map((p) => p.close()));
});

describe("the pool's denseForwardF32 equals one thread's bits", () => {
  for (const shape of SHAPES) {
    const [m, k, n] = shape;
    for (const [ta, tb] of LAYOUTS) {
      it(`${shape.join("×")} transposeA=${ta} transposeB=${tb}, relu and linear, with and without bias, on 1, 2 and 3 threads`, () => {
        const a = random(`a${shape}`, m * k);
        const b = random(`b${shape}`, k * n);
        const bias = random(`bias${shape}`, n);
        for (const relu of [false, true]) {
          for (const withBias of [false, true]) {
            const expected = denseForwardF32(a, b, withBias ? bias : undefined, m, k, n, ta, tb, relu);
            for (const [threads, p] of pools) {
              const before = p.stats.splitProducts;
              const got = p.denseForwardF32(a, b, withBias ? bias : undefined, m, k, n, ta, tb, relu);
              expect([threads, bits(got)]).toEqual([threads, bits(expected)]);
              expect(p.stats.splitProducts - before).toBe(threads > 1 && m * n > 0 ? 1 : 0);
            }
            // relu cut some values and kept others, so both sides of the mask were compared.
            if (relu && withBias && m * n > 8) expect(expected.some((v) => v === 0) && expected.some((v) => v > 0)).toBe(true);
          }
        }
      });
    }
  }
});

describe("the pool's denseBackwardF32 equals one thread's bits", () => {
  for (const shape of SHAPES) {
    const [m, k, n] = shape;
    for (const [ta, tb] of LAYOUTS) {
      it(`${shape.join("×")} transposeA=${ta} transposeB=${tb}, relu and linear, every subset of gradients, on 1, 2 and 3 threads`, () => {
        const a = random(`a${shape}`, m * k);
        const b = random(`b${shape}`, k * n);
        const dy = random(`dy${shape}`, m * n);
        const y = denseForwardF32(a, b, random(`bias${shape}`, n), m, k, n, ta, tb, true);
        for (const relu of [false, true]) {
          for (const needs of NEEDS) {
            const want = denseBackwardF32(dy, relu ? y : undefined, a, b, m, k, n, ta, tb, needs);
            for (const [threads, p] of pools) {
              const got = p.denseBackwardF32(dy, relu ? y : undefined, a, b, m, k, n, ta, tb, needs);
              expect([threads, bits(got.da), bits(got.db), bits(got.dbias)]).toEqual([threads, bits(want.da), bits(want.db), bits(want.dbias)]);
            }
            expect([want.da !== undefined, want.db !== undefined, want.dbias !== undefined]).toEqual([needs.a, needs.b, needs.bias]);
          }
        }
        // The caller's dy and y are read, never written.
        expect(bits(dy)).toEqual(bits(random(`dy${shape}`, m * n)));
      });
    }
  }

  it("runs both products of a backward step as one job", () => {
    const p = pools.get(2)!;
    const [m, k, n] = [64, 784, 128];
    const before = p.stats.splitProducts;
    p.denseBackwardF32(random("dy", m * n), undefined, random("a", m * k), random("b", k * n), m, k, n, false, false, { a: true, b: true, bias: true });
    expect(p.stats.splitProducts - before).toBe(1);
  });
});

describe("the kernel on a block of a larger C (a thread's panel)", () => {
  it("writes only the block's own elements, whatever the row length's remainder", () => {
    const kernels = new Kernels({ relaxedSimd: false });
    const ex = kernels.exports;
    // A [5, 7] block at row 1, column 2 of a [9, 13] C, so rows end inside a vector and the
    // block's last vector reaches into the columns and rows of its neighbours.
    const [m, k, n, ldc] = [5, 6, 7, 13];
    const a = random("block a", m * k);
    const b = random("block b", k * n);
    const bias = random("block bias", n);
    const sentinel = random("sentinel", 9 * ldc).map((v) => v + 100);
    const [ap, bp, biasPtr, cPtr, work] = kernels.stage("test", [a, b, bias, sentinel], ex.workspaceBytes(m, k, n) / 4);
    const blockAt = cPtr + (1 * ldc + 2) * 4;
    ex.denseForwardF32(ap, bp, biasPtr, blockAt, m, k, n, 0, 0, 1, work, k, n, ldc);
    const c = kernels.readResident(cPtr, 9 * ldc);
    const expected = denseForwardF32(a, b, bias, m, k, n, false, false, true);
    for (let r = 0; r < 9; r++) {
      for (let j = 0; j < ldc; j++) {
        const inside = r >= 1 && r < 1 + m && j >= 2 && j < 2 + n;
        const want = inside ? expected[(r - 1) * n + (j - 2)] : sentinel[r * ldc + j];
        expect([r, j, c[r * ldc + j]]).toEqual([r, j, want]);
      }
    }
  });
});

describe("a pool whose worker cannot start", () => {
  // Imports a function nobody provides, so instantiating it in the worker throws a LinkError.
  const unlinkable = new WebAssembly.Module(new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x02, 0x0c, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x6e, 0x6f, 0x70, 0x65, 0x00, 0x00,
  ]));

  it("still returns one thread's bits for the dense steps, after one warning", async () => {
    const node = nodeTransport();
    const bad: WorkerTransport = { canWaitForBoot: true, spawn: (init) => node.spawn({ ...init, module: unlinkable }) };
    const p = createParallelWasmMatmul({ threads: 2, minParallelFlops: 0, relaxedSimd: false, transport: bad });
    const said = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const [m, k, n] = [33, 65, 17];
      const [a, b, bias, dy] = [random("fa", m * k), random("fb", k * n), random("fbias", n), random("fdy", m * n)];
      expect(bits(p.denseForwardF32(a, b, bias, m, k, n, false, true, true))).toEqual(bits(denseForwardF32(a, b, bias, m, k, n, false, true, true)));
      const needs = { a: true, b: true, bias: true };
      const got = p.denseBackwardF32(dy, undefined, a, b, m, k, n, true, false, needs);
      const want = denseBackwardF32(dy, undefined, a, b, m, k, n, true, false, needs);
      expect([bits(got.da), bits(got.db), bits(got.dbias)]).toEqual([bits(want.da), bits(want.db), bits(want.dbias)]);
      expect(said.mock.calls.map((args) => args.join(" "))).toEqual([expect.stringMatching(/worker 0 failed to start or died; large products now run on the calling thread alone/)]);
      expect(p.stats.splitProducts).toBe(0);
    } finally {
      said.mockRestore();
      await p.close();
    }
  });
});

describe("an adaptive pool whose worker is slow", () => {
  it("keeps products on the calling thread after a split that lost time, with the same bits", async () => {
    // The worker sleeps 30 ms before each panel it claims: any split it takes part in loses.
    const slow = NODE_WORKER_SOURCE.replace('"use strict";', '"use strict";\nconst nap = (f) => (Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30), f);')
      .replace("ex.denseForwardF32(t[p]", "nap(ex.denseForwardF32)(t[p]");
    expect(slow).toContain("nap(ex.denseForwardF32)");
    const p = createParallelWasmMatmul({ threads: 2, minParallelFlops: 0, relaxedSimd: false, adaptive: true, transport: nodeTransport(slow) });
    try {
      expect(await p.ready()).toBe(1);
      const [m, k, n] = [64, 200, 128];
      const [a, b, bias] = [random("sa", m * k), random("sb", k * n), random("sbias", n)];
      const want = bits(denseForwardF32(a, b, bias, m, k, n, false, false, true));
      for (let i = 0; i < 20; i++) expect(bits(p.denseForwardF32(a, b, bias, m, k, n, false, false, true))).toEqual(want);
      const { splitProducts, heldBack } = p.stats;
      expect(splitProducts + heldBack).toBe(20);
      // Held back 4, then 8 after a second loss (a split the worker joined too late to hold up is no loss).
      expect(heldBack).toBeGreaterThanOrEqual(4);
      expect(splitProducts).toBeLessThan(20 - 4);
    } finally {
      await p.close();
    }
  });
});

describe("gt.fused.matMul at the W1 and W2 layers' shapes, one thread and two", () => {
  afterAll(() => setThreads(2));

  // [batch, inputs, units]: the first layers of W1 and W2, W2's second, and an output layer (below the threshold).
  const LAYERS: Shape[] = [[64, 784, 128], [128, 784, 512], [128, 512, 256], [64, 128, 10]];
  for (const [m, k, n] of LAYERS) {
    it(`${m}×${k}×${n}: forward and gradients equal, split across the threads from ${PARALLEL_MIN_FLOPS} flops`, async () => {
      const x = gt.randomNormal([m, k], { seed: 1 });
      const w = gt.randomNormal([k, n], { seed: 2 }).mul(1 / Math.sqrt(k));
      const bias = gt.randomNormal([n], { seed: 3 });
      const dy = gt.randomNormal([m, n], { seed: 4 });
      const step = () => {
        const tape = new gt.GradientTape();
        tape.watch([w, bias]);
        const out = tape.record(() => gt.fused.matMul({ a: x, b: w, bias, activation: "relu" }));
        return [out, ...tape.gradient(out, [w, bias], dy)].map((t) => bits(t.data() as Float32Array));
      };
      setThreads(1);
      const one = step();
      setThreads(2);
      expect(await gt.threadsReady()).toBe(2);
      const pool = parallelMatmul()!;
      const before = pool.stats.splitProducts + pool.stats.heldBack;
      expect(step()).toEqual(one);
      // The forward and the backward (both its products in one job) when the layer is large enough;
      // on a busy machine, a split that lost time keeps the next few on this thread.
      expect(pool.stats.splitProducts + pool.stats.heldBack - before).toBe(2 * m * k * n >= PARALLEL_MIN_FLOPS ? 2 : 0);
    });
  }
});
