// logSumExp and prod against loops written here, their gradients (second order too) against
// finite differences in float64, including the points where a naive formula breaks.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { expectGradient, firstGradient, iota, normal } from "./helpers.js";

const f64 = (v: number[] | number[][]) => gt.tensor(v, undefined, "float64");

describe("logSumExp", () => {
  it("equals log(sum(exp(x))) over the axes asked", () => {
    const x = normal([3, 4]);
    const rows = x.toArray() as number[][];
    const want = rows.map((r) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0)));
    gt.logSumExp(x, 1).data().forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
    expect(gt.logSumExp(x).item()).toBeCloseTo(Math.log(rows.flat().reduce((s, v) => s + Math.exp(v), 0)), 12);
    expect(x.logSumExp(0, true).shape).toEqual([1, 4]);
    expect(gt.logSumExp(x, [0, 1], true).shape).toEqual([1, 1]);
  });
  it("stays finite and exact for large and −∞ logits", () => {
    expect(gt.logSumExp(f64([1000, 1000])).item()).toBeCloseTo(1000 + Math.LN2, 10);
    expect(gt.logSumExp(f64([-1000, -1000])).item()).toBeCloseTo(-1000 + Math.LN2, 10);
    expect(gt.logSumExp(gt.tensor([1e4, 0])).item()).toBe(1e4);
    expect(Array.from(gt.logSumExp(f64([[-Infinity, -Infinity], [0, -Infinity]]), 1).data())).toEqual([-Infinity, 0]);
    expect(gt.logSumExp(gt.zeros([2, 0]), 1).toArray()).toEqual([-Infinity, -Infinity]);
  });
  it("has softmax as its gradient, and a checked second order", () => {
    const x = normal([3, 5]);
    expectGradient((t) => gt.logSumExp(t, -1), [x]);
    expectGradient((t) => gt.logSumExp(t, [0, 1]), [x]);
    expectGradient(firstGradient((t) => gt.logSumExp(t, 1, true)), [x]);
    expectGradient(firstGradient((t) => gt.logSumExp(t.add(1000), 0)), [x]);
    const tape = new gt.GradientTape();
    const big = f64([1000, 1001, 999]);
    tape.watch(big);
    const y = tape.record(() => gt.logSumExp(big));
    const g = tape.gradient(y, big).data();
    Array.from(gt.softmax(big).data()).forEach((p, i) => expect(g[i]).toBeCloseTo(p, 14));
  });
  it("refuses an axis out of range", () => {
    expect(() => gt.logSumExp(gt.ones([2, 3]), 2)).toThrow("logSumExp: axis 2 is out of range for a tensor of rank 2; valid axes: [-2, 1]");
  });
});

describe("prod", () => {
  it("multiplies over the axes asked, as a loop does", () => {
    const x = iota([2, 3, 5], 1).div(4);
    const v = x.toArray() as number[][][];
    const over1 = v.map((plane) => plane[0].map((_, k) => plane.reduce((p, row) => p * row[k], 1)));
    gt.prod(x, 1).data().forEach((p, i) => expect(p).toBeCloseTo(over1.flat()[i], 4));
    const over02 = v[0].map((_, j) => v.reduce((p, plane) => p * plane[j].reduce((q, e) => q * e, 1), 1));
    gt.prod(x, [0, 2]).data().forEach((p, i) => expect(p / over02[i]).toBeCloseTo(1, 5));
    expect(gt.prod(gt.tensor([[1, 2], [3, 4]]), 1).toArray()).toEqual([2, 12]);
    expect(gt.prod(gt.tensor([1, 2, 3, 4, 5, 6, 7]), 0, true).toArray()).toEqual([5040]);
    expect(gt.prod(gt.tensor([2, 3], undefined, "int32")).toArray()).toEqual(6);
    expect(gt.prod(gt.tensor(3)).item()).toBe(3);
    expect(gt.prod(gt.zeros([2, 0]), 1).toArray()).toEqual([1, 1]);
    expect(iota([2, 3]).prod(-1, true).shape).toEqual([2, 1]);
  });
  it("has the gradient ∏_{j≠i} x_j, also where elements are 0", () => {
    expectGradient((t) => gt.prod(t, 1), [normal([3, 5])]);
    expectGradient((t) => gt.prod(t), [normal([7])]);
    expectGradient((t) => gt.prod(t, [0, 2]), [normal([2, 3, 2])]);
    const zeros = f64([[0, 2, 3, -1.5], [0, 0, 2, 1], [1.5, 2, -0.5, 3]]);
    expectGradient((t) => gt.prod(t, 1), [zeros]);
    const tape = new gt.GradientTape();
    tape.watch(zeros);
    const y = tape.record(() => gt.prod(zeros, 1).sum());
    expect(tape.gradient(y, zeros).toArray()).toEqual([[-9, 0, 0, 0], [0, 0, 0, 0], [-3, -2.25, 9, -1.5]]);
  });
  it("has a checked second order, zeros included", () => {
    expectGradient(firstGradient((t) => gt.prod(t, 1)), [normal([2, 5])]);
    expectGradient(firstGradient((t) => gt.prod(t, 1)), [f64([[0, 2, 3, -1.5], [0, 0, 2, 1]])]);
  });
  it("refuses an axis out of range", () => {
    expect(() => gt.prod(gt.ones([2, 3]), [0, 0])).toThrow("prod: axis [0,0] names the same axis twice");
    expect(() => gt.prod(gt.ones([2]), 1)).toThrow("prod: axis 1 is out of range for a tensor of rank 1; valid axes: [-1, 0]");
  });
});
