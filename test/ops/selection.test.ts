// where and topk: values against loops written here, gradients against finite differences in
// float64 (second order too), and the messages for bad arguments.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { expectGradient, firstGradient, normal } from "./helpers.js";

describe("where", () => {
  it("picks a where the condition is nonzero, b elsewhere, broadcasting all three", () => {
    const c = gt.tensor([[1], [0]], undefined, "int32");
    const a = gt.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(gt.where(c, a, -1).toArray()).toEqual([[1, 2, 3], [-1, -1, -1]]);
    expect(gt.where([1, 0, 2.5], [1, 2, 3], [7, 8, 9]).toArray()).toEqual([1, 8, 3]);
    expect(gt.where(gt.greater(a, 3), a, gt.zeros([3])).toArray()).toEqual([[0, 0, 0], [4, 5, 6]]);
    expect(gt.where(1, gt.zeros([2, 1]), gt.ones([3])).shape).toEqual([2, 3]);
    expect(a.where(gt.less(a, 3), 0).toArray()).toEqual([[1, 2, 0], [0, 0, 0]]);
  });
  it("matches a loop over broadcast indices", () => {
    const c = gt.greater(normal([2, 1, 4]), 0);
    const a = normal([3, 1]);
    const b = normal([4]);
    const y = gt.where(c, a, b).data();
    const cv = c.data(), av = a.data(), bv = b.data();
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
      expect(y[(i * 3 + j) * 4 + k]).toBe(cv[i * 4 + k] ? av[j] : bv[k]);
    }
  });
  it("sends the gradient to the chosen side only, even past infinities in the other", () => {
    const c = gt.tensor([[1, 0, 1], [0, 0, 1]]);
    expectGradient((a, b) => gt.where(c, a.square(), b.mul(3)), [normal([2, 3]), normal([3])]);
    expectGradient(firstGradient((a, b) => gt.where(c, a.square().mul(b), b.exp())), [normal([2, 3]), normal([2, 3])]);
    const x = gt.tensor([0, 1, 4], undefined, "float64");
    const tape = new gt.GradientTape();
    tape.watch(x);
    // log(x) is −∞ at 0; the untaken branch must not make that gradient NaN.
    const y = tape.record(() => gt.where(gt.greater(x, 0), gt.log(gt.maximum(x, 1e-300)), 0).sum());
    expect(Array.from(tape.gradient(y, x).data())).toEqual([0, 1, 0.25]);
  });
  it("refuses shapes that do not broadcast and clashing dtypes", () => {
    expect(() => gt.where(gt.ones([2]), gt.ones([3]), 0)).toThrow("where: shapes [2] and [3] cannot be broadcast together");
    expect(() => gt.where(1, gt.ones([2]), gt.ones([2], "float64"))).toThrow("where: dtype mismatch: a is float32 and b is float64");
    expect(() => gt.where("yes" as never, 1, 0)).toThrow("where: argument 'condition' must be a tensor, a number or an array, got string yes");
  });
});

describe("topk", () => {
  /** The k largest of each row by sorting (value, position) pairs. */
  function naiveTopk(rows: number[][], k: number) {
    return rows.map((r) => r.map((v, i) => [v, i]).sort((p, q) => q[0] - p[0] || p[1] - q[1]).slice(0, k));
  }
  it("gives the k largest along the last axis, largest first, with their positions", () => {
    const x = normal([4, 7]);
    const { values, indices } = gt.topk(x, 3);
    const want = naiveTopk(x.toArray() as number[][], 3);
    expect(values.toArray()).toEqual(want.map((r) => r.map((p) => p[0])));
    expect(indices.toArray()).toEqual(want.map((r) => r.map((p) => p[1])));
    expect(indices.dtype).toBe("int32");
  });
  it("handles ties, NaN, k = 0, k = n and higher ranks", () => {
    const r = gt.topk(gt.tensor([2, 5, 2, NaN, 5]), 4);
    expect(Array.from(r.values.data())).toEqual([NaN, 5, 5, 2]);
    expect(r.indices.toArray()).toEqual([3, 1, 4, 0]);
    expect(gt.topk(gt.ones([2, 3]), 0).values.shape).toEqual([2, 0]);
    const x = normal([2, 3, 5]);
    const all = x.topk(5);
    expect(all.values.shape).toEqual([2, 3, 5]);
    const rows = x.reshape([6, 5]).toArray() as number[][];
    expect(all.values.reshape([6, 5]).toArray()).toEqual(rows.map((row) => [...row].sort((p, q) => q - p)));
    expect(gt.topk(gt.tensor([1, 9, 4])).values.toArray()).toEqual([9]);
  });
  it("sends the values' gradient back to the chosen positions", () => {
    const x = gt.tensor([[0.3, -1.2, 2.0, 0.9], [1.5, 0.1, -0.4, 0.7]], undefined, "float64");
    expectGradient((t) => gt.topk(t, 2).values.square(), [x]);
    expectGradient(firstGradient((t) => gt.topk(t, 2).values.pow(3)), [x]);
  });
  it("refuses k larger than the axis, a fractional k and a scalar", () => {
    expect(() => gt.topk(gt.ones([2, 3]), 4)).toThrow("topk: k (4) must not exceed the size of the last axis (3) of shape [2, 3]");
    expect(() => gt.topk(gt.ones([3]), 1.5)).toThrow("topk: k must be a non-negative integer, got number 1.5");
    expect(() => gt.topk(gt.tensor(1), 1)).toThrow("topk: x must have at least one dimension, got a scalar");
  });
});
