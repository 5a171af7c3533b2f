// The WebAssembly convolution and pooling kernels (assembly/conv.ts) against the TypeScript loops
// of src/kernels/conv/ on the same float32 data, over many geometries. Every kernel only copies,
// selects, or adds the same values in the same order, so the results must be identical bit for bit.
import { afterEach, describe, expect, it, vi } from "vitest";
import * as gt from "../../src/index.js";
import { isPointwise, windowGeometry, type Padding, type WindowGeometry } from "../../src/kernels/conv/geometry.js";
import { col2imAdd, im2col } from "../../src/kernels/conv/im2col.js";
import { avgPoolBackward, avgPoolForward, maxPoolForward, scatterAdd } from "../../src/kernels/conv/pool.js";
import { conv2dBiasActivation, conv2dBiasActivationGrads } from "../../src/kernels/conv/conv2d.js";
import { denseBackwardF32, denseForwardF32 } from "../../src/kernels/wasm/index.js";
import * as wasmConv from "../../src/kernels/wasm/conv.js";
import * as wasmPool from "../../src/kernels/wasm/pool.js";

vi.mock("../../src/kernels/wasm/conv.js", async (importOriginal) => {
  const mod = await importOriginal<typeof import("../../src/kernels/wasm/conv.js")>();
  return { ...mod, im2colF32: vi.fn(mod.im2colF32), col2imAddF32: vi.fn(mod.col2imAddF32), convForwardF32: vi.fn(mod.convForwardF32), convBackwardF32: vi.fn(mod.convBackwardF32) };
});
vi.mock("../../src/kernels/wasm/pool.js", async (importOriginal) => {
  const mod = await importOriginal<typeof import("../../src/kernels/wasm/pool.js")>();
  return { ...mod, maxPoolF32: vi.fn(mod.maxPoolF32), scatterAddF32: vi.fn(mod.scatterAddF32), avgPoolF32: vi.fn(mod.avgPoolF32), avgPoolBackwardF32: vi.fn(mod.avgPoolBackwardF32) };
});

afterEach(() => gt.setBackend("wasm"));

const bits = (a: Float32Array | Int32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const calls = (fn: unknown) => vi.mocked(fn as (...args: unknown[]) => unknown).mock.calls.length;

/** Seeded normal float32 values. */
const normal = (n: number, seed: number) => gt.randomNormal([n], { seed }).data() as Float32Array;
/** Integers in [−2, 2]: many ties for max pooling, and exact sums. */
const small = (n: number, seed: number) => gt.randomUniform([n], { seed, minval: -2, maxval: 3 }).cast("int32").cast("float32").data() as Float32Array;

/** Runs `fn` on the TypeScript loops and on WebAssembly. */
function both<T>(fn: () => T): { js: T; wasm: T } {
  gt.setBackend("js");
  const js = fn();
  gt.setBackend("wasm");
  return { js, wasm: fn() };
}

interface ConvCase { shape: [number, number, number, number]; k: [number, number]; strides: [number, number]; dilations: [number, number]; padding: Padding }

const SHAPES: [number, number, number, number][] = [[1, 7, 9, 1], [2, 8, 8, 3], [1, 11, 10, 5], [2, 9, 7, 32], [3, 6, 5, 3]];
const WINDOWS: [number, number][] = [[3, 3], [2, 3], [1, 1], [5, 4]];
const STRIDES: [number, number][] = [[1, 1], [2, 2], [3, 3], [2, 1]];
const DILATIONS: [number, number][] = [[1, 1], [2, 2], [1, 2]];
const PADDINGS: Padding[] = ["valid", "same", [[1, 2], [0, 3]], [[0, 0], [2, 1]]];

/** Every combination whose window fits its padded input (a few hundred). */
function convCases(): ConvCase[] {
  const cases: ConvCase[] = [];
  for (const shape of SHAPES) for (const k of WINDOWS) for (const strides of STRIDES) for (const dilations of DILATIONS) for (const padding of PADDINGS) {
    // Thin the product out (about one case in three) while keeping every value of every axis.
    if ((cases.length * 7 + shape[3] + k[0] * 3 + strides[1] + dilations[1] * 5 + (typeof padding === "string" ? padding.length : 9)) % 3 === 0) continue;
    try {
      windowGeometry("test", shape, k[0], k[1], strides, dilations, padding);
      cases.push({ shape, k, strides, dilations, padding });
    } catch {
      // the window does not fit: not a geometry to test
    }
  }
  return cases;
}
const CASES = convCases();
const geometry = (c: ConvCase): WindowGeometry => windowGeometry("test", c.shape, c.k[0], c.k[1], c.strides, c.dilations, c.padding);
const label = (c: ConvCase) => `x ${JSON.stringify(c.shape)}, window ${c.k}, strides ${c.strides}, dilations ${c.dilations}, padding ${JSON.stringify(c.padding)}`;

describe("im2col and col2im in WebAssembly", () => {
  it(`covers strides 1/2/3/[2,1], valid/same/explicit padding, dilation 2, channels 1/3/5/32, batch 1 (${CASES.length} geometries)`, () => {
    expect(CASES.length).toBeGreaterThan(100);
    for (const s of [1, 2, 3]) expect(CASES.some((c) => c.strides[0] === s && c.strides[1] === s)).toBe(true);
    expect(CASES.some((c) => c.strides[0] === 2 && c.strides[1] === 1)).toBe(true);
    for (const p of PADDINGS) expect(CASES.some((c) => JSON.stringify(c.padding) === JSON.stringify(p))).toBe(true);
    for (const ch of [1, 3, 5, 32]) expect(CASES.some((c) => c.shape[3] === ch && c.dilations[0] === 2)).toBe(true);
    expect(CASES.some((c) => c.shape[0] === 1)).toBe(true);
  });

  it("im2col equals the TypeScript loop bit for bit, whole batch and chunks", () => {
    const before = calls(wasmConv.im2colF32);
    for (const c of CASES) {
      const g = geometry(c);
      const x = normal(c.shape.reduce((a, b) => a * b), 1);
      const ranges: [number, number][] = [[0, g.batch], [g.batch - 1, g.batch]];
      for (const [b0, b1] of ranges) {
        const r = both(() => im2col(x, g, b0, b1, "float32") as Float32Array);
        expect(bits(r.wasm), `${label(c)}, images ${b0}…${b1}`).toEqual(bits(r.js));
      }
    }
    const pointwise = CASES.filter((c) => isPointwise(geometry(c))).length;
    expect(calls(wasmConv.im2colF32) - before).toBe(2 * (CASES.length - pointwise));
  });

  it("col2im adds onto dx exactly as the TypeScript loop does (overlapping windows add in the same order)", () => {
    for (const c of CASES) {
      const g = geometry(c);
      const rows = g.batch * g.outH * g.outW;
      const col = normal(rows * g.kH * g.kW * g.channels, 2);
      const start = normal(c.shape.reduce((a, b) => a * b), 3);
      const r = both(() => {
        const dx = start.slice();
        col2imAdd(col, dx, g, 0, g.batch);
        // A chunk of the last image alone, onto the same dx.
        const perImage = g.outH * g.outW * g.kH * g.kW * g.channels;
        col2imAdd(col.subarray((g.batch - 1) * perImage), dx, g, g.batch - 1, g.batch);
        return dx;
      });
      expect(bits(r.wasm), label(c)).toEqual(bits(r.js));
    }
  });
});

describe("conv steps with the column matrix kept in WebAssembly memory", () => {
  const activations = ["relu", "linear"] as const;
  it("forward and backward equal im2col / col2im in TypeScript around the dense kernels, bit for bit", () => {
    const before = [calls(wasmConv.convForwardF32), calls(wasmConv.convBackwardF32)];
    let n = 0;
    for (const c of CASES.filter((_, i) => i % 3 === 0)) {
      const g = geometry(c);
      const oc = 1 + (n % 6);
      const activation = activations[n++ % 2];
      const x = normal(c.shape.reduce((a, b) => a * b), 4);
      const filter = normal(g.kH * g.kW * g.channels * oc, 5);
      const bias = n % 3 === 0 ? undefined : normal(oc, 6);
      const rows = g.batch * g.outH * g.outW;
      const k = g.kH * g.kW * g.channels;
      const y = conv2dBiasActivation(x, filter, bias, g, oc, activation, "float32") as Float32Array;
      gt.setBackend("js");
      const col = im2col(x, g, 0, g.batch, "float32") as Float32Array;
      gt.setBackend("wasm");
      const expected = denseForwardF32(col, filter, bias, rows, k, oc, false, false, activation === "relu");
      expect(bits(y), label(c)).toEqual(bits(expected));

      const dy = normal(rows * oc, 7);
      const needs = { x: true, filter: true, bias: bias !== undefined };
      const got = conv2dBiasActivationGrads(dy, y, x, filter, g, oc, activation, needs, "float32");
      const ref = denseBackwardF32(dy, activation === "relu" ? y : undefined, col, filter, rows, k, oc, false, false, { a: true, b: true, bias: needs.bias });
      gt.setBackend("js");
      const dx = new Float32Array(x.length);
      col2imAdd(ref.da!, dx, g, 0, g.batch);
      gt.setBackend("wasm");
      expect(bits(got.dx as Float32Array), `dx, ${label(c)}`).toEqual(bits(dx));
      expect(bits(got.dfilter as Float32Array), `dfilter, ${label(c)}`).toEqual(bits(ref.db!));
      if (bias !== undefined) expect(bits(got.dbias as Float32Array)).toEqual(bits(ref.dbias!));
      // Only the gradient asked for.
      const onlyX = conv2dBiasActivationGrads(dy, y, x, filter, g, oc, activation, { x: true, filter: false, bias: false }, "float32");
      expect(onlyX.dfilter).toBeUndefined();
      expect(bits(onlyX.dx as Float32Array)).toEqual(bits(dx));
    }
    expect(calls(wasmConv.convForwardF32) - before[0]).toBe(n);
    expect(calls(wasmConv.convBackwardF32) - before[1]).toBe(2 * n);
  });
});

interface PoolCase { shape: [number, number, number, number]; k: [number, number]; strides: [number, number]; padding: Padding }

function poolCases(): PoolCase[] {
  const cases: PoolCase[] = [];
  for (const shape of SHAPES) for (const k of [[2, 2], [3, 3], [3, 2]] as [number, number][]) for (const strides of STRIDES) {
    for (const padding of ["valid", "same", [[1, 0], [0, 1]]] as Padding[]) {
      try {
        windowGeometry("test", shape, k[0], k[1], strides, [1, 1], padding);
        cases.push({ shape, k, strides, padding });
      } catch {
        // does not fit
      }
    }
  }
  return cases;
}
const POOLS = poolCases();
const poolGeometry = (c: PoolCase) => windowGeometry("test", c.shape, c.k[0], c.k[1], c.strides, [1, 1], c.padding);
const poolLabel = (c: PoolCase) => `x ${JSON.stringify(c.shape)}, window ${c.k}, strides ${c.strides}, padding ${JSON.stringify(c.padding)}`;

describe("pooling in WebAssembly", () => {
  it(`max pooling: the same maxima and argmax on ${POOLS.length} geometries, with ties, ±0 and NaN`, () => {
    const before = calls(wasmPool.maxPoolF32);
    for (const c of POOLS) {
      const g = poolGeometry(c);
      for (const data of [normal, small]) {
        const x = data(c.shape.reduce((a, b) => a * b), 8);
        // Signed zeros and NaNs at a few places: the first NaN of a window wins and stays.
        for (let i = 0; i < x.length; i += 7) x[i] = i % 3 === 0 ? -0 : 0;
        for (let i = 5; i < x.length; i += 23) x[i] = NaN;
        const r = both(() => maxPoolForward(x, g, "float32"));
        expect(Array.from(r.wasm.argmax), poolLabel(c)).toEqual(Array.from(r.js.argmax));
        // NaN payloads are the engine's; every NaN here is the input's, so even these agree.
        expect(bits(r.wasm.values as Float32Array), poolLabel(c)).toEqual(bits(r.js.values as Float32Array));
      }
    }
    expect(calls(wasmPool.maxPoolF32) - before).toBe(2 * POOLS.length);
  });

  it("the argmax scatter adds repeated indices in the same order", () => {
    for (const c of POOLS) {
      const g = poolGeometry(c);
      const size = c.shape.reduce((a, b) => a * b);
      gt.setBackend("js");
      const { argmax } = maxPoolForward(small(size, 9), g, "float32");
      const dy = normal(argmax.length, 10);
      const r = both(() => scatterAdd(dy, argmax, size, "float32") as Float32Array);
      expect(bits(r.wasm), poolLabel(c)).toEqual(bits(r.js));
    }
  });

  it("average pooling forward and backward: the same float64 sums and shares, rounded once", () => {
    const before = [calls(wasmPool.avgPoolF32), calls(wasmPool.avgPoolBackwardF32)];
    for (const c of POOLS) {
      const g = poolGeometry(c);
      const x = normal(c.shape.reduce((a, b) => a * b), 11);
      const fwd = both(() => avgPoolForward(x, g, "float32") as Float32Array);
      expect(bits(fwd.wasm), poolLabel(c)).toEqual(bits(fwd.js));
      const dy = normal(fwd.js.length, 12);
      const bwd = both(() => avgPoolBackward(dy, g, "float32") as Float32Array);
      expect(bits(bwd.wasm), poolLabel(c)).toEqual(bits(bwd.js));
    }
    expect(calls(wasmPool.avgPoolF32) - before[0]).toBe(POOLS.length);
    expect(calls(wasmPool.avgPoolBackwardF32) - before[1]).toBe(POOLS.length);
  });

  it("the ops agree with the float64 TypeScript path to float32 rounding", () => {
    const x = gt.randomNormal([2, 9, 11, 5], { seed: 13 });
    for (const op of [gt.maxPool, gt.avgPool] as const) {
      const f32 = op(x, 3, 2, "same");
      const f64 = op(x.cast("float64"), 3, 2, "same");
      const a = f32.data(), b = f64.data();
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(b[i])));
    }
  });
});
