// norm against formulas written out here, for every order over one axis, all axes and two axes,
// with gradients against finite differences in float64 and the gradient at 0.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";
import { expectGradient, firstGradient, normal } from "./helpers.js";

const f64 = (v: number[] | number[][]) => gt.tensor(v, undefined, "float64");
/** Values at least 0.1 away from zero, so that |x| has no kink within the finite differences' reach. */
const awayFromZero = (shape: number[]) => {
  const x = normal(shape);
  return x.add(x.sign().mul(0.1));
};

describe("norm: vectors", () => {
  const v = gt.tensor([3, -4, 12]);
  it("gives each order's value", () => {
    expect(gt.norm(v).item()).toBeCloseTo(13, 5);
    expect(gt.norm(v, "fro").item()).toBeCloseTo(13, 5);
    expect(gt.norm(v, 2).item()).toBeCloseTo(13, 5);
    expect(gt.norm(v, 1).item()).toBe(19);
    expect(gt.norm(v, Infinity).item()).toBe(12);
    expect(gt.norm(v, -Infinity).item()).toBe(3);
    expect(v.norm("euclidean", 0, true).shape).toEqual([1]);
  });
  it("reads x as one vector without an axis, and reduces one axis when given", () => {
    const x = normal([3, 4]);
    const rows = x.toArray() as number[][];
    expect(gt.norm(x).item()).toBeCloseTo(Math.hypot(...rows.flat()), 12);
    expect(gt.norm(x, 1).item()).toBeCloseTo(rows.flat().reduce((s, e) => s + Math.abs(e), 0), 12);
    gt.norm(x, "euclidean", 1).data().forEach((n, i) => expect(n).toBeCloseTo(Math.hypot(...rows[i]), 12));
    gt.norm(x, Infinity, -1).data().forEach((n, i) => expect(n).toBe(Math.max(...rows[i].map(Math.abs))));
    gt.norm(x, -Infinity, [0]).data().forEach((n, j) => expect(n).toBe(Math.min(...rows.map((r) => Math.abs(r[j])))));
    expect(gt.norm(x, 2, 0, true).shape).toEqual([1, 4]);
  });
  it("sums squares without overflow for float32 values near its limit", () => {
    expect(gt.norm(gt.tensor([3e30, 4e30])).item()).toBeCloseTo(5e30, -25);
  });
  it("has checked gradients for every order, and a second order for the euclidean norm", () => {
    const x = awayFromZero([3, 4]);
    for (const ord of ["euclidean", 1, Infinity, -Infinity] as const) {
      expectGradient((t) => gt.norm(t, ord, 1), [x]);
      expectGradient((t) => gt.norm(t, ord), [x]);
    }
    expectGradient(firstGradient((t) => gt.norm(t, "euclidean", 1)), [x]);
  });
  it("has gradient 0, not NaN, at the zero vector", () => {
    const z = f64([[0, 0, 0], [3, 0, -4]]);
    for (const ord of ["euclidean", 1, Infinity, -Infinity] as const) {
      const tape = new gt.GradientTape();
      tape.watch(z);
      const y = tape.record(() => gt.norm(z, ord, 1).sum());
      const g = tape.gradient(y, z).toArray() as number[][];
      expect(g[0], String(ord)).toEqual([0, 0, 0]);
    }
    const tape = new gt.GradientTape();
    tape.watch(z);
    const y = tape.record(() => gt.norm(z, "euclidean", 1).sum());
    expect(tape.gradient(y, z).toArray()).toEqual([[0, 0, 0], [0.6, 0, -0.8]]);
  });
});

describe("norm: matrices", () => {
  const m = gt.tensor([[1, -2, 3], [-4, 5, -6]]);
  it("gives the Frobenius, 1 (largest column sum) and ±∞ (largest, smallest row sum) norms", () => {
    expect(gt.norm(m, "fro", [0, 1]).item()).toBeCloseTo(Math.sqrt(91), 5);
    expect(gt.norm(m, "euclidean", [0, 1]).item()).toBeCloseTo(Math.sqrt(91), 5);
    expect(gt.norm(m, 1, [0, 1]).item()).toBe(9);
    expect(gt.norm(m, Infinity, [0, 1]).item()).toBe(15);
    expect(gt.norm(m, -Infinity, [0, 1]).item()).toBe(6);
    expect(gt.norm(m, 1, [1, 0]).item()).toBe(15);
    expect(gt.norm(m, 1, [0, 1], true).shape).toEqual([1, 1]);
  });
  it("reduces the two axes of a batch of matrices", () => {
    const x = normal([2, 3, 4]);
    const planes = x.toArray() as number[][][];
    const colSums = planes.map((p) => p[0].map((_, j) => p.reduce((s, r) => s + Math.abs(r[j]), 0)));
    gt.norm(x, 1, [1, 2]).data().forEach((n, b) => expect(n).toBeCloseTo(Math.max(...colSums[b]), 12));
    expect(gt.norm(x, Infinity, [-2, -1], true).shape).toEqual([2, 1, 1]);
  });
  it("has checked gradients", () => {
    const x = awayFromZero([2, 3, 4]);
    for (const ord of ["fro", 1, Infinity, -Infinity] as const) expectGradient((t) => gt.norm(t, ord, [1, 2]), [x]);
  });
});

describe("norm: bad arguments", () => {
  it("refuses unknown orders, the spectral norm and orders 1, ±∞ over more than two axes", () => {
    expect(() => gt.norm(gt.ones([3]), 3)).toThrow("norm: ord must be 'euclidean', 'fro', 1, 2, Infinity or -Infinity, got 3");
    expect(() => gt.norm(gt.ones([3]), "nuc" as never)).toThrow(`norm: ord must be 'euclidean', 'fro', 1, 2, Infinity or -Infinity, got "nuc"`);
    expect(() => gt.norm(gt.ones([2, 2]), 2, [0, 1])).toThrow("norm: ord 2 over two axes is the spectral norm, which is not provided; use 'fro', 1, Infinity or -Infinity");
    expect(() => gt.norm(gt.ones([2, 2, 2]), 1, [0, 1, 2])).toThrow("norm: ord 1 needs one axis (a vector norm) or two (a matrix norm), got axis [0,1,2]");
    expect(() => gt.norm(gt.ones([2, 2]), 1, 2)).toThrow("norm: axis 2 is out of range for a tensor of rank 2");
    expect(gt.norm(gt.ones([2, 2, 2]), "euclidean", [0, 1, 2]).item()).toBeCloseTo(Math.sqrt(8), 6);
  });
});
