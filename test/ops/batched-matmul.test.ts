// matmul of rank > 2 against a naive triple loop over NumPy-broadcast batch indices, for every
// transpose flag, on both backends; gradients (second order too) against finite differences.
import { afterEach, describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { expectGradient, firstGradient, normal } from "./helpers.js";

/** op(a)·op(b) by definition, reading each operand's batch slice through broadcast indices. */
function naiveMatmul(a: Tensor, b: Tensor, ta: boolean, tb: boolean): { values: number[]; shape: number[] } {
  const as = a.shape, bs = b.shape;
  const [m, k] = ta ? [as.at(-1)!, as.at(-2)!] : [as.at(-2)!, as.at(-1)!];
  const n = tb ? bs.at(-2)! : bs.at(-1)!;
  const ba = as.slice(0, -2), bb = bs.slice(0, -2);
  const rank = Math.max(ba.length, bb.length);
  const pa = [...Array(rank - ba.length).fill(1), ...ba];
  const pb = [...Array(rank - bb.length).fill(1), ...bb];
  const batch = pa.map((d, i) => Math.max(d, pb[i]));
  const av = a.data(), bv = b.data();
  const values: number[] = [];
  const count = batch.reduce((x, y) => x * y, 1);
  for (let s = 0; s < count; s++) {
    let rem = s;
    const idx = batch.map(() => 0);
    for (let d = rank - 1; d >= 0; d--) { idx[d] = rem % batch[d]; rem = Math.floor(rem / batch[d]); }
    const flat = (p: number[]) => idx.reduce((acc, i, d) => acc * p[d] + (p[d] === 1 ? 0 : i), 0);
    const oa = flat(pa) * m * k, ob = flat(pb) * k * n;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += av[oa + (ta ? p * m + i : i * k + p)] * bv[ob + (tb ? j * k + p : p * n + j)];
      values.push(sum);
    }
  }
  return { values, shape: [...batch, m, n] };
}

/** [..., r, c] with the last two axes swapped when `t`: the stored layout of an operand read transposed. */
const stored = (lead: number[], r: number, c: number, t: boolean) => [...lead, ...(t ? [c, r] : [r, c])];

const CASES: [string, number[], number[]][] = [
  ["same batch [2, 3]", [2, 3], [2, 3]],
  ["a batched, b a matrix", [4], []],
  ["a a matrix, b batched", [], [3]],
  ["[2, 1] with [3]", [2, 1], [3]],
  ["[1, 2] with [3, 1]", [1, 2], [3, 1]],
];

describe("batched matmul: forward", () => {
  const initial = gt.getBackend();
  afterEach(() => gt.setBackend(initial));
  for (const [name, la, lb] of CASES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`${name}, transposeA=${ta}, transposeB=${tb}: float64 and both float32 backends match the loop`, () => {
          const a = normal(stored(la, 3, 4, ta));
          const b = normal(stored(lb, 4, 5, tb));
          const want = naiveMatmul(a, b, ta, tb);
          const got = gt.matmul(a, b, ta, tb);
          expect(got.shape).toEqual(want.shape);
          got.data().forEach((v, i) => expect(v).toBeCloseTo(want.values[i], 12));
          for (const backend of ["js", "wasm"] as const) {
            gt.setBackend(backend);
            const a32 = a.cast("float32"), b32 = b.cast("float32");
            const w32 = naiveMatmul(a32, b32, ta, tb).values;
            const g32 = a32.matmul(b32, ta, tb);
            expect(g32.dtype).toBe("float32");
            g32.data().forEach((v, i) => expect(Math.abs(v - w32[i]), backend).toBeLessThan(1e-5));
          }
        });
      }
    }
  }
  it("leaves the rank-2 product as it was and handles empty batches", () => {
    const a = normal([3, 4]), b = normal([4, 2]);
    expect(gt.matmul(a.expandDims(0), b).reshape([3, 2]).data()).toEqual(gt.matmul(a, b).data());
    expect(gt.matmul(gt.zeros([0, 2, 3]), gt.zeros([3, 4])).shape).toEqual([0, 2, 4]);
    expect(gt.matmul(gt.zeros([2, 2, 0]), gt.zeros([2, 0, 4])).toArray()).toEqual([[[0, 0, 0, 0], [0, 0, 0, 0]], [[0, 0, 0, 0], [0, 0, 0, 0]]]);
  });
  it("reads a transposed view of a batch correctly", () => {
    const a = normal([2, 4, 3]);
    const b = normal([2, 4, 5]);
    const view = a.transpose([0, 2, 1]);
    expect(gt.matmul(view, b).data()).toEqual(gt.matmul(a, b, true, false).data());
  });
});

describe("batched matmul: gradients", () => {
  for (const [name, la, lb] of CASES) {
    it(`${name}: every transpose flag, first order`, () => {
      for (const ta of [false, true]) for (const tb of [false, true]) {
        expectGradient((a, b) => gt.matmul(a, b, ta, tb), [normal(stored(la, 2, 3, ta)), normal(stored(lb, 3, 2, tb))]);
      }
    });
  }
  it("second order, broadcast batch and transposes", () => {
    const a = normal([2, 1, 3, 4]);
    const b = normal([3, 5, 4]);
    expectGradient(firstGradient((x, y) => gt.matmul(x, y, false, true).square(), 0), [a, b]);
    expectGradient(firstGradient((x, y) => gt.matmul(x, y, false, true).square(), 1), [a, b]);
    expectGradient(firstGradient((x, y) => gt.matmul(x.tanh(), y, true, false), 0), [normal([4, 3, 2]), normal([3, 5])]);
  });
});

describe("batched matmul: bad operands", () => {
  it("names both shapes", () => {
    expect(() => gt.matmul(gt.ones([2, 3, 4]), gt.ones([2, 5, 6]))).toThrow("matmul: inner dimensions differ: a is [2, 3, 4], b is [2, 5, 6]");
    expect(() => gt.matmul(gt.ones([2, 3, 4]), gt.ones([2, 3, 6]), true, true)).toThrow("matmul: inner dimensions differ: a is [2, 3, 4] (transposed), b is [2, 3, 6] (transposed)");
    expect(() => gt.matmul(gt.ones([2, 3, 4]), gt.ones([3, 4, 5]))).toThrow("matmul: batch dimensions [2] of a [2, 3, 4] and [3] of b [3, 4, 5] do not broadcast together");
    expect(() => gt.matmul(gt.ones([4]), gt.ones([2, 4, 5]))).toThrow("matmul: both operands must be matrices or batches of matrices (rank >= 2): a is [4], b is [2, 4, 5]");
    expect(() => gt.matmul(gt.ones([2, 3, 4]), gt.ones([2, 4, 5], "float64"))).toThrow("matmul: dtype mismatch: a is float32 and b is float64");
  });
});
