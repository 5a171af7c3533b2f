// The dense layer's WebAssembly kernels against references built from matmulF32 and TypeScript
// loops that round as the TypeScript path does: equal bit for bit, not merely close.
import { describe, expect, it } from "vitest";
import seedrandom from "seedrandom";
import * as gt from "../../src/index.js";
import { denseBackwardF32, denseForwardF32, matmulF32, type DenseNeeds } from "../../src/kernels/wasm/index.js";
import * as builds from "../../src/kernels/wasm/kernels.generated.js";

type Shape = readonly [m: number, k: number, n: number];
const LAYOUTS = [[false, false], [true, false], [false, true], [true, true]] as const;
// Row lengths n of every remainder modulo 4 (the kernels' vector width), tiny and empty sizes.
const SHAPES: Shape[] = [[1, 1, 1], [7, 13, 5], [33, 65, 17], [4, 9, 6], [3, 5, 7], [16, 32, 8], [64, 784, 128], [3, 0, 5], [0, 4, 3]];

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

function random(seed: string, length: number): Float32Array {
  const rng = seedrandom(seed);
  return Float32Array.from({ length }, () => rng() * 2 - 1);
}

/** Row-major [rows, cols] → [cols, rows]. */
function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
  return out;
}

/** The product, with both operands copied into plain [m, k] and [k, n] layouts first. */
function product(a: Float32Array, b: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean): Float32Array {
  return matmulF32(ta ? transpose(a, k, m) : a, tb ? transpose(b, n, k) : b, m, k, n);
}

/** fused.matMul's TypeScript epilogue: a double sum stored as float32, then `z < 0 ? 0 : z`. */
function epilogue(c: Float32Array, bias: Float32Array | undefined, relu: boolean, n: number): Float32Array {
  const out = c.slice();
  for (let i = 0; i < out.length; i++) {
    const z = bias === undefined ? out[i] : out[i] + bias[i % n];
    out[i] = relu && z < 0 ? 0 : z;
  }
  return out;
}

/** Column sums accumulated in float64, rows in order from the first, rounded once. */
function columnSums(x: Float32Array, m: number, n: number): Float32Array {
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) acc[j] += x[i * n + j];
  return Float32Array.from(acc);
}

/** The gradients by their definitions: dz, its column sums, dz·op(B)ᵀ and op(A)ᵀ·dz in the operands' layouts. */
function referenceBackward(dy: Float32Array, y: Float32Array | undefined, a: Float32Array, b: Float32Array, [m, k, n]: Shape, ta: boolean, tb: boolean) {
  const dz = y === undefined ? dy : dy.map((d, i) => d * (y[i] > 0 ? 1 : 0));
  const bPlain = tb ? transpose(b, n, k) : b; // [k, n]
  const aPlain = ta ? transpose(a, k, m) : a; // [m, k]
  const daPlain = matmulF32(dz, transpose(bPlain, k, n), m, n, k); // [m, k]
  const dbPlain = matmulF32(transpose(aPlain, m, k), dz, k, m, n); // [k, n]
  return {
    dbias: columnSums(dz, m, n),
    da: ta ? transpose(daPlain, m, k) : daPlain,
    db: tb ? transpose(dbPlain, k, n) : dbPlain,
  };
}

function operands([m, k, n]: Shape, seed: string) {
  const a = random(`${seed}a`, m * k);
  const b = random(`${seed}b`, k * n);
  const bias = random(`${seed}bias`, n);
  return { a, b, bias };
}

describe("denseForwardF32: product, bias and relu in one call", () => {
  for (const shape of SHAPES) {
    const [m, k, n] = shape;
    for (const [ta, tb] of LAYOUTS) {
      it(`${shape.join("×")} transposeA=${ta} transposeB=${tb}: relu and linear, with and without bias, equal the TypeScript epilogue`, () => {
        const { a, b, bias } = operands(shape, `f${shape}${ta}${tb}`);
        const c = product(a, b, m, k, n, ta, tb);
        for (const relu of [false, true]) {
          for (const withBias of [false, true]) {
            const got = denseForwardF32(a, b, withBias ? bias : undefined, m, k, n, ta, tb, relu);
            expect(bits(got)).toEqual(bits(epilogue(c, withBias ? bias : undefined, relu, n)));
          }
        }
      });
    }
  }

  it("relu zeroes exactly the values below 0, as `z < 0 ? 0 : z` does, and keeps NaN", () => {
    // a = [1] and b = v make the 1×1×n product v itself.
    const v = Float32Array.of(0, -1.5, 2.5, -1e-30, 1e-30, -Infinity, Infinity, NaN, 3);
    const got = denseForwardF32(Float32Array.of(1), v, undefined, 1, 1, v.length, false, false, true);
    expect(Array.from(got)).toEqual([0, 0, 2.5, 0, 1e-30, 0, Infinity, NaN, 3].map(Math.fround));
    const shifted = denseForwardF32(Float32Array.of(1), v, new Float32Array(v.length).fill(2), 1, 1, v.length, false, false, true);
    expect(Array.from(shifted)).toEqual([2, 0.5, 4.5, 2, 2, 0, Infinity, NaN, 5]);
  });

  it("rejects a bias that is not one value per column", () => {
    expect(() => denseForwardF32(new Float32Array(6), new Float32Array(12), new Float32Array(3), 2, 3, 4, false, false, false)).toThrow(
      "denseForwardF32: bias must have 4 elements (one per output column), got 3",
    );
    expect(() => denseForwardF32(new Float32Array(5), new Float32Array(12), undefined, 2, 3, 4, false, false, false)).toThrow("denseForwardF32: a must have 6 elements");
  });
});

describe("denseBackwardF32: relu mask, bias gradient and both products in one call", () => {
  for (const shape of SHAPES) {
    const [m, k, n] = shape;
    for (const [ta, tb] of LAYOUTS) {
      it(`${shape.join("×")} transposeA=${ta} transposeB=${tb}: every gradient equals its definition bit for bit`, () => {
        const { a, b, bias } = operands(shape, `b${shape}${ta}${tb}`);
        const dy = random(`dy${shape}`, m * n);
        for (const relu of [false, true]) {
          const y = relu ? denseForwardF32(a, b, bias, m, k, n, ta, tb, true) : undefined;
          const got = denseBackwardF32(dy, y, a, b, m, k, n, ta, tb, { a: true, b: true, bias: true });
          const ref = referenceBackward(dy, y, a, b, shape, ta, tb);
          expect(bits(got.dbias!)).toEqual(bits(ref.dbias));
          expect(bits(got.da!)).toEqual(bits(ref.da));
          expect(bits(got.db!)).toEqual(bits(ref.db));
        }
      });
    }
  }

  it("computes exactly the gradients `needs` asks for, in every combination", () => {
    const shape: Shape = [9, 6, 11];
    const [m, k, n] = shape;
    for (const [ta, tb] of LAYOUTS) {
      const { a, b, bias } = operands(shape, `needs${ta}${tb}`);
      const dy = random(`needs-dy${ta}${tb}`, m * n);
      const y = denseForwardF32(a, b, bias, m, k, n, ta, tb, true);
      const ref = referenceBackward(dy, y, a, b, shape, ta, tb);
      for (let mask = 0; mask < 8; mask++) {
        const needs: DenseNeeds = { a: (mask & 1) !== 0, b: (mask & 2) !== 0, bias: (mask & 4) !== 0 };
        const got = denseBackwardF32(dy, y, a, b, m, k, n, ta, tb, needs);
        expect(got.da === undefined ? undefined : bits(got.da)).toEqual(needs.a ? bits(ref.da) : undefined);
        expect(got.db === undefined ? undefined : bits(got.db)).toEqual(needs.b ? bits(ref.db) : undefined);
        expect(got.dbias === undefined ? undefined : bits(got.dbias)).toEqual(needs.bias ? bits(ref.dbias) : undefined);
      }
    }
  });

  it("the relu mask multiplies dy by 1 or 0 (NaN and non-positive outputs give 0), so an infinite dy under a zero output gives NaN", () => {
    const dy = Float32Array.of(-2, Infinity, -4, 5, -6);
    const y = Float32Array.of(0, NaN, 1, -1, 7);
    // m = 5, k = n = 1 and b = [1]: da is dz.
    const got = denseBackwardF32(dy, y, new Float32Array(5), Float32Array.of(1), 5, 1, 1, false, false, { a: true, b: false, bias: false });
    expect(Array.from(got.da!)).toEqual([0, NaN, -4, 0, -6]);
  });

  it("bias gradient: the same bits as the TypeScript column sums (float64, row order), where float32 sums differ", () => {
    const [m, n] = [257, 33];
    const dy = random("tall", m * n).map((x, i) => x * 10 ** ((i % 7) - 3));
    const got = denseBackwardF32(dy, undefined, new Float32Array(0), new Float32Array(0), m, 0, n, false, false, { a: false, b: false, bias: true });
    const viaSum = gt.sum(gt.tensor(dy, [m, n]), 0).data() as Float32Array;
    expect(bits(got.dbias!)).toEqual(bits(viaSum));
    expect(bits(got.dbias!)).toEqual(bits(columnSums(dy, m, n)));
    // A float32 accumulator rounds differently here, so a kernel summing in float32 would fail above.
    const f32 = new Float32Array(n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) f32[j] += dy[i * n + j];
    expect(bits(f32)).not.toEqual(bits(got.dbias!));
  });

  it("rejects a dy or y of the wrong length", () => {
    const args = [new Float32Array(6), new Float32Array(12), 2, 3, 4, false, false, { a: true, b: true, bias: true }] as const;
    expect(() => denseBackwardF32(new Float32Array(7), undefined, ...args)).toThrow("denseBackwardF32: dy must have 8 elements ([m, n] = [2, 4]), got 7");
    expect(() => denseBackwardF32(new Float32Array(8), new Float32Array(9), ...args)).toThrow("denseBackwardF32: y must have 8 elements ([m, n] = [2, 4]), got 9");
  });
});

describe("the kernel module", () => {
  it("every build stays below 4 KiB, which Chrome before 114 compiles synchronously on its main thread", () => {
    for (const [name, base64] of Object.entries(builds)) expect([name, atob(base64).length < 4096]).toEqual([name, true]);
    // The four matmul builds and the conv module (assembly/conv.ts) for a plain and a shared
    // memory, kept apart to stay below the limit.
    expect(Object.keys(builds).length).toBe(6);
  });
});
