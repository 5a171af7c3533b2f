// floorDiv against Math.floor(a / b) written out, in each dtype, and its place on the tape.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

describe("floorDiv", () => {
  it("rounds toward −∞, not toward 0", () => {
    expect(gt.floorDiv(gt.tensor([7, -7, 7, -7]), gt.tensor([2, 2, -2, -2])).toArray()).toEqual([3, -4, -4, 3]);
    expect(gt.floorDiv(gt.tensor([7.5, -0.5]), 0.5).toArray()).toEqual([15, -1]);
    expect(gt.tensor([[5], [-5]]).floorDiv([2, 3]).toArray()).toEqual([[2, 1], [-3, -2]]);
  });
  it("keeps int32 as int32, and divides by 0 as its dtype can", () => {
    const q = gt.floorDiv(gt.tensor([7, -7, 1], undefined, "int32"), gt.tensor([2, 2, 0], undefined, "int32"));
    expect([q.dtype, q.toArray()]).toEqual(["int32", [3, -4, 0]]);
    expect(gt.floorDiv(gt.tensor([7], undefined, "int32"), 2.5).dtype).toBe("float32");
    expect(Array.from(gt.floorDiv(gt.tensor([1, -1, 0]), 0).data())).toEqual([Infinity, -Infinity, NaN]);
  });
  it("matches Math.floor(a / b) on random float64 operands", () => {
    const a = gt.randomNormal([50], { seed: 3, dtype: "float64" }).mul(10);
    const b = gt.randomUniform([50], { minval: 0.3, maxval: 3, seed: 4, dtype: "float64" });
    const av = a.data(), bv = b.data();
    gt.floorDiv(a, b).data().forEach((v, i) => expect(v).toBe(Math.floor(av[i] / bv[i])));
  });
  it("is a constant to the tape: its inputs get no gradient through it", () => {
    const x = gt.tensor([3, 5], undefined, "float64");
    const tape = new gt.GradientTape();
    tape.watch(x);
    const y = tape.record(() => gt.floorDiv(x, 2).mul(x).sum());
    expect(tape.gradient(y, x).toArray()).toEqual([1, 2]);
  });
  it("refuses shapes that do not broadcast", () => {
    expect(() => gt.floorDiv(gt.ones([2]), gt.ones([3]))).toThrow("floorDiv: shapes [2] and [3] cannot be broadcast together");
  });
});
