import { describe, it, expect, beforeAll, afterAll } from "vitest";
import seedrandom from "seedrandom";
import { setFlagsFromString } from "node:v8";
import { createWasmMatmul, matmulF32, wasmAvailable, wasmKernelVariant } from "../../src/kernels/wasm/index.js";
import { createParallelWasmMatmul } from "../../src/kernels/wasm/parallel.js";

type Shape = readonly [m: number, k: number, n: number];

const VARIANTS = [
  { transposeA: false, transposeB: false, name: "A·B" },
  { transposeA: true, transposeB: false, name: "Aᵀ·B" },
  { transposeA: false, transposeB: true, name: "A·Bᵀ" },
  { transposeA: true, transposeB: true, name: "Aᵀ·Bᵀ" },
] as const;

/** Uniform values in [-scale, scale) from a seeded generator, so failures reproduce. */
function randomArray(rng: seedrandom.PRNG, length: number, scale: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (rng() * 2 - 1) * scale;
  return out;
}

/** Row-major [rows, cols] → row-major [cols, rows]. */
function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  }
  return out;
}

/** Naive C = A·B in float64 for row-major A [m, k] and B [k, n]: the oracle. */
function referenceMatmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      const bRow = p * n;
      for (let j = 0; j < n; j++) c[row + j]! += aip * b[bRow + j]!;
    }
  }
  return c;
}

/** max |actual - ref| / max(1, |ref|); Infinity on a length mismatch or a NaN where ref has none. */
function maxRelativeError(actual: Float32Array, ref: Float64Array): number {
  if (actual.length !== ref.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!;
    const err = Math.abs(actual[i]! - r) / Math.max(1, Math.abs(r));
    if (Number.isNaN(err)) return Infinity;
    if (err > worst) worst = err;
  }
  return worst;
}

interface Case {
  a: Float32Array;
  b: Float32Array;
  ref: Float64Array;
}

// A is uniform in [-1, 1) and B in [-1, 1)/sqrt(k), so C's entries are of
// order one whatever k is (as with variance-preserving initialisation) and
// float32 rounding stays ~1e-7, well below the 1e-5 bar; a dropped or
// misplaced term moves an entry by ~1/sqrt(k) >= 1e-2.
const cases = new Map<string, Case>();
function getCase([m, k, n]: Shape): Case {
  const key = `${m}x${k}x${n}`;
  let c = cases.get(key);
  if (!c) {
    const rng = seedrandom(`wasm-matmul ${key}`);
    const a = randomArray(rng, m * k, 1);
    const b = randomArray(rng, k * n, 1 / Math.sqrt(Math.max(1, k)));
    c = { a, b, ref: referenceMatmul(a, b, m, k, n) };
    cases.set(key, c);
  }
  return c;
}

type MatmulFn = typeof matmulF32;

function runVariant(shape: Shape, transposeA: boolean, transposeB: boolean, mm: MatmulFn = matmulF32): Float32Array {
  const [m, k, n] = shape;
  const { a, b } = getCase(shape);
  return mm(
    transposeA ? transpose(a, m, k) : a,
    transposeB ? transpose(b, k, n) : b,
    m, k, n, transposeA, transposeB,
  );
}

function randomShapes(count: number, seed: string, max: number): Shape[] {
  const rng = seedrandom(seed);
  const dim = () => 1 + Math.floor(rng() * max);
  return Array.from({ length: count }, () => [dim(), dim(), dim()] as const);
}

const SMALL_SHAPES: Shape[] = [
  [1, 1, 1],
  [7, 13, 5],
  [33, 65, 17],
  [4, 8, 8], // exactly one register tile
  [5, 9, 9], // one past a tile in m and n
  [3, 7, 7], // smaller than a tile in m and n
  [1, 300, 1], // a dot product
  [9, 1, 11], // an outer product
  [33, 600, 17], // k split into several cache blocks, ragged tiles accumulate across them
  [130, 300, 20], // m split into several cache blocks
  [2, 3, 8200], // n split into several cache blocks
  ...randomShapes(24, "wasm-matmul random shapes", 70),
];

// The model's forward/backward shapes, (m, k, n) of op(A)·op(B).
const LARGE_SHAPES: Shape[] = [
  [64, 784, 128],
  [64, 128, 10],
  [784, 64, 128], // xᵀ·dY for the layer above
  [128, 784, 512],
  [128, 512, 256],
  [512, 512, 512],
  [1024, 1024, 1024],
];

describe("wasm matmul kernels", () => {
  it("are available in this Node version", () => {
    expect(wasmAvailable()).toBe(true);
    expect(wasmKernelVariant()).not.toBe("unavailable");
  });

  for (const shape of [...SMALL_SHAPES, ...LARGE_SHAPES]) {
    describe(`${shape.join("×")}`, () => {
      for (const { transposeA, transposeB, name } of VARIANTS) {
        it(`${name} matches the float64 reference`, () => {
          const c = runVariant(shape, transposeA, transposeB);
          expect(c.length).toBe(shape[0] * shape[2]);
          expect(maxRelativeError(c, getCase(shape).ref)).toBeLessThan(1e-5);
        });
      }
    });
  }

  it("the error measure catches a single wrong entry", () => {
    // Guards the guard: if maxRelativeError were vacuous every test above would pass.
    const shape: Shape = [33, 65, 17];
    const c = runVariant(shape, false, false);
    expect(maxRelativeError(c, getCase(shape).ref)).toBeLessThan(1e-5);
    c[200] = c[200]! + 1e-3;
    expect(maxRelativeError(c, getCase(shape).ref)).toBeGreaterThan(1e-5);
    c[200] = NaN;
    expect(maxRelativeError(c, getCase(shape).ref)).toBe(Infinity);
  });

  it("gives the same answer after the arena has been used for larger products", () => {
    const small: Shape = [7, 13, 5];
    const first = runVariant(small, false, true);
    runVariant([128, 784, 512], true, false);
    const again = runVariant(small, false, true);
    expect(Array.from(again)).toEqual(Array.from(first));
  });

  it("writes into `out` and returns it, even when `out` aliases an input", () => {
    const [m, k, n] = [6, 6, 6];
    const { a, b, ref } = getCase([m, k, n]);
    const out = new Float32Array(m * n).fill(123);
    expect(matmulF32(a, b, m, k, n, false, false, out)).toBe(out);
    expect(maxRelativeError(out, ref)).toBeLessThan(1e-5);

    const aliased = a.slice();
    matmulF32(aliased, b, m, k, n, false, false, aliased);
    expect(maxRelativeError(aliased, ref)).toBeLessThan(1e-5);
  });

  it("handles empty dimensions", () => {
    expect(matmulF32(new Float32Array(0), new Float32Array(0), 3, 0, 4)).toEqual(new Float32Array(12));
    expect(matmulF32(new Float32Array(0), new Float32Array(20), 0, 5, 4)).toEqual(new Float32Array(0));
    const stale = new Float32Array(6).fill(7);
    expect(matmulF32(new Float32Array(0), new Float32Array(0), 2, 0, 3, true, true, stale)).toEqual(new Float32Array(6));
  });

  it("propagates NaN and Infinity only into the rows and columns they touch", () => {
    const [m, k, n] = [5, 6, 9];
    const a = new Float32Array(m * k).fill(1);
    const b = new Float32Array(k * n).fill(1);
    a[2 * k + 3] = NaN; // row 2 of A
    b[1 * n + 7] = Infinity; // column 7 of B
    const c = matmulF32(a, b, m, k, n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const v = c[i * n + j]!;
        if (i === 2) expect(v).toBeNaN();
        else if (j === 7) expect(v).toBe(Infinity);
        else expect(v).toBe(k);
      }
    }
  });

  it("rejects arrays whose length does not match the shape, naming both sizes", () => {
    const a = new Float32Array(6);
    const b = new Float32Array(12);
    expect(() => matmulF32(a, b, 2, 3, 4)).not.toThrow();
    expect(() => matmulF32(new Float32Array(5), b, 2, 3, 4)).toThrow(/a must have 6 elements.*\[2, 3\].*got 5/);
    expect(() => matmulF32(new Float32Array(5), b, 2, 3, 4, true)).toThrow(/\[k, m\] = \[3, 2\].*got 5/);
    expect(() => matmulF32(a, new Float32Array(11), 2, 3, 4)).toThrow(/b must have 12 elements.*got 11/);
    expect(() => matmulF32(a, new Float32Array(11), 2, 3, 4, false, true)).toThrow(/\[n, k\] = \[4, 3\]/);
    expect(() => matmulF32(a, b, 2, 3, 4, false, false, new Float32Array(7))).toThrow(
      /out must have 8 elements.*got 7/,
    );
    expect(() => matmulF32(a, b, 2, 3.5, 4)).toThrow(/k must be a non-negative integer/);
    expect(() => matmulF32(a, b, -2, 3, 4)).toThrow(/m must be a non-negative integer/);
  });
});

describe("wasm matmul on worker threads (prototype)", () => {
  // Three threads even on a two-core machine, and no size threshold, so
  // ragged splits and several workers are exercised on small shapes too.
  let parallel: ReturnType<typeof createParallelWasmMatmul>;
  let serial: ReturnType<typeof createWasmMatmul>;
  beforeAll(() => {
    parallel = createParallelWasmMatmul({ threads: 3, minParallelFlops: 0, relaxedSimd: false });
    serial = createWasmMatmul({ relaxedSimd: false });
  });
  afterAll(() => parallel.close());

  const shapes: Shape[] = [[1, 1, 1], [7, 13, 5], [33, 65, 17], [5, 40, 100], [100, 40, 5], [64, 784, 128], [784, 64, 128], [512, 512, 512]];
  for (const shape of shapes) {
    for (const { transposeA, transposeB, name } of VARIANTS) {
      it(`${shape.join("×")} ${name} equals the single-threaded kernels bit for bit`, () => {
        const bound = (mm: { matmulF32: MatmulFn }): MatmulFn => mm.matmulF32.bind(mm);
        const expected = runVariant(shape, transposeA, transposeB, bound(serial));
        const actual = runVariant(shape, transposeA, transposeB, bound(parallel));
        expect(maxRelativeError(actual, getCase(shape).ref)).toBeLessThan(1e-5);
        expect(Array.from(actual)).toEqual(Array.from(expected));
      });
    }
  }

  it("validates arguments like matmulF32", () => {
    expect(() => parallel.matmulF32(new Float32Array(5), new Float32Array(12), 2, 3, 4)).toThrow(/a must have 6 elements/);
  });
});

describe("relaxed-SIMD (FMA) build", () => {
  // Node 20's V8 accepts relaxed SIMD only behind a flag; newer engines ship
  // it. Flipping the flag at run time affects only modules compiled later.
  // It happens in beforeAll, i.e. after the tests above ran, so on Node 20
  // those exercised the plain SIMD128 build that users of Node 20 get.
  let relaxed: ReturnType<typeof createWasmMatmul> | undefined;
  beforeAll(() => {
    setFlagsFromString("--experimental-wasm-relaxed-simd");
    try {
      relaxed = createWasmMatmul({ relaxedSimd: true });
    } catch {
      relaxed = undefined;
    }
  });

  it("is accepted by this Node (natively, or with --experimental-wasm-relaxed-simd on Node 20)", () => {
    expect(relaxed?.relaxedSimd).toBe(true);
  });

  const shapes: Shape[] = [[1, 1, 1], [7, 13, 5], [33, 600, 17], [64, 784, 128], [784, 64, 128], [512, 512, 512]];
  for (const shape of shapes) {
    for (const { transposeA, transposeB, name } of VARIANTS) {
      it(`${shape.join("×")} ${name} matches the float64 reference`, (ctx) => {
        if (relaxed === undefined) ctx.skip("relaxed SIMD unsupported");
        const c = runVariant(shape, transposeA, transposeB, relaxed!.matmulF32.bind(relaxed));
        expect(maxRelativeError(c, getCase(shape).ref)).toBeLessThan(1e-5);
      });
    }
  }
});

describe("float32 products do not depend on the batch they are computed in", () => {
  it("each row of x·w is the same alone, in a batch of 3, and in a batch of 64", async () => {
    const gt = await import("../../src/index.js");
    const x = gt.randomNormal([64, 37], { seed: 11 });
    const w = gt.randomNormal([37, 10], { seed: 12 });
    const full = gt.matmul(x, w).data();
    for (const [start, size] of [[0, 1], [5, 3], [63, 1]]) {
      const part = gt.matmul(x.slice([start, 0], [size, -1]), w).data();
      expect(Array.from(part)).toEqual(Array.from(full.subarray(start * 10, (start + size) * 10)));
    }
  });
});

describe("elementwise WebAssembly kernels match the TypeScript path bit for bit", () => {
  it("momentum SGD: every combination of first step, dampening, Nesterov and weight decay, odd lengths", async () => {
    const gt = await import("../../src/index.js");
    const rnd = (n: number, seed: number) => gt.randomNormal([n], { seed }).data() as Float32Array;
    for (const n of [1024, 1027, 5001]) {
      const w = rnd(n, 1), g = rnd(n, 2), v = rnd(n, 3);
      for (const velocity of [undefined, v]) {
        for (const hp of [
          { learningRate: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 },
          { learningRate: 0.05, momentum: 0.8, dampening: 0.3, nesterov: false, weightDecay: 1e-3 },
          { learningRate: 0.01, momentum: 0.95, dampening: 0, nesterov: true, weightDecay: 0.02 },
        ]) {
          gt.setBackend("wasm");
          const fast = gt.optim.sgdUpdate(w, g, velocity, hp);
          gt.setBackend("js");
          const slow = gt.optim.sgdUpdate(w, g, velocity, hp);
          gt.setBackend("wasm");
          expect(fast.weight).toBeInstanceOf(Float32Array);
          expect(Array.from(fast.weight)).toEqual(Array.from(slow.weight));
          expect(Array.from(fast.velocity!)).toEqual(Array.from(slow.velocity!));
          expect(Array.from(fast.weight)).not.toEqual(Array.from(w));
        }
      }
    }
  });
  it("the non-finite scan finds a single NaN or Infinity anywhere, and none in finite data", async () => {
    const gt = await import("../../src/index.js");
    const x = gt.randomNormal([4099], { seed: 4 }).data() as Float32Array;
    const v = gt.variable(gt.tensor(x));
    expect(gt.optim.nonFiniteGradients([[gt.tensor(x), v]])).toEqual([]);
    for (const [at, bad] of [[0, NaN], [4098, Infinity], [2049, -Infinity]] as const) {
      const y = x.slice();
      y[at] = bad;
      expect(gt.optim.nonFiniteGradients([[gt.tensor(y), v]])).toEqual([v.name]);
    }
  });
});
