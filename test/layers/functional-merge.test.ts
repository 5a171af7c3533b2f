// The merge layers: forward values against references written here, Keras' shape rules, and
// gradients against central finite differences in float64.
import { describe, expect, it } from "vitest";
import * as gt from "../../src/index.js";

const flat = (t: gt.Tensor) => Array.from(t.data());
const f64 = (values: number[][]) => gt.tensor(values, undefined, "float64");

describe("merge layers", () => {
  const a = [[1, -2, 3], [0.5, 4, -1]];
  const b = [[2, 2, -3], [1.5, -4, 0]];
  const c = [[-1, 0, 7], [2, 1, 1]];
  const zip3 = (fn: (x: number, y: number, z: number) => number) => a.flatMap((row, i) => row.map((x, j) => fn(x, b[i][j], c[i][j])));

  it("compute Keras' elementwise merges", () => {
    const xs = [f64(a), f64(b), f64(c)];
    expect(flat(gt.layers.add().apply(xs))).toEqual(zip3((x, y, z) => x + y + z));
    expect(flat(gt.layers.multiply().apply(xs))).toEqual(zip3((x, y, z) => x * y * z));
    expect(flat(gt.layers.average().apply(xs))).toEqual(zip3((x, y, z) => (x + y + z) / 3));
    expect(flat(gt.layers.maximum().apply(xs))).toEqual(zip3((x, y, z) => Math.max(x, y, z)));
    expect(flat(gt.layers.minimum().apply(xs))).toEqual(zip3((x, y, z) => Math.min(x, y, z)));
    expect(flat(gt.layers.subtract().apply([f64(a), f64(b)]))).toEqual(zip3((x, y) => x - y));
  });

  it("concatenate along the last axis by default, or the axis given", () => {
    const x = gt.tensor([[[1, 2], [3, 4]]]); // [1, 2, 2]
    const y = gt.tensor([[[5], [6]]]); // [1, 2, 1]
    expect(gt.layers.concatenate().apply([x, y]).toArray()).toEqual([[[1, 2, 5], [3, 4, 6]]]);
    expect(gt.layers.concatenate({ axis: 1 }).apply([x, x]).toArray()).toEqual([[[1, 2], [3, 4], [1, 2], [3, 4]]]);
    const p = gt.input({ shape: [4, 2] });
    const q = gt.input({ shape: [4, 3] });
    expect(gt.layers.concatenate().apply([p, q]).shape).toEqual([null, 4, 5]);
    expect(gt.layers.concatenate({ axis: -2 }).apply([p, p]).shape).toEqual([null, 8, 2]);
  });

  it("broadcast dimensions of 1, as Keras does", () => {
    const p = gt.input({ shape: [4, 1] });
    const q = gt.input({ shape: [1, 3] });
    expect(gt.layers.multiply().apply([p, q]).shape).toEqual([null, 4, 3]);
    expect(flat(gt.layers.add().apply([gt.tensor([[1], [2]]), gt.tensor([[10, 20], [30, 40]])]))).toEqual([11, 21, 32, 42]);
    expect(() => gt.layers.add({ name: "batches" }).apply([gt.ones([2, 3]), gt.ones([1, 3])])).toThrow("batches: the inputs hold different numbers of samples: input 0 has 2, input 1 has 1");
  });

  it("refuse what Keras refuses, saying what was wrong", () => {
    const p = gt.input({ shape: [3], name: "p" });
    const q = gt.input({ shape: [4], name: "q" });
    const r = gt.input({ shape: [2, 3], name: "r" });
    expect(() => gt.layers.add({ name: "one" }).apply([p])).toThrow("one: cannot be applied to the output of 'p' (shape (None, 3)): takes a list of at least 2 tensors, got 1");
    expect(() => gt.layers.subtract({ name: "sub3" }).apply([p, p, p])).toThrow(/^sub3: cannot be applied to .*\): takes a list of exactly 2 tensors \[a, b\] \(it computes a - b\), got 3$/);
    expect(() => gt.layers.maximum({ name: "mx" }).apply([p, r])).toThrow(/^mx: cannot be applied to .*\): inputs of shapes \(None, 3\), \(None, 2, 3\) cannot be merged: their ranks differ$/);
    expect(() => gt.layers.concatenate({ name: "cat" }).apply([r, gt.input({ shape: [3, 3] })])).toThrow(/^cat: cannot be applied to .*\): inputs of shapes \(None, 2, 3\), \(None, 3, 3\) cannot be joined along axis -1: input 1 differs from input 0 outside that axis$/);
    expect(() => gt.layers.concatenate({ axis: 0, name: "cat0" }).apply([p, q])).toThrow(/^cat0: cannot be applied to .*\): axis 0 is not a feature axis of inputs of shape \(None, 3\) \(axis 0 is the batch\)$/);
    expect(() => gt.layers.concatenate({ axis: 1.5 })).toThrow(/concatenate(_\d+)?: axis must be an integer, got number 1.5/);
    expect(() => gt.layers.add({ name: "single" }).apply(gt.ones([2, 3]))).toThrow("single: a merge layer takes a list of tensors, layer.apply([a, b]), got a float32 tensor of shape [2, 3]");
    expect(() => gt.layers.add({ name: "wrong" }).apply([gt.ones([2, 3]), gt.ones([2, 4])])).toThrow("wrong: inputs of shapes (None, 3), (None, 4) cannot be merged: dimension 1 is 3 in one and 4 in another (sizes must be equal or 1)");
    expect(() => gt.layers.add({ units: 3 } as never)).toThrow(/add: unknown option 'units'/);
  });

  it("send gradients to every input that match finite differences (float64)", () => {
    const xs = [f64(a), f64(b), f64(c)];
    // Weights that make every output element count differently, so a wrong gradient cannot hide in a sum.
    const w = gt.tensor([[0.3, -1.1, 0.7], [1.9, 0.2, -0.4]], undefined, "float64");
    const cases: [string, gt.layers.Layer, number][] = [
      ["add", gt.layers.add(), 3], ["subtract", gt.layers.subtract(), 2], ["multiply", gt.layers.multiply(), 3],
      ["average", gt.layers.average(), 3], ["maximum", gt.layers.maximum(), 3], ["minimum", gt.layers.minimum(), 3],
    ];
    for (const [name, layer, n] of cases) {
      const inputs = xs.slice(0, n);
      const result = gt.checkGradients((...ts) => gt.mul(layer.apply(ts), w).sum(), inputs);
      expect(result.maxRelativeError, name).toBeLessThan(1e-7);
      expect(result.analytic.every((g) => flat(g).some((v) => v !== 0)), name).toBe(true);
    }
    const cat = gt.layers.concatenate({ axis: 1 });
    const wc = gt.randomNormal([2, 6], { seed: 4, dtype: "float64" });
    const result = gt.checkGradients((p, q) => gt.mul(cat.apply([p, q]), wc).sum(), [xs[0], xs[1]]);
    expect(result.maxRelativeError).toBeLessThan(1e-7);
    // d/dq of Σ w·concat(p, q) is w's right half.
    expect(flat(result.analytic[1])).toEqual(flat(gt.slice(wc, [0, 3], [2, 3])));
  });

  it("save their options and come back from their configs", () => {
    const cat = gt.layers.concatenate({ axis: 1, name: "cat" });
    expect(cat.toJSON()).toEqual({ className: "Concatenate", config: { name: "cat", trainable: true, dtype: "float32", axis: 1 } });
    const copy = gt.layers.layerFromConfig(cat.toJSON()) as gt.layers.Concatenate;
    expect(copy).toBeInstanceOf(gt.layers.Concatenate);
    expect(copy.axis).toBe(1);
    for (const make of [gt.layers.add, gt.layers.subtract, gt.layers.multiply, gt.layers.average, gt.layers.maximum, gt.layers.minimum]) {
      const layer = make();
      expect(gt.layers.layerFromConfig(layer.toJSON()).className).toBe(layer.className);
      expect(layer.countParams()).toBe(0);
    }
  });
});
