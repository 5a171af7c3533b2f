// The products of the W1 (784-128-10, batch 64) and W2 (784-512-256-10, batch 128) training steps
// on two threads: forward x·W, the weight gradients xᵀ·dz and the input gradients dz·Wᵀ, cut into
// panels the threads claim one by one. Each must equal one thread's bits, in the plain build and in
// the relaxed-SIMD (FMA) build alike (the build may change the rounding, the thread count may not).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import seedrandom from "seedrandom";
import { setFlagsFromString } from "node:v8";
import { createWasmMatmul, type WasmMatmul } from "../../src/kernels/wasm/index.js";
import { createParallelWasmMatmul, type ParallelWasmMatmul } from "../../src/kernels/wasm/parallel.js";
import { PARALLEL_MIN_FLOPS, parallelMatmul, setThreads } from "../../src/kernels/backend.js";
import * as gt from "../../src/index.js";

/** m, k, n, transposeA, transposeB, what it is. */
type Product = readonly [number, number, number, boolean, boolean, string];
const PRODUCTS: Product[] = [
  [64, 784, 128, false, false, "W1 x·W1"],
  [784, 64, 128, true, false, "W1 xᵀ·dz"],
  [64, 10, 128, false, true, "W1 dz·W2ᵀ"],
  [128, 784, 512, false, false, "W2 x·W1"],
  [784, 128, 512, true, false, "W2 xᵀ·dz1"],
  [128, 512, 256, false, false, "W2 h1·W2"],
  [512, 128, 256, true, false, "W2 h1ᵀ·dz2"],
  [128, 256, 512, false, true, "W2 dz2·W2ᵀ"],
];

function operands(m: number, k: number, n: number, seed: string): [Float32Array, Float32Array] {
  const rng = seedrandom(seed);
  return [Float32Array.from({ length: m * k }, () => rng() * 2 - 1), Float32Array.from({ length: k * n }, () => (rng() * 2 - 1) / Math.sqrt(k))];
}

function expectSameBits(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  expect(new Uint32Array(actual.buffer, actual.byteOffset, actual.length)).toEqual(new Uint32Array(expected.buffer, expected.byteOffset, expected.length));
  expect(actual.some((v) => v !== 0)).toBe(true);
}

for (const build of ["plain SIMD128", "relaxed-SIMD (FMA)"] as const) {
  describe(`two threads, ${build} build: the W1 and W2 products equal one thread's bits`, () => {
    let one: WasmMatmul | undefined;
    let two: ParallelWasmMatmul | undefined;
    beforeAll(async () => {
      const relaxedSimd = build !== "plain SIMD128";
      // Node 20 compiles relaxed SIMD only behind this flag; it affects modules compiled later.
      if (relaxedSimd) setFlagsFromString("--experimental-wasm-relaxed-simd");
      one = createWasmMatmul({ relaxedSimd });
      two = createParallelWasmMatmul({ threads: 2, relaxedSimd, minParallelFlops: 0 });
      expect(await two.ready()).toBe(1);
      expect([one.relaxedSimd, two.relaxedSimd]).toEqual([relaxedSimd, relaxedSimd]);
    });
    afterAll(() => two?.close());

    for (const [m, k, n, ta, tb, name] of PRODUCTS) {
      it(`${name} (${m}×${k}×${n})`, () => {
        const [a, b] = operands(m, k, n, name);
        const before = two!.stats.splitProducts;
        // Twice: the second product reuses the arena and the workspaces the first sized.
        for (let i = 0; i < 2; i++) expectSameBits(two!.matmulF32(a, b, m, k, n, ta, tb), one!.matmulF32(a, b, m, k, n, ta, tb));
        expect(two!.stats.splitProducts).toBe(before + 2);
      });
    }
  });
}

describe("gt.matmul at the W1 and W2 shapes, one thread and two", () => {
  afterAll(() => setThreads(2));

  it(`splits the products from ${PARALLEL_MIN_FLOPS} flops and gives the same bits as one thread`, async () => {
    for (const [m, k, n, ta, tb, name] of PRODUCTS) {
      const [a, b] = operands(m, k, n, name);
      const x = gt.tensor(a, ta ? [k, m] : [m, k]);
      const y = gt.tensor(b, tb ? [n, k] : [k, n]);
      setThreads(1);
      const expected = gt.matmul(x, y, ta, tb).data() as Float32Array;
      setThreads(2);
      expect(await gt.threadsReady()).toBe(2);
      const pool = parallelMatmul()!;
      // On a busy machine a split that lost time keeps the next few products on this thread.
      const before = pool.stats.splitProducts + pool.stats.heldBack;
      const actual = gt.matmul(x, y, ta, tb).data() as Float32Array;
      expectSameBits(actual, expected);
      expect(pool.stats.splitProducts + pool.stats.heldBack - before).toBe(2 * m * k * n >= PARALLEL_MIN_FLOPS ? 1 : 0);
    }
  });
});
