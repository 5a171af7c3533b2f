// Forward values of every op against naive references written in the test, so that a kernel
// whose gradient agrees with itself but computes the wrong function still fails.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { broadcastRef, maxError } from "../helpers/reference.js";

const shapes: [number[], number[]][] = [[[3, 4], [3, 4]], [[3, 4], [4]], [[3, 1], [1, 4]], [[], [3, 4]], [[2, 3, 4], [3, 1]], [[100, 100], [100]], [[120, 1, 80], [1, 90, 80]]];

describe("binary ops match a naive broadcasting reference", () => {
  const ops: [string, (a: gt.Tensor, b: gt.Tensor) => gt.Tensor, (x: number, y: number) => number][] = [
    ["add", gt.add, (x, y) => x + y],
    ["sub", gt.sub, (x, y) => x - y],
    ["mul", gt.mul, (x, y) => x * y],
    ["div", gt.div, (x, y) => x / y],
    ["maximum", gt.maximum, Math.max],
    ["minimum", gt.minimum, Math.min],
    ["pow", (a, b) => gt.pow(a.abs(), b), (x, y) => Math.pow(Math.abs(x), y)],
    ["greater", gt.greater, (x, y) => (x > y ? 1 : 0)],
    ["equal", (a, b) => gt.equal(a.sign(), b.sign()), (x, y) => (Math.sign(x) === Math.sign(y) ? 1 : 0)],
  ];
  for (const [name, op, ref] of ops) {
    it(name, () => {
      for (const [sa, sb] of shapes) {
        const a = gt.randomNormal(sa, { seed: 1, dtype: "float64" });
        const b = gt.randomNormal(sb, { seed: 2, dtype: "float64" });
        const expected = broadcastRef(a.data(), sa, b.data(), sb, ref);
        const got = op(a, b);
        expect(got.shape).toEqual(expected.shape);
        expect(maxError(got.data(), expected.values)).toBeLessThan(1e-12);
        const swapped = op(b, a);
        expect(maxError(swapped.data(), broadcastRef(b.data(), sb, a.data(), sa, ref).values)).toBeLessThan(1e-12);
      }
    });
  }
});

describe("maximum and minimum of signed zeros and NaN, in every kernel layout", () => {
  // +0 is the larger zero (IEEE 754's maximum and minimum, Math.max, TF.js), whichever operand
  // holds it; NaN wins. Each pair of shapes reaches another loop: same shape, a scalar, a row
  // broadcast, a small strided broadcast, and a large one (ndarray-ops, past 8,192 elements).
  const layouts: [number[], number[]][] = [[[4], [4]], [[4], []], [[], [4]], [[3, 4], [4]], [[4], [3, 4]], [[3, 1], [1, 4]], [[128, 1, 64], [1, 128, 1]]];
  const sign = (v: number) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : Object.is(v, 0) ? "+0" : String(v));
  const signs = (t: gt.Tensor) => [...new Set(Array.from(t.data(), sign))];
  for (const [sa, sb] of layouts) {
    it(`[${sa}] with [${sb}]`, () => {
      for (const dtype of ["float32", "float64"] as const) {
        const neg = gt.fill(sa, -0, dtype), pos = gt.fill(sb, 0, dtype);
        expect(signs(neg)).toEqual(["-0"]);
        const negB = gt.fill(sb, -0, dtype), posA = gt.fill(sa, 0, dtype);
        expect(signs(gt.maximum(neg, pos))).toEqual(["+0"]);
        expect(signs(gt.maximum(posA, negB))).toEqual(["+0"]);
        expect(signs(gt.minimum(neg, pos))).toEqual(["-0"]);
        expect(signs(gt.minimum(posA, negB))).toEqual(["-0"]);
        expect(signs(gt.maximum(gt.fill(sa, NaN, dtype), pos))).toEqual(["NaN"]);
        expect(signs(gt.minimum(neg, gt.fill(sb, NaN, dtype)))).toEqual(["NaN"]);
      }
    });
  }
});

describe("unary ops match Math", () => {
  const x = gt.tensor([-3, -0.5, 0, 0.25, 2, 40], undefined, "float64");
  const v = Array.from(x.data());
  const cases: [string, gt.Tensor, (t: number) => number][] = [
    ["neg", x.neg(), (t) => -t],
    ["square", x.square(), (t) => t * t],
    ["abs", x.abs(), Math.abs],
    ["exp", x.exp(), Math.exp],
    ["sqrt", x.abs().sqrt(), (t) => Math.sqrt(Math.abs(t))],
    ["log", x.abs().add(1).log(), (t) => Math.log(Math.abs(t) + 1)],
    ["relu", x.relu(), (t) => Math.max(t, 0)],
    ["leakyRelu", x.leakyRelu(), (t) => (t < 0 ? 0.2 * t : t)],
    ["sigmoid", x.sigmoid(), (t) => 1 / (1 + Math.exp(-t))],
    ["tanh", x.tanh(), Math.tanh],
    ["clipByValue", x.clipByValue(-1, 1), (t) => Math.min(1, Math.max(-1, t))],
    ["pow 3", x.pow(3), (t) => t ** 3],
    ["sign", x.sign(), Math.sign],
  ];
  for (const [name, got, ref] of cases) {
    it(name, () => expect(maxError(got.data(), v.map(ref))).toBeLessThan(1e-14));
  }
});

describe("reductions", () => {
  const x = gt.tensor([[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], [[-1, -2, -3, -4], [0, 0, 0, 100], [1, 1, 1, 1]]]);
  it("sum over each axis, with and without keepDims", () => {
    expect(x.sum().item()).toBe(172);
    expect(x.sum(0).toArray()).toEqual([[0, 0, 0, 0], [5, 6, 7, 108], [10, 11, 12, 13]]);
    expect(x.sum(1).toArray()).toEqual([[15, 18, 21, 24], [0, -1, -2, 97]]);
    expect(x.sum(-1).toArray()).toEqual([[10, 26, 42], [-10, 100, 4]]);
    expect(x.sum([0, 2]).toArray()).toEqual([0, 126, 46]);
    expect(x.sum([0, 2], true).shape).toEqual([1, 3, 1]);
    expect(x.sum(1, true).shape).toEqual([2, 1, 4]);
  });
  it("mean, max, min and argMax", () => {
    expect(x.mean(2).toArray()).toEqual([[2.5, 6.5, 10.5], [-2.5, 25, 1]]);
    expect(x.max(2).toArray()).toEqual([[4, 8, 12], [-1, 100, 1]]);
    expect(x.max([0, 1]).toArray()).toEqual([9, 10, 11, 100]);
    expect(x.min(0).toArray()).toEqual([[-1, -2, -3, -4], [0, 0, 0, 8], [1, 1, 1, 1]]);
    expect(x.argMax(-1).toArray()).toEqual([[3, 3, 3], [0, 3, 0]]);
    expect(x.argMax(1).toArray()).toEqual([[2, 2, 2, 2], [2, 2, 2, 1]]);
  });
  it("float32 sums accumulate in float64: a million 0.1s sum to 100000 within float32 rounding", () => {
    expect(gt.fill([1_000_000], 0.1).sum().item()).toBe(Math.fround(Math.fround(0.1) * 1_000_000));
  });
  it("max propagates NaN", () => {
    expect(gt.tensor([1, NaN, 3]).max().item()).toBeNaN();
  });
});

describe("matmul against a naive triple loop, every transpose layout and odd sizes", () => {
  const naive = (a: Float64Array, b: Float64Array, m: number, k: number, n: number) => {
    const c = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
    return c;
  };
  for (const [m, k, n] of [[1, 1, 1], [7, 13, 5], [33, 65, 17], [64, 100, 10]]) {
    it(`${m}×${k}×${n}`, () => {
      const a = gt.randomNormal([m, k], { seed: m, dtype: "float64" });
      const b = gt.randomNormal([k, n], { seed: n, dtype: "float64" });
      const ref = naive(a.data() as Float64Array, b.data() as Float64Array, m, k, n);
      const at = a.transpose().add(0);
      const bt = b.transpose().add(0);
      expect(maxError(gt.matmul(a, b).data(), ref)).toBeLessThan(1e-12);
      expect(maxError(gt.matmul(at, b, true).data(), ref)).toBeLessThan(1e-12);
      expect(maxError(gt.matmul(a, bt, false, true).data(), ref)).toBeLessThan(1e-12);
      expect(maxError(gt.matmul(at, bt, true, true).data(), ref)).toBeLessThan(1e-12);
      expect(maxError(gt.matmul(at.transpose(), bt.transpose()).data(), ref)).toBeLessThan(1e-12);
      const f32 = gt.matmul(a.cast("float32"), b.cast("float32"));
      expect(f32.dtype).toBe("float32");
      expect(maxError(f32.data(), ref)).toBeLessThan(1e-5);
    });
  }
});

describe("softmax, shape ops and selection", () => {
  it("softmax and logSoftmax", () => {
    const x = gt.tensor([[1, 2, 3], [0, 0, 0]], undefined, "float64");
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0] + e[1] + e[2];
    expect(maxError(x.softmax().data(), [...e.map((v) => v / s), 1 / 3, 1 / 3, 1 / 3])).toBeLessThan(1e-15);
    expect(maxError(x.logSoftmax().data(), [...[1, 2, 3].map((v) => v - Math.log(s)), ...Array(3).fill(-Math.log(3))])).toBeLessThan(1e-15);
    const col = [1, 2, 3].map((v) => 1 / (1 + Math.exp(-v)));
    expect(maxError(x.softmax(0).data(), [...col, ...col.map((c) => 1 - c)])).toBeLessThan(1e-15);
  });
  it("reshape with -1, expandDims, squeeze, concat, pad, gather, unsortedSegmentSum, oneHot", () => {
    const x = gt.tensor([1, 2, 3, 4, 5, 6]);
    expect(x.reshape([-1, 3]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(x.reshape([2, 3]).transpose().reshape([6]).toArray()).toEqual([1, 4, 2, 5, 3, 6]);
    expect(x.expandDims(0).shape).toEqual([1, 6]);
    expect(x.reshape([1, 6, 1]).squeeze().shape).toEqual([6]);
    expect(gt.concat([gt.tensor([[1], [2]]), gt.tensor([[3, 4], [5, 6]])], 1).toArray()).toEqual([[1, 3, 4], [2, 5, 6]]);
    expect(gt.pad(gt.tensor([[1]]), [[1, 0], [0, 2]]).toArray()).toEqual([[0, 0, 0], [1, 0, 0]]);
    const m = x.reshape([3, 2]);
    expect(m.gather(gt.tensor([2, 0, 2], undefined, "int32")).toArray()).toEqual([[5, 6], [1, 2], [5, 6]]);
    expect(m.gather([1], 1).toArray()).toEqual([[2], [4], [6]]);
    expect(gt.unsortedSegmentSum(m, [1, 1, 0], 2).toArray()).toEqual([[5, 6], [4, 6]]);
    expect(gt.oneHot(gt.tensor([0, 2], undefined, "int32"), 3).toArray()).toEqual([[1, 0, 0], [0, 0, 1]]);
  });
});
