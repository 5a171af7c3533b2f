// Tensors: creation, dtype rules, views, printing, and seeded randomness.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

describe("creation", () => {
  it("reads numbers, nested arrays, flat arrays with a shape, and typed arrays", () => {
    expect(gt.tensor(3).shape).toEqual([]);
    expect(gt.tensor(3).toArray()).toBe(3);
    const m = gt.tensor([[1, 2, 3], [4, 5, 6]]);
    expect([m.shape, m.dtype, m.rank, m.size]).toEqual([[2, 3], "float32", 2, 6]);
    expect(gt.tensor([1, 2, 3, 4], [2, 2]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(gt.tensor(new Float64Array([1.5])).dtype).toBe("float64");
    expect(gt.tensor(new Int32Array([7])).dtype).toBe("int32");
    expect(gt.tensor([0.1]).data()[0]).toBe(Math.fround(0.1));
    expect(gt.tensor([0.1], undefined, "float64").data()[0]).toBe(0.1);
  });
  it("zeros, ones, fill, and data() returns a copy the caller owns", () => {
    expect(Array.from(gt.zeros([2]).data())).toEqual([0, 0]);
    expect(Array.from(gt.ones([2], "int32").data())).toEqual([1, 1]);
    const t = gt.fill([3], 2.5);
    const d = t.data();
    d[0] = 99;
    expect(Array.from(t.data())).toEqual([2.5, 2.5, 2.5]);
  });
  it("the same seed gives the same numbers; different seeds differ; statistics are right", () => {
    const a = gt.randomNormal([1000], { seed: 42, mean: 1, stddev: 2 });
    const b = gt.randomNormal([1000], { seed: 42, mean: 1, stddev: 2 });
    const c = gt.randomNormal([1000], { seed: 43, mean: 1, stddev: 2 });
    expect(a.data()).toEqual(b.data());
    expect(a.data()).not.toEqual(c.data());
    const m = a.mean().item();
    const sd = Math.sqrt(a.sub(m).square().mean().item());
    expect(Math.abs(m - 1)).toBeLessThan(0.2);
    expect(Math.abs(sd - 2)).toBeLessThan(0.2);
    const u = gt.randomUniform([1000], { minval: -3, maxval: 5, seed: 1 });
    expect(u.min().item()).toBeGreaterThanOrEqual(-3);
    expect(u.max().item()).toBeLessThan(5);
    const ints = gt.randomUniform([200], { minval: 0, maxval: 10, seed: 1, dtype: "int32" });
    expect(Array.from(ints.data()).every((v) => Number.isInteger(v) && v >= 0 && v < 10)).toBe(true);
  });
  it("setRandomSeed makes unseeded draws repeatable", () => {
    gt.setRandomSeed(7);
    const a = gt.randomUniform([5]).data();
    gt.setRandomSeed(7);
    expect(gt.randomUniform([5]).data()).toEqual(a);
  });
});

describe("views share memory and read correctly", () => {
  it("transpose and slice are views; ops on them read through strides", () => {
    const x = gt.tensor([[1, 2, 3], [4, 5, 6]]);
    const t = x.transpose();
    expect(t.buffer).toBe(x.buffer);
    expect(t.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    const s = x.slice([0, 1], [2, 2]);
    expect(s.buffer).toBe(x.buffer);
    expect(s.toArray()).toEqual([[2, 3], [5, 6]]);
    expect(s.add(t.slice([1, 0], [2, 2])).toArray()).toEqual([[4, 8], [8, 12]]);
    expect(x.broadcastTo([2, 2, 3]).toArray()).toEqual([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [4, 5, 6]]]);
  });
  it("large strided views (through ndarray-ops) match small ones element by element", () => {
    const n = 150;
    const x = gt.randomNormal([n, n], { seed: 5 });
    const xt = x.transpose().add(0).data();
    const src = x.data();
    let ok = true;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (xt[i * n + j] !== src[j * n + i]) ok = false;
    expect(ok).toBe(true);
    const col = gt.randomNormal([n, 1], { seed: 6 });
    const row = gt.randomNormal([1, n], { seed: 7 });
    const outer = col.mul(row).data();
    const c = col.data();
    const r = row.data();
    expect(outer[3 * n + 7]).toBe(Math.fround(c[3] * r[7]));
    expect(outer[(n - 1) * n + (n - 2)]).toBe(Math.fround(c[n - 1] * r[n - 2]));
  });
});

describe("dtype rules", () => {
  it("plain numbers take the other operand's dtype; a non-integer with int32 promotes to float32", () => {
    const i = gt.tensor([1, 2], undefined, "int32");
    expect(i.add(1).dtype).toBe("int32");
    expect(i.mul(0.5).dtype).toBe("float32");
    expect(Array.from(i.mul(0.5).data())).toEqual([0.5, 1]);
    expect(gt.tensor([1], undefined, "float64").add(1).dtype).toBe("float64");
  });
  it("int32 meets a float: the int side converts; real-valued ops compute int32 as float32", () => {
    const i = gt.tensor([1, 2], undefined, "int32");
    expect(i.add(gt.tensor([0.5, 0.5], undefined, "float64")).dtype).toBe("float64");
    expect(Array.from(i.div(2).data())).toEqual([0.5, 1]);
    expect(i.exp().dtype).toBe("float32");
    expect(i.mean().item()).toBe(1.5);
  });
  it("cast truncates toward zero into int32 and converts between floats", () => {
    expect(Array.from(gt.tensor([1.7, -1.7]).cast("int32").data())).toEqual([1, -1]);
    expect(gt.tensor([0.1], undefined, "float64").cast("float32").data()[0]).toBe(Math.fround(0.1));
  });
});

describe("printing", () => {
  it("toString shows dtype, shape and values, eliding the middle of large tensors", () => {
    expect(gt.tensor([[1, 2], [3, 4]]).toString()).toBe("Tensor float32 [2, 2]\n[[1, 2],\n [3, 4]]");
    expect(gt.tensor([0.5, 0.25], undefined, "float64").toString()).toBe("Tensor float64 [2]\n[0.5, 0.25]");
    const big = gt.zeros([2000]).toString();
    expect(big).toBe("Tensor float32 [2000]\n[0, 0, 0, ..., 0, 0, 0]");
    expect(gt.tensor(7, undefined, "int32").toString()).toBe("Tensor int32 []\n7");
  });
});
